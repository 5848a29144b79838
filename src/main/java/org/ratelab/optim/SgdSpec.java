package org.ratelab.optim;

import java.util.List;
import org.ratelab.spec.Node;

/**
 * Minibatch SGD in the torch.optim.SGD convention (Robbins &amp; Monro 1951; momentum: Polyak 1964;
 * Nesterov: Sutskever et al. 2013): g ← g + λθ; b_1 = g_1, b_t = μ b_{t−1} + (1 − τ) g_t; Nesterov
 * g ← g + μ b, else g ← b; θ ← θ − η_k g. With {@code batch_size: 0} the gradient is the full one.
 */
public record SgdSpec(double lr, int batchSize, String sampling, double momentum, double dampening,
                      boolean nesterov, double weightDecay, Schedule schedule) implements OptimizerSpec {
    public static final String NAME = "sgd";
    static final List<String> SAMPLING = List.of("with_replacement", "shuffle");

    static SgdSpec parse(Node n) {
        SgdSpec s = new SgdSpec(
                n.positive("lr", 0.1),
                n.integer("batch_size", 32, 0, Integer.MAX_VALUE),
                n.choice("sampling", "with_replacement", SAMPLING),
                n.dbl("momentum", 0.0, 0.0, 1.0, false),
                n.dbl("dampening", 0.0, 0.0, 1.0, false),
                n.bool("nesterov", false),
                n.nonNegative("weight_decay", 0.0),
                Schedule.parse(n.child("schedule")));
        if (s.nesterov && (s.momentum == 0 || s.dampening != 0)) {
            throw n.error("nesterov", "Nesterov momentum requires momentum > 0 and dampening = 0");
        }
        return s;
    }

    @Override public String name() { return NAME; }

    @Override
    public Optimizer instantiate(int dim, int n, double lrScale) {
        if (batchSize > n) {
            throw new IllegalArgumentException("optimizer.batch_size=" + batchSize + " exceeds n=" + n);
        }
        return new Sgd(this, dim, n, lrScale);
    }

    /** Per-run state: gradient and momentum buffers, minibatch sampler. */
    static final class Sgd implements Optimizer {
        private final SgdSpec c;
        private final double lrScale;
        private final double[] g;
        private final double[] buf;
        private final Sampler sampler;

        Sgd(SgdSpec c, int dim, int n, double lrScale) {
            this.c = c;
            this.lrScale = lrScale;
            this.g = new double[dim];
            this.buf = c.momentum > 0 ? new double[dim] : null;
            this.sampler = c.batchSize == 0 ? null : new Sampler(n, c.batchSize, c.sampling.equals("shuffle"));
        }

        @Override public boolean fullGradientAtIterate() { return sampler == null; }

        @Override
        public void step(long k, double[] theta, Oracle oracle) {
            if (sampler == null) {
                oracle.fullGrad(theta, g);
            } else {
                oracle.batchGrad(theta, sampler.next(oracle.rng()), sampler.batch(), g);
            }
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
            double eta = c.lr * lrScale * c.schedule.factor(k);
            for (int i = 0; i < dim; i++) theta[i] -= eta * g[i];
        }
    }
}
