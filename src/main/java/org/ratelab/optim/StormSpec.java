package org.ratelab.optim;

import org.ratelab.spec.Node;

/**
 * STORM, momentum-based variance reduction (Cutkosky &amp; Orabona 2019, "Momentum-Based Variance Reduction
 * in Non-Convex SGD", NeurIPS; arXiv:1905.10018): d_0 = ∇f(θ_0, ξ_0);
 * d_k = ∇f(θ_k, ξ_k) + (1 − a_k)(d_{k−1} − ∇f(θ_{k−1}, ξ_k)); θ_{k+1} = θ_k − η_k d_k. Both gradients of a
 * step use the same minibatch ξ_k: B per-sample gradients at step 0, 2B after.
 *
 * <p>{@code adaptive: false}: η_k = lr·schedule, a_k = a. {@code adaptive: true} (the paper's Algorithm 1,
 * lr playing k): η_k = lr/(w + Σ_{i≤k} ‖∇f(θ_i, ξ_i)‖²)^{1/3}, a_{k+1} = min(1, c·η_k²).
 */
public record StormSpec(double lr, double a, boolean adaptive, double w, double c, int batchSize, String sampling,
                        Schedule schedule) implements OptimizerSpec {
    public static final String NAME = "storm";

    static StormSpec parse(Node n) {
        return new StormSpec(n.positive("lr", 0.1), n.dbl("a", 0.1, 0.0, 1.0, true), n.bool("adaptive", false),
                n.positive("w", 0.1), n.positive("c", 10.0), Gradients.minibatch(n, 1), Gradients.sampling(n),
                Schedule.parse(n.child("schedule")));
    }

    public StormSpec {
        if (batchSize < 1) throw new IllegalArgumentException("storm needs batch_size >= 1, got " + batchSize);
    }

    @Override public String name() { return NAME; }

    @Override public double gradientsPerStep(int n) { return 2.0 * batchSize; }

    @Override
    public Optimizer instantiate(int dim, int n, double lrScale) {
        Gradients.checkBatch(batchSize, n);
        Sampler sampler = new Sampler(n, batchSize, sampling.equals("shuffle"));
        double[] d = new double[dim];
        double[] g = new double[dim];
        double[] gPrev = new double[dim];
        double[] prev = new double[dim];
        return new Optimizer() {
            private double sumSq;
            private double aNext = a;

            @Override
            public void step(long k, double[] theta, Oracle oracle) {
                int[] idx = sampler.next(oracle.rng());
                oracle.batchGrad(theta, idx, batchSize, g);
                if (k == 0) {
                    System.arraycopy(g, 0, d, 0, dim);
                } else {
                    oracle.batchGrad(prev, idx, batchSize, gPrev);
                    double keep = 1 - aNext;
                    for (int i = 0; i < dim; i++) d[i] = g[i] + keep * (d[i] - gPrev[i]);
                }
                double eta;
                if (adaptive) {
                    for (int i = 0; i < dim; i++) sumSq += g[i] * g[i];
                    eta = lr * lrScale / Math.cbrt(w + sumSq);
                    aNext = Math.min(1.0, c * eta * eta);
                } else {
                    eta = lr * lrScale * schedule.factor(k, batchSize);
                }
                System.arraycopy(theta, 0, prev, 0, dim);
                for (int i = 0; i < dim; i++) theta[i] -= eta * d[i];
            }
        };
    }

    /** Registers {@code StormSpec} (META-INF/services/org.ratelab.optim.OptimizerKind). */
    public static final class Provider implements OptimizerKind {
        @Override public String name() { return NAME; }
        @Override public String doc() { return "STORM, momentum-based variance reduction (Cutkosky & Orabona 2019, arXiv:1905.10018)"; }
        @Override public Class<? extends Record> config() { return StormSpec.class; }
        @Override public OptimizerSpec parse(Node n) { return StormSpec.parse(n); }
    }
}
