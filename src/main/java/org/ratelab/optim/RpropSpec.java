package org.ratelab.optim;

import org.ratelab.spec.Node;

/**
 * Rprop, resilient backpropagation (Riedmiller &amp; Braun 1993, "A Direct Adaptive Method for Faster
 * Backpropagation Learning: The RPROP Algorithm", IEEE ICNN), exactly as torch.optim.Rprop (etas =
 * (etaminus, etaplus), step_sizes = (step_size_min, step_size_max)): per coordinate, with the previous kept
 * gradient g₋ (0 at first) and step Δ (lr·lrScale at first): s = sign(g·g₋); Δ ← clamp(Δ·η₊ if s &gt; 0,
 * Δ·η₋ if s &lt; 0, Δ if s = 0; step_size_min, step_size_max); where s &lt; 0, g ← 0 (no move, and the
 * next step counts as s = 0); θ ← θ − sign(g)·Δ; g₋ ← g. A schedule multiplies the move, f_k·sign(g)·Δ, not Δ.
 * One deliberate difference: a NaN gradient makes θ NaN (as in every ratelab method), where torch 1.13's
 * sign(NaN) = 0 leaves θ where it is and hides the failure.
 * Costs B (or n) per-sample gradients per step.
 */
public record RpropSpec(double lr, double etaminus, double etaplus, double stepSizeMin, double stepSizeMax,
                        int batchSize, String sampling, Schedule schedule, Noise noise) implements OptimizerSpec {
    public static final String NAME = "rprop";

    static RpropSpec parse(Node n) {
        double lr = n.positive("lr", 1e-2);
        double etaminus = n.dbl("etaminus", 0.5, 0.0, 1.0, true);
        if (etaminus >= 1) throw n.error("etaminus", "must be < 1, got " + etaminus);
        double etaplus = n.dbl("etaplus", 1.2, 1.0, Double.MAX_VALUE, true);
        double min = n.nonNegative("step_size_min", 1e-6);
        double max = n.positive("step_size_max", 50.0);
        if (min > max) throw n.error("step_size_min", "must be <= step_size_max=" + max + ", got " + min);
        return new RpropSpec(lr, etaminus, etaplus, min, max, Gradients.batchSize(n, 0), Gradients.sampling(n),
                Schedule.parse(n.child("schedule")), Noise.parse(n.child("noise")));
    }

    public RpropSpec {
        if (!(etaminus > 0 && etaminus < 1 && etaplus > 1)) {
            throw new IllegalArgumentException("rprop needs 0 < etaminus < 1 < etaplus, got " + etaminus + ", " + etaplus);
        }
    }

    @Override public String name() { return NAME; }

    @Override
    public Optimizer instantiate(int dim, int n, double lrScale) {
        Gradients source = new Gradients(dim, n, batchSize, sampling, noise);
        double[] g = new double[dim];
        double[] prev = new double[dim];
        double[] delta = new double[dim];
        java.util.Arrays.fill(delta, lr * lrScale);
        return new Optimizer() {
            @Override public boolean fullGradientAtIterate() { return source.full(); }

            @Override
            public void step(long k, double[] theta, Oracle oracle) {
                source.grad(theta, oracle, g);
                double f = schedule.factor(k, source.batch());
                for (int i = 0; i < dim; i++) {
                    double s = Math.signum(g[i] * prev[i]);
                    // a NaN stays NaN and reaches θ: torch 1.13's sign(NaN) = 0 would leave θ in place instead
                    double eta = s > 0 ? etaplus : s < 0 ? etaminus : s == 0 ? 1 : s;
                    delta[i] = Math.min(Math.max(delta[i] * eta, stepSizeMin), stepSizeMax);
                    double gi = eta == etaminus ? 0.0 : g[i];
                    theta[i] += -(f * (Math.signum(gi) * delta[i]));
                    prev[i] = gi;
                }
            }
        };
    }

    /** Registers {@code RpropSpec} (META-INF/services/org.ratelab.optim.OptimizerKind). */
    public static final class Provider implements OptimizerKind {
        @Override public String name() { return NAME; }
        @Override public String doc() { return "Rprop as torch.optim.Rprop (Riedmiller & Braun 1993)"; }
        @Override public Class<? extends Record> config() { return RpropSpec.class; }
        @Override public OptimizerSpec parse(Node n) { return RpropSpec.parse(n); }
    }
}
