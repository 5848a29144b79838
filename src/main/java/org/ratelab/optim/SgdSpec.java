package org.ratelab.optim;

import org.ratelab.spec.Node;

/**
 * Minibatch SGD in the torch.optim.SGD convention (Robbins &amp; Monro 1951; momentum: Polyak 1964;
 * Nesterov: Sutskever et al. 2013): g ← g + λθ; b_1 = g_1, b_t = μ b_{t−1} + (1 − τ) g_t; Nesterov
 * g ← g + μ b, else g ← b; θ ← θ − η_k g. With {@code batch_size: 0} the gradient is the full one. Costs B
 * (or n) per-sample gradients per step; the injected {@link Noise} is added to the gradient before weight decay.
 */
public record SgdSpec(double lr, int batchSize, String sampling, double momentum, double dampening,
                      boolean nesterov, double weightDecay, Schedule schedule, Noise noise)
        implements OptimizerSpec {
    public static final String NAME = "sgd";

    static SgdSpec parse(Node n) {
        SgdSpec s = new SgdSpec(
                n.positive("lr", 0.1),
                Gradients.batchSize(n, 32),
                Gradients.sampling(n),
                n.dbl("momentum", 0.0, 0.0, 1.0, false),
                n.dbl("dampening", 0.0, 0.0, 1.0, false),
                n.bool("nesterov", false),
                n.nonNegative("weight_decay", 0.0),
                Schedule.parse(n.child("schedule")),
                Noise.parse(n.child("noise")));
        if (s.nesterov && (s.momentum == 0 || s.dampening != 0)) {
            throw n.error("nesterov", "Nesterov momentum requires momentum > 0 and dampening = 0");
        }
        return s;
    }

    @Override public String name() { return NAME; }

    @Override
    public Optimizer instantiate(int dim, int n, double lrScale) {
        return new Sgd(this, dim, n, lrScale);
    }

    /** Per-run state: gradient and momentum buffers, minibatch sampler. */
    static final class Sgd implements Optimizer {
        private final SgdSpec c;
        private final double lrScale;
        private final double[] g;
        private final double[] buf;
        private final Gradients source;

        Sgd(SgdSpec c, int dim, int n, double lrScale) {
            this.c = c;
            this.lrScale = lrScale;
            this.g = new double[dim];
            this.buf = c.momentum > 0 ? new double[dim] : null;
            this.source = new Gradients(dim, n, c.batchSize, c.sampling, c.noise);
        }

        @Override public boolean fullGradientAtIterate() { return source.full(); }

        @Override
        public void step(long k, double[] theta, Oracle oracle) {
            source.grad(theta, oracle, g);
            int dim = g.length;
            if (c.weightDecay != 0) for (int i = 0; i < dim; i++) g[i] += c.weightDecay * theta[i];
            if (buf != null) {
                double mu = c.momentum;
                if (k == 0) {
                    System.arraycopy(g, 0, buf, 0, dim);
                } else {
                    double keep = 1.0 - c.dampening;
                    for (int i = 0; i < dim; i++) buf[i] = mu * buf[i] + keep * g[i];
                }
                if (c.nesterov) {
                    for (int i = 0; i < dim; i++) g[i] += mu * buf[i];
                } else {
                    System.arraycopy(buf, 0, g, 0, dim);
                }
            }
            double eta = c.lr * lrScale * c.schedule.factor(k, source.batch());
            for (int i = 0; i < dim; i++) theta[i] -= eta * g[i];
        }
    }

    /** Registers {@code SgdSpec} (META-INF/services/org.ratelab.optim.OptimizerKind). */
    public static final class Provider implements OptimizerKind {
        @Override public String name() { return NAME; }
        @Override public String doc() { return "Minibatch SGD with momentum, dampening and Nesterov, as torch.optim.SGD (Robbins & Monro 1951)"; }
        @Override public Class<? extends Record> config() { return SgdSpec.class; }
        @Override public OptimizerSpec parse(Node n) { return SgdSpec.parse(n); }
    }
}
