package org.ratelab.optim;

import org.ratelab.spec.Node;

/**
 * RAdam, rectified Adam (Liu et al. 2020, "On the Variance of the Adaptive Learning Rate and Beyond", ICLR,
 * arXiv:1908.03265), exactly as torch.optim.RAdam (t from 1): g ← g + λθ; m ← β₁m + (1−β₁)g;
 * v ← β₂v + (1−β₂)g²; m̂ = m/(1−β₁ᵗ); ρ_∞ = 2/(1−β₂) − 1; ρ_t = ρ_∞ − 2tβ₂ᵗ/(1−β₂ᵗ); when ρ_t &gt; 5:
 * r_t = √((ρ_t−4)(ρ_t−2)ρ_∞ / ((ρ_∞−4)(ρ_∞−2)ρ_t)), θ ← θ − η_t · m̂ · √(1−β₂ᵗ)/(√v + ε) · r_t; otherwise (the
 * first steps, or always when ρ_∞ ≤ 5) the un-adapted momentum step θ ← θ − η_t m̂. Costs B (or n)
 * per-sample gradients per step.
 */
public record RadamSpec(double lr, double beta1, double beta2, double eps, double weightDecay,
                        int batchSize, String sampling, Schedule schedule, Noise noise) implements OptimizerSpec {
    public static final String NAME = "radam";

    static RadamSpec parse(Node n) {
        return new RadamSpec(n.positive("lr", 1e-3), AdamSpec.below1(n, "beta1", 0.9),
                AdamSpec.below1(n, "beta2", 0.999), n.positive("eps", 1e-8), n.nonNegative("weight_decay", 0.0),
                Gradients.batchSize(n, 0), Gradients.sampling(n), Schedule.parse(n.child("schedule")),
                Noise.parse(n.child("noise")));
    }

    public RadamSpec {
        AdamSpec.checkBetas("radam", beta1, beta2);
    }

    @Override public String name() { return NAME; }

    @Override
    public Optimizer instantiate(int dim, int n, double lrScale) {
        Gradients source = new Gradients(dim, n, batchSize, sampling, noise);
        double[] g = new double[dim];
        double[] m = new double[dim];
        double[] v = new double[dim];
        // of the last step: lr_t, √(1−β₂ᵗ)·r_t when rectified (NaN when not)
        double[] last = {Double.NaN, Double.NaN};
        return new AdaptiveStep.Optimizer() {
            @Override public boolean fullGradientAtIterate() { return source.full(); }

            @Override
            public void step(long k, double[] theta, Oracle oracle) {
                source.grad(theta, oracle, g);
                double t = k + 1;
                double lrT = lr * lrScale * schedule.factor(k, source.batch());
                double bc1 = 1 - Math.pow(beta1, t);
                double bc2 = 1 - Math.pow(beta2, t);
                double rhoInf = 2 / (1 - beta2) - 1;
                double rhoT = rhoInf - 2 * t * Math.pow(beta2, t) / bc2;
                boolean rectified = rhoT > 5.;
                double rect = rectified
                        ? Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 1;
                double bc2sqrt = Math.sqrt(bc2);
                last[0] = lrT;
                last[1] = rectified ? bc2sqrt * rect : Double.NaN;
                for (int i = 0; i < dim; i++) {
                    double gi = weightDecay != 0 ? g[i] + weightDecay * theta[i] : g[i];
                    m[i] = m[i] * beta1 + (1 - beta1) * gi;
                    v[i] = v[i] * beta2 + (1 - beta2) * (gi * gi);
                    double mHat = m[i] / bc1;
                    if (rectified) {
                        double adaptive = bc2sqrt / (Math.sqrt(v[i]) + eps);
                        theta[i] += -(mHat * lrT * adaptive * rect);
                    } else {
                        theta[i] += -(mHat * lrT);
                    }
                }
            }

            /** η_i = lr_t·r_t·√(1−β₂ᵗ)/(√v_i + ε) when the step was rectified, else lr_t (factor of m̂_i). */
            @Override
            public boolean effectiveLr(double[] out) {
                if (Double.isNaN(last[0])) return false;
                for (int i = 0; i < out.length; i++) {
                    out[i] = Double.isNaN(last[1]) ? last[0] : last[0] * last[1] / (Math.sqrt(v[i]) + eps);
                }
                return true;
            }
        };
    }

    /** Registers {@code RadamSpec} (META-INF/services/org.ratelab.optim.OptimizerKind). */
    public static final class Provider implements OptimizerKind {
        @Override public String name() { return NAME; }
        @Override public String doc() {
            return "RAdam, rectified Adam, as torch.optim.RAdam (Liu et al. 2020, arXiv:1908.03265)";
        }
        @Override public Class<? extends Record> config() { return RadamSpec.class; }
        @Override public OptimizerSpec parse(Node n) { return RadamSpec.parse(n); }
    }
}
