package org.ratelab.optim;

import org.ratelab.spec.Node;

/**
 * AdamW, Adam with decoupled weight decay (Loshchilov &amp; Hutter 2019, "Decoupled Weight Decay
 * Regularization", ICLR, arXiv:1711.05101), exactly as torch.optim.AdamW (t from 1): θ ← θ(1 − η_tλ) first,
 * then Adam on the raw gradient: m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; AMSGrad: v̂ = max(v̂, v) replaces v;
 * θ ← θ − (η_t/(1−β₁ᵗ)) · m / (√v/√(1−β₂ᵗ) + ε). Defaults are torch's (weight_decay 0.01). Costs B (or n)
 * per-sample gradients per step.
 */
public record AdamwSpec(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad,
                        int batchSize, String sampling, Schedule schedule, Noise noise) implements OptimizerSpec {
    public static final String NAME = "adamw";

    static AdamwSpec parse(Node n) {
        return new AdamwSpec(n.positive("lr", 1e-3), AdamSpec.below1(n, "beta1", 0.9),
                AdamSpec.below1(n, "beta2", 0.999), n.positive("eps", 1e-8), n.nonNegative("weight_decay", 1e-2),
                n.bool("amsgrad", false), Gradients.batchSize(n, 0), Gradients.sampling(n),
                Schedule.parse(n.child("schedule")), Noise.parse(n.child("noise")));
    }

    public AdamwSpec {
        AdamSpec.checkBetas("adamw", beta1, beta2);
    }

    @Override public String name() { return NAME; }

    @Override
    public Optimizer instantiate(int dim, int n, double lrScale) {
        Gradients source = new Gradients(dim, n, batchSize, sampling, noise);
        double[] g = new double[dim];
        double[] m = new double[dim];
        double[] v = new double[dim];
        double[] vMax = amsgrad ? new double[dim] : null;
        double[] last = {Double.NaN, Double.NaN};  // lr_t and √(1−β₂ᵗ) of the last step
        return new AdaptiveStep.Optimizer() {
            @Override public boolean fullGradientAtIterate() { return source.full(); }

            @Override
            public void step(long k, double[] theta, Oracle oracle) {
                source.grad(theta, oracle, g);
                double t = k + 1;
                double lrT = lr * lrScale * schedule.factor(k, source.batch());
                double bc1 = 1 - Math.pow(beta1, t);
                double bc2sqrt = Math.sqrt(1 - Math.pow(beta2, t));
                double stepSize = lrT / bc1;
                double decay = 1 - lrT * weightDecay;
                last[0] = lrT;
                last[1] = bc2sqrt;
                for (int i = 0; i < dim; i++) {
                    theta[i] *= decay;
                    double gi = g[i];
                    m[i] = m[i] * beta1 + (1 - beta1) * gi;
                    v[i] = v[i] * beta2 + (1 - beta2) * (gi * gi);
                    double vi = v[i];
                    if (vMax != null) {
                        vMax[i] = Math.max(vMax[i], vi);
                        vi = vMax[i];
                    }
                    theta[i] += -stepSize * (m[i] / (Math.sqrt(vi) / bc2sqrt + eps));
                }
            }

            /** η_i = lr_t / (√v̂_i + ε), the factor of the bias-corrected first moment m̂_i. */
            @Override
            public boolean effectiveLr(double[] out) {
                if (Double.isNaN(last[0])) return false;
                double[] vv = vMax != null ? vMax : v;
                for (int i = 0; i < out.length; i++) out[i] = last[0] / (Math.sqrt(vv[i]) / last[1] + eps);
                return true;
            }
        };
    }

    /** Registers {@code AdamwSpec} (META-INF/services/org.ratelab.optim.OptimizerKind). */
    public static final class Provider implements OptimizerKind {
        @Override public String name() { return NAME; }
        @Override public String doc() {
            return "AdamW, decoupled weight decay, as torch.optim.AdamW (Loshchilov & Hutter 2019, arXiv:1711.05101)";
        }
        @Override public Class<? extends Record> config() { return AdamwSpec.class; }
        @Override public OptimizerSpec parse(Node n) { return AdamwSpec.parse(n); }
    }
}
