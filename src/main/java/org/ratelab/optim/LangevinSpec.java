package org.ratelab.optim;

import org.ratelab.spec.Node;

/**
 * Langevin / noisy gradient descent (unadjusted Langevin algorithm; Roberts &amp; Tweedie 1996; Bach's COLT
 * 2025 lecture "Idea 1"): θ ← θ − η_k g(θ) + √(2 η_k τ) · N(0, I), τ = temperature. Its stationary law
 * approaches ∝ exp(−F/τ) as η → 0; on (λ/2)x², E x² = 2τ/(λ(2 − ηλ)). The Gaussian draws come from the
 * run's optimizer stream. Costs B (or n) per-sample gradients per step.
 */
public record LangevinSpec(double lr, double temperature, int batchSize, String sampling, Schedule schedule)
        implements OptimizerSpec {
    public static final String NAME = "langevin";

    static LangevinSpec parse(Node n) {
        return new LangevinSpec(n.positive("lr", 0.1), n.nonNegative("temperature", 1e-3),
                Gradients.batchSize(n, 0), Gradients.sampling(n), Schedule.parse(n.child("schedule")));
    }

    @Override public String name() { return NAME; }

    @Override
    public Optimizer instantiate(int dim, int n, double lrScale) {
        Gradients source = new Gradients(dim, n, batchSize, sampling, Noise.NONE);
        double[] g = new double[dim];
        return new Optimizer() {
            @Override
            public void step(long k, double[] theta, Oracle oracle) {
                source.grad(theta, oracle, g);
                double eta = lr * lrScale * schedule.factor(k, source.batch());
                double amp = Math.sqrt(2 * eta * temperature);
                var rng = oracle.rng();
                for (int i = 0; i < dim; i++) theta[i] += -eta * g[i] + amp * rng.nextGaussian();
            }

            @Override public boolean fullGradientAtIterate() { return source.full(); }
        };
    }

    /** Registers {@code LangevinSpec} (META-INF/services/org.ratelab.optim.OptimizerKind). */
    public static final class Provider implements OptimizerKind {
        @Override public String name() { return NAME; }
        @Override public String doc() { return "Langevin / noisy gradient descent (unadjusted Langevin algorithm; Roberts & Tweedie 1996)"; }
        @Override public Class<? extends Record> config() { return LangevinSpec.class; }
        @Override public OptimizerSpec parse(Node n) { return LangevinSpec.parse(n); }
    }
}
