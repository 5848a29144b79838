package org.ratelab.optim;

import org.ratelab.spec.Node;

/**
 * RMSprop (Tieleman &amp; Hinton 2012, COURSERA lecture 6.5; centered form: Graves 2013, arXiv:1308.0850),
 * exactly as torch.optim.RMSprop: g ← g + λθ; v ← αv + (1−α)g² (no bias correction); centered:
 * ḡ ← αḡ + (1−α)g, ṽ = v − ḡ², else ṽ = v; with momentum μ &gt; 0: b ← μb + g/(√ṽ + ε), θ ← θ − η_t b;
 * else θ ← θ − η_t g/(√ṽ + ε). Costs B (or n) per-sample gradients per step.
 */
public record RmspropSpec(double lr, double alpha, double eps, double weightDecay, double momentum,
                          boolean centered, int batchSize, String sampling, Schedule schedule, Noise noise)
        implements OptimizerSpec {
    public static final String NAME = "rmsprop";

    static RmspropSpec parse(Node n) {
        return new RmspropSpec(n.positive("lr", 1e-2), n.dbl("alpha", 0.99, 0.0, 1.0, false),
                n.positive("eps", 1e-8), n.nonNegative("weight_decay", 0.0), n.dbl("momentum", 0.0, 0.0, 1.0, false),
                n.bool("centered", false), Gradients.batchSize(n, 0), Gradients.sampling(n),
                Schedule.parse(n.child("schedule")), Noise.parse(n.child("noise")));
    }

    @Override public String name() { return NAME; }

    @Override
    public Optimizer instantiate(int dim, int n, double lrScale) {
        Gradients source = new Gradients(dim, n, batchSize, sampling, noise);
        double[] g = new double[dim];
        double[] sq = new double[dim];
        double[] gAvg = centered ? new double[dim] : null;
        double[] buf = momentum > 0 ? new double[dim] : null;
        double[] lastEta = {Double.NaN};
        return new AdaptiveStep.Optimizer() {
            @Override
            public void step(long k, double[] theta, Oracle oracle) {
                source.grad(theta, oracle, g);
                double eta = lr * lrScale * schedule.factor(k, source.batch());
                lastEta[0] = eta;
                for (int i = 0; i < dim; i++) {
                    double gi = weightDecay != 0 ? g[i] + weightDecay * theta[i] : g[i];
                    sq[i] = sq[i] * alpha + (1 - alpha) * (gi * gi);
                    double avg;
                    if (gAvg != null) {
                        gAvg[i] = gAvg[i] * alpha + (1 - alpha) * gi;
                        avg = Math.sqrt(sq[i] + -1 * (gAvg[i] * gAvg[i]));
                    } else {
                        avg = Math.sqrt(sq[i]);
                    }
                    avg += eps;
                    if (buf != null) {
                        buf[i] = buf[i] * momentum + gi / avg;
                        theta[i] += -eta * buf[i];
                    } else {
                        theta[i] += -eta * (gi / avg);
                    }
                }
            }

            @Override public boolean fullGradientAtIterate() { return source.full(); }

            /** η_i = η_t / (√ṽ_i + ε) (the factor of g_i, or of g_i inside the momentum buffer). */
            @Override
            public boolean effectiveLr(double[] out) {
                if (Double.isNaN(lastEta[0])) return false;
                for (int i = 0; i < dim; i++) {
                    double vt = gAvg != null ? sq[i] + -1 * (gAvg[i] * gAvg[i]) : sq[i];
                    out[i] = lastEta[0] / (Math.sqrt(vt) + eps);
                }
                return true;
            }
        };
    }

    /** Registers {@code RmspropSpec} (META-INF/services/org.ratelab.optim.OptimizerKind). */
    public static final class Provider implements OptimizerKind {
        @Override public String name() { return NAME; }
        @Override public String doc() { return "RMSprop, plain and centered, as torch.optim.RMSprop (Tieleman & Hinton 2012)"; }
        @Override public Class<? extends Record> config() { return RmspropSpec.class; }
        @Override public OptimizerSpec parse(Node n) { return RmspropSpec.parse(n); }
    }
}
