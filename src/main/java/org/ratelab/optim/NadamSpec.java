package org.ratelab.optim;

import org.ratelab.spec.Node;

/**
 * NAdam, Adam with Nesterov momentum (Dozat 2016, "Incorporating Nesterov Momentum into Adam", ICLR
 * workshop), exactly as torch.optim.NAdam (t from 1, torch ≥ 2.0's rule, see below): g ← g + λθ;
 * μ_t = β₁(1 − ½·0.96^(tψ)) with ψ = momentum_decay; Π_t = Π_{t−1}μ_t; m ← β₁m + (1−β₁)g;
 * v ← β₂v + (1−β₂)g²; D = √(v/(1−β₂ᵗ)) + ε; θ ← θ − η_t(1−μ_t)/(1−Π_t) · g/D; θ ← θ − η_tμ_{t+1}/(1−Π_tμ_{t+1}) · m/D.
 * torch 1.13 used Π_tμ_tμ_{t+1} in the last denominator, one μ_t too many; pytorch/pytorch#92699 (torch 2.0)
 * fixed it to Dozat's Π_{t+1}, which is what this follows (the goldens' generator patches torch 1.13 so).
 * Costs B (or n) per-sample gradients per step.
 */
public record NadamSpec(double lr, double beta1, double beta2, double eps, double weightDecay, double momentumDecay,
                        int batchSize, String sampling, Schedule schedule, Noise noise) implements OptimizerSpec {
    public static final String NAME = "nadam";

    static NadamSpec parse(Node n) {
        return new NadamSpec(n.positive("lr", 2e-3), AdamSpec.below1(n, "beta1", 0.9),
                AdamSpec.below1(n, "beta2", 0.999), n.positive("eps", 1e-8), n.nonNegative("weight_decay", 0.0),
                n.nonNegative("momentum_decay", 4e-3), Gradients.batchSize(n, 0), Gradients.sampling(n),
                Schedule.parse(n.child("schedule")), Noise.parse(n.child("noise")));
    }

    public NadamSpec {
        AdamSpec.checkBetas("nadam", beta1, beta2);
    }

    @Override public String name() { return NAME; }

    @Override
    public Optimizer instantiate(int dim, int n, double lrScale) {
        Gradients source = new Gradients(dim, n, batchSize, sampling, noise);
        double[] g = new double[dim];
        double[] m = new double[dim];
        double[] v = new double[dim];
        double[] state = {1.0, Double.NaN, Double.NaN};  // Π_t; lr_t and 1−β₂ᵗ of the last step
        return new AdaptiveStep.Optimizer() {
            @Override public boolean fullGradientAtIterate() { return source.full(); }

            @Override
            public void step(long k, double[] theta, Oracle oracle) {
                source.grad(theta, oracle, g);
                double t = k + 1;
                double lrT = lr * lrScale * schedule.factor(k, source.batch());
                double bc2 = 1 - Math.pow(beta2, t);
                double mu = beta1 * (1. - 0.5 * Math.pow(0.96, t * momentumDecay));
                double muNext = beta1 * (1. - 0.5 * Math.pow(0.96, (t + 1) * momentumDecay));
                state[0] *= mu;
                double muProduct = state[0];
                double muProductNext = muProduct * muNext;
                double c1 = -lrT * (1. - mu) / (1. - muProduct);
                double c2 = -lrT * muNext / (1. - muProductNext);
                state[1] = lrT;
                state[2] = bc2;
                for (int i = 0; i < dim; i++) {
                    double gi = weightDecay != 0 ? g[i] + weightDecay * theta[i] : g[i];
                    m[i] = m[i] * beta1 + (1 - beta1) * gi;
                    v[i] = v[i] * beta2 + (1 - beta2) * (gi * gi);
                    double denom = Math.sqrt(v[i] / bc2) + eps;
                    theta[i] += c1 * (gi / denom);
                    theta[i] += c2 * (m[i] / denom);
                }
            }

            /** η_i = lr_t / (√v̂_i + ε), the common factor of NAdam's gradient and momentum terms. */
            @Override
            public boolean effectiveLr(double[] out) {
                if (Double.isNaN(state[1])) return false;
                for (int i = 0; i < out.length; i++) out[i] = state[1] / (Math.sqrt(v[i] / state[2]) + eps);
                return true;
            }
        };
    }

    /** Registers {@code NadamSpec} (META-INF/services/org.ratelab.optim.OptimizerKind). */
    public static final class Provider implements OptimizerKind {
        @Override public String name() { return NAME; }
        @Override public String doc() { return "NAdam, Nesterov momentum in Adam, as torch.optim.NAdam (Dozat 2016)"; }
        @Override public Class<? extends Record> config() { return NadamSpec.class; }
        @Override public OptimizerSpec parse(Node n) { return NadamSpec.parse(n); }
    }
}
