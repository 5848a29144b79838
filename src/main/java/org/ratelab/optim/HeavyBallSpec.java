package org.ratelab.optim;

import org.ratelab.spec.Node;

/**
 * Heavy ball (Polyak 1964, "Some methods of speeding up the convergence of iteration methods"):
 * θ_{k+1} = θ_k − a_k g_k + b (θ_k − θ_{k−1}), θ_{−1} = θ_0, g_k the (minibatch, noisy) gradient at θ_k. On a
 * quadratic with a = 4/(√L+√μ)², b = ((√κ−1)/(√κ+1))² the spectral radius is (√κ−1)/(√κ+1).
 * Costs B (or n) per-sample gradients per step.
 */
public record HeavyBallSpec(double lr, double momentum, int batchSize, String sampling, Schedule schedule,
                            Noise noise) implements OptimizerSpec {
    public static final String NAME = "heavy_ball";

    static HeavyBallSpec parse(Node n) {
        return new HeavyBallSpec(n.positive("lr", 0.1), n.dbl("momentum", 0.9, 0.0, 1.0, false),
                Gradients.batchSize(n, 0), Gradients.sampling(n), Schedule.parse(n.child("schedule")),
                Noise.parse(n.child("noise")));
    }

    @Override public String name() { return NAME; }

    @Override
    public Optimizer instantiate(int dim, int n, double lrScale) {
        Gradients source = new Gradients(dim, n, batchSize, sampling, noise);
        double[] g = new double[dim];
        double[] prev = new double[dim];
        return new Optimizer() {
            @Override
            public void step(long k, double[] theta, Oracle oracle) {
                source.grad(theta, oracle, g);
                double eta = lr * lrScale * schedule.factor(k, source.batch());
                double b = k == 0 ? 0.0 : momentum;
                for (int i = 0; i < dim; i++) {
                    double x = theta[i];
                    theta[i] = x - eta * g[i] + b * (x - prev[i]);
                    prev[i] = x;
                }
            }

            @Override public boolean fullGradientAtIterate() { return source.full(); }
        };
    }

    /** Registers {@code HeavyBallSpec} (META-INF/services/org.ratelab.optim.OptimizerKind). */
    public static final class Provider implements OptimizerKind {
        @Override public String name() { return NAME; }
        @Override public String doc() { return "Heavy-ball momentum (Polyak 1964)"; }
        @Override public Class<? extends Record> config() { return HeavyBallSpec.class; }
        @Override public OptimizerSpec parse(Node n) { return HeavyBallSpec.parse(n); }
    }
}
