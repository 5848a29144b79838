package org.ratelab.optim;

import org.ratelab.spec.Node;

/**
 * SVRG (Johnson &amp; Zhang 2013, "Accelerating Stochastic Gradient Descent using Predictive Variance
 * Reduction", NIPS), option I (the snapshot is the last iterate). Every m steps: θ̃ = θ, μ̃ = ∇F(θ̃) (n
 * per-sample gradients). Each step: v = g_I(θ) − g_I(θ̃) + μ̃ on a minibatch I of size B, θ ← θ − η_k v
 * (2B per-sample gradients). m = {@code inner_loop}, or 2n when 0. An epoch costs n + 2mB.
 */
public record SvrgSpec(double lr, int innerLoop, int batchSize, String sampling, Schedule schedule)
        implements OptimizerSpec {
    public static final String NAME = "svrg";

    static SvrgSpec parse(Node n) {
        return new SvrgSpec(n.positive("lr", 0.1), n.integer("inner_loop", 0, 0, Integer.MAX_VALUE),
                Gradients.minibatch(n, 1), Gradients.sampling(n), Schedule.parse(n.child("schedule")));
    }

    public SvrgSpec {
        if (batchSize < 1) throw new IllegalArgumentException("svrg needs batch_size >= 1, got " + batchSize);
    }

    @Override public String name() { return NAME; }

    /** Inner-loop length m for n samples. */
    public long inner(int n) { return innerLoop > 0 ? innerLoop : 2L * n; }

    @Override public double gradientsPerStep(int n) { return (double) n / inner(n) + 2.0 * batchSize; }

    @Override
    public Optimizer instantiate(int dim, int n, double lrScale) {
        Gradients.checkBatch(batchSize, n);
        long m = inner(n);
        Sampler sampler = new Sampler(n, batchSize, sampling.equals("shuffle"));
        double[] snap = new double[dim];
        double[] mu = new double[dim];
        double[] g = new double[dim];
        double[] gs = new double[dim];
        return new Optimizer() {
            private long inner = 0;

            @Override
            public void step(long k, double[] theta, Oracle oracle) {
                if (inner == 0) {
                    System.arraycopy(theta, 0, snap, 0, dim);
                    oracle.fullGrad(snap, mu);
                }
                int[] idx = sampler.next(oracle.rng());
                oracle.batchGrad(theta, idx, batchSize, g);
                oracle.batchGrad(snap, idx, batchSize, gs);
                double eta = lr * lrScale * schedule.factor(k, batchSize);
                for (int i = 0; i < dim; i++) theta[i] -= eta * (g[i] - gs[i] + mu[i]);
                inner = inner + 1 == m ? 0 : inner + 1;
            }
        };
    }

    /** Registers {@code SvrgSpec} (META-INF/services/org.ratelab.optim.OptimizerKind). */
    public static final class Provider implements OptimizerKind {
        @Override public String name() { return NAME; }
        @Override public String doc() { return "SVRG, option I (Johnson & Zhang 2013)"; }
        @Override public Class<? extends Record> config() { return SvrgSpec.class; }
        @Override public OptimizerSpec parse(Node n) { return SvrgSpec.parse(n); }
    }
}
