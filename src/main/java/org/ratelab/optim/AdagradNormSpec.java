package org.ratelab.optim;

import org.ratelab.spec.Node;

/**
 * AdaGrad-Norm (Ward, Wu &amp; Bottou 2019, "AdaGrad stepsizes: sharp convergence over nonconvex
 * landscapes", ICML; arXiv:1806.01811): one scalar step size, b_{k+1}² = b_k² + ‖g_k‖², θ_{k+1} = θ_k −
 * (η/b_{k+1}) g_k, b_0 = b0 &gt; 0. Robust to the choice of η. Costs B (or n) per-sample gradients per step.
 */
public record AdagradNormSpec(double lr, double b0, int batchSize, String sampling, Schedule schedule,
                              Noise noise) implements OptimizerSpec {
    public static final String NAME = "adagrad_norm";

    static AdagradNormSpec parse(Node n) {
        return new AdagradNormSpec(n.positive("lr", 1.0), n.positive("b0", 1e-2), Gradients.batchSize(n, 0),
                Gradients.sampling(n), Schedule.parse(n.child("schedule")), Noise.parse(n.child("noise")));
    }

    @Override public String name() { return NAME; }

    @Override
    public Optimizer instantiate(int dim, int n, double lrScale) {
        Gradients source = new Gradients(dim, n, batchSize, sampling, noise);
        double[] g = new double[dim];
        double[] bSq = {b0 * b0};
        return new Optimizer() {
            @Override
            public void step(long k, double[] theta, Oracle oracle) {
                source.grad(theta, oracle, g);
                double s = 0;
                for (int i = 0; i < dim; i++) s += g[i] * g[i];
                bSq[0] += s;
                double eta = lr * lrScale * schedule.factor(k, source.batch()) / Math.sqrt(bSq[0]);
                for (int i = 0; i < dim; i++) theta[i] -= eta * g[i];
            }

            @Override public boolean fullGradientAtIterate() { return source.full(); }
        };
    }

    /** Registers {@code AdagradNormSpec} (META-INF/services/org.ratelab.optim.OptimizerKind). */
    public static final class Provider implements OptimizerKind {
        @Override public String name() { return NAME; }
        @Override public String doc() { return "AdaGrad-Norm, one scalar adaptive step (Ward, Wu & Bottou 2019, arXiv:1806.01811)"; }
        @Override public Class<? extends Record> config() { return AdagradNormSpec.class; }
        @Override public OptimizerSpec parse(Node n) { return AdagradNormSpec.parse(n); }
    }
}
