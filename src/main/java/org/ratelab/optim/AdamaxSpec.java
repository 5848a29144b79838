package org.ratelab.optim;

import org.ratelab.spec.Node;

/**
 * Adamax, Adam in the infinity norm (Kingma &amp; Ba 2015, arXiv:1412.6980, §7.1), exactly as
 * torch.optim.Adamax (t from 1): g ← g + λθ; m ← β₁m + (1−β₁)g; u ← max(β₂u, |g| + ε);
 * θ ← θ − (η_t/(1−β₁ᵗ)) · m/u. Costs B (or n) per-sample gradients per step.
 */
public record AdamaxSpec(double lr, double beta1, double beta2, double eps, double weightDecay,
                         int batchSize, String sampling, Schedule schedule, Noise noise) implements OptimizerSpec {
    public static final String NAME = "adamax";

    static AdamaxSpec parse(Node n) {
        return new AdamaxSpec(n.positive("lr", 2e-3), AdamSpec.below1(n, "beta1", 0.9),
                AdamSpec.below1(n, "beta2", 0.999), n.positive("eps", 1e-8), n.nonNegative("weight_decay", 0.0),
                Gradients.batchSize(n, 0), Gradients.sampling(n), Schedule.parse(n.child("schedule")),
                Noise.parse(n.child("noise")));
    }

    public AdamaxSpec {
        AdamSpec.checkBetas("adamax", beta1, beta2);
    }

    @Override public String name() { return NAME; }

    @Override
    public Optimizer instantiate(int dim, int n, double lrScale) {
        Gradients source = new Gradients(dim, n, batchSize, sampling, noise);
        double[] g = new double[dim];
        double[] m = new double[dim];
        double[] u = new double[dim];
        double[] lastLr = {Double.NaN};
        return new AdaptiveStep.Optimizer() {
            @Override public boolean fullGradientAtIterate() { return source.full(); }

            @Override
            public void step(long k, double[] theta, Oracle oracle) {
                source.grad(theta, oracle, g);
                double lrT = lr * lrScale * schedule.factor(k, source.batch());
                double clr = lrT / (1 - Math.pow(beta1, k + 1));
                lastLr[0] = lrT;
                for (int i = 0; i < dim; i++) {
                    double gi = weightDecay != 0 ? g[i] + weightDecay * theta[i] : g[i];
                    m[i] = m[i] * beta1 + (1 - beta1) * gi;
                    u[i] = Math.max(u[i] * beta2, Math.abs(gi) + eps);
                    theta[i] += -clr * (m[i] / u[i]);
                }
            }

            /** η_i = lr_t / u_i, the factor of the bias-corrected first moment m̂_i. */
            @Override
            public boolean effectiveLr(double[] out) {
                if (Double.isNaN(lastLr[0])) return false;
                for (int i = 0; i < out.length; i++) out[i] = lastLr[0] / u[i];
                return true;
            }
        };
    }

    /** Registers {@code AdamaxSpec} (META-INF/services/org.ratelab.optim.OptimizerKind). */
    public static final class Provider implements OptimizerKind {
        @Override public String name() { return NAME; }
        @Override public String doc() {
            return "Adamax, Adam in the infinity norm, as torch.optim.Adamax (Kingma & Ba 2015 §7.1)";
        }
        @Override public Class<? extends Record> config() { return AdamaxSpec.class; }
        @Override public OptimizerSpec parse(Node n) { return AdamaxSpec.parse(n); }
    }
}
