package org.ratelab.optim;

import org.ratelab.spec.Node;

/**
 * Full-batch gradient descent θ_{k+1} = θ_k − η_k (∇F(θ_k) + Z_k) (Cauchy 1847), Z_k the injected
 * {@link Noise} (none by default); with L-smooth, μ-PL F and η = 1/L, F(θ_k) − F* ≤ (1 − μ/L)^k (F(θ_0) − F*)
 * (Polyak 1963; Karimi, Nutini &amp; Schmidt 2016). Costs n per-sample gradients per step.
 */
public record GdSpec(double lr, Schedule schedule, Noise noise) implements OptimizerSpec {
    public static final String NAME = "gd";

    static GdSpec parse(Node n) {
        return new GdSpec(n.positive("lr", 0.1), Schedule.parse(n.child("schedule")), Noise.parse(n.child("noise")));
    }

    @Override public String name() { return NAME; }

    /**
     * Full batch: no minibatch is drawn, so the default's {@code with_replacement}, which {@code canonical()}
     * (no {@code sampling} key) gives, without building that map by reflection for every run (2% of a tiny
     * run's training).
     */
    @Override public String sampling() { return "with_replacement"; }

    @Override
    public Optimizer instantiate(int dim, int n, double lrScale) {
        double[] grad = new double[dim];
        Gradients source = new Gradients(dim, n, 0, "with_replacement", noise);
        return new Optimizer() {
            @Override
            public void step(long k, double[] theta, Oracle oracle) {
                source.grad(theta, oracle, grad);
                double eta = lr * lrScale * schedule.factor(k, n);
                for (int i = 0; i < dim; i++) theta[i] -= eta * grad[i];
            }

            @Override public boolean fullGradientAtIterate() { return true; }
        };
    }

    /** Registers {@code GdSpec} (META-INF/services/org.ratelab.optim.OptimizerKind). */
    public static final class Provider implements OptimizerKind {
        @Override public String name() { return NAME; }
        @Override public String doc() { return "Full-batch gradient descent (Cauchy 1847), optionally with injected gradient noise"; }
        @Override public Class<? extends Record> config() { return GdSpec.class; }
        @Override public OptimizerSpec parse(Node n) { return GdSpec.parse(n); }
    }
}
