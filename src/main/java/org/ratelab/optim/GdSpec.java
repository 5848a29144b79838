package org.ratelab.optim;

import org.ratelab.spec.Node;

/**
 * Full-batch gradient descent θ_{k+1} = θ_k − η_k ∇F(θ_k) (Cauchy 1847); with L-smooth, μ-PL F and η = 1/L,
 * F(θ_k) − F* ≤ (1 − μ/L)^k (F(θ_0) − F*) (Polyak 1963; Karimi, Nutini &amp; Schmidt 2016).
 */
public record GdSpec(double lr, Schedule schedule) implements OptimizerSpec {
    public static final String NAME = "gd";

    static GdSpec parse(Node n) {
        return new GdSpec(n.positive("lr", 0.1), Schedule.parse(n.child("schedule")));
    }

    @Override public String name() { return NAME; }

    @Override
    public Optimizer instantiate(int dim, int n, double lrScale) {
        double[] grad = new double[dim];
        return new Optimizer() {
            @Override
            public void step(long k, double[] theta, Oracle oracle) {
                oracle.fullGrad(theta, grad);
                double eta = lr * lrScale * schedule.factor(k);
                for (int i = 0; i < dim; i++) theta[i] -= eta * grad[i];
            }

            @Override public boolean fullGradientAtIterate() { return true; }
        };
    }
}
