package org.ratelab.optim;

import org.ratelab.spec.Node;

/**
 * Adagrad (Duchi, Hazan &amp; Singer 2011, JMLR 12), exactly as torch.optim.Adagrad (t from 1):
 * g ← g + λθ; clr = η_t/(1 + (t−1)·lr_decay); s ← s + g² with s₀ = initial_accumulator_value;
 * θ ← θ − clr · g/(√s + ε). Costs B (or n) per-sample gradients per step.
 */
public record AdagradSpec(double lr, double lrDecay, double weightDecay, double initialAccumulatorValue,
                          double eps, int batchSize, String sampling, Schedule schedule, Noise noise)
        implements OptimizerSpec {
    public static final String NAME = "adagrad";

    static AdagradSpec parse(Node n) {
        return new AdagradSpec(n.positive("lr", 1e-2), n.nonNegative("lr_decay", 0.0),
                n.nonNegative("weight_decay", 0.0), n.nonNegative("initial_accumulator_value", 0.0),
                n.positive("eps", 1e-10), Gradients.batchSize(n, 0), Gradients.sampling(n),
                Schedule.parse(n.child("schedule")), Noise.parse(n.child("noise")));
    }

    @Override public String name() { return NAME; }

    @Override
    public Optimizer instantiate(int dim, int n, double lrScale) {
        Gradients source = new Gradients(dim, n, batchSize, sampling, noise);
        double[] g = new double[dim];
        double[] sum = new double[dim];
        java.util.Arrays.fill(sum, initialAccumulatorValue);
        double[] lastClr = {Double.NaN};
        return new AdaptiveStep.Optimizer() {
            @Override
            public void step(long k, double[] theta, Oracle oracle) {
                source.grad(theta, oracle, g);
                double clr = lr * lrScale * schedule.factor(k, source.batch()) / (1 + k * lrDecay);
                lastClr[0] = clr;
                for (int i = 0; i < dim; i++) {
                    double gi = weightDecay != 0 ? g[i] + weightDecay * theta[i] : g[i];
                    sum[i] += gi * gi;
                    theta[i] += -clr * (gi / (Math.sqrt(sum[i]) + eps));
                }
            }

            @Override public boolean fullGradientAtIterate() { return source.full(); }

            /** η_i = clr / (√s_i + ε). */
            @Override
            public boolean effectiveLr(double[] out) {
                if (Double.isNaN(lastClr[0])) return false;
                for (int i = 0; i < dim; i++) out[i] = lastClr[0] / (Math.sqrt(sum[i]) + eps);
                return true;
            }
        };
    }

    /** Registers {@code AdagradSpec} (META-INF/services/org.ratelab.optim.OptimizerKind). */
    public static final class Provider implements OptimizerKind {
        @Override public String name() { return NAME; }
        @Override public String doc() { return "Adagrad as torch.optim.Adagrad (Duchi, Hazan & Singer 2011)"; }
        @Override public Class<? extends Record> config() { return AdagradSpec.class; }
        @Override public OptimizerSpec parse(Node n) { return AdagradSpec.parse(n); }
    }
}
