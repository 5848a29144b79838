package org.ratelab.examples.lion;

import java.util.List;
import org.ratelab.api.Doc;
import org.ratelab.optim.Optimizer;
import org.ratelab.optim.OptimizerKind;
import org.ratelab.optim.OptimizerSpec;
import org.ratelab.optim.Oracle;
import org.ratelab.optim.Sampler;
import org.ratelab.spec.Node;

/**
 * Lion, EvoLved Sign Momentum (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms",
 * arXiv:2302.06675, Algorithm 2): with g the (minibatch) gradient,
 * c = β₁m + (1−β₁)g; θ ← θ − η(sign(c) + λθ); m ← β₂m + (1−β₂)g. Every coordinate moves by exactly η (plus
 * the decoupled weight decay) unless its interpolated momentum is 0. Costs B (or n, full batch) per-sample
 * gradients per step.
 *
 * <p>An example plug-in of ratelab: this one file (configuration record, parser, per-run state, provider)
 * plus one line in {@code META-INF/services/org.ratelab.optim.OptimizerKind}.
 */
public record LionSpec(@Doc("step size η") double lr,
                       @Doc("interpolation of momentum and gradient for the update direction, in [0, 1)") double beta1,
                       @Doc("momentum decay, in [0, 1)") double beta2,
                       @Doc("decoupled weight decay λ (θ ← θ − ηλθ)") double weightDecay,
                       @Doc("minibatch size B, 0 for the full batch") int batchSize,
                       @Doc("minibatch sampling: with_replacement or shuffle (epochs)") String sampling)
        implements OptimizerSpec {
    public static final String NAME = "lion";
    static final List<String> SAMPLING = List.of("with_replacement", "shuffle");

    /** The {@code optimizer:} section's keys, their ranges and defaults (the paper's, weight decay off). */
    static LionSpec parse(Node n) {
        return new LionSpec(n.positive("lr", 1e-4), below1(n, "beta1", 0.9), below1(n, "beta2", 0.99),
                n.nonNegative("weight_decay", 0.0), n.integer("batch_size", 0, 0, Integer.MAX_VALUE),
                n.choice("sampling", "with_replacement", SAMPLING));
    }

    private static double below1(Node n, String key, double dflt) {
        double b = n.dbl(key, dflt, 0.0, 1.0, false);
        if (b >= 1) throw n.error(key, "must be < 1, got " + b);
        return b;
    }

    @Override public String name() { return NAME; }

    @Override
    public Optimizer instantiate(int dim, int n, double lrScale) {
        if (batchSize > n) throw new IllegalArgumentException("optimizer.batch_size=" + batchSize + " exceeds n=" + n);
        return new Lion(this, dim, n, lrScale);
    }

    /** Per-run state: the gradient and the momentum, allocated once. */
    static final class Lion implements Optimizer {
        private final LionSpec c;
        private final double eta;
        private final Sampler sampler;
        private final double[] g;
        private final double[] m;

        Lion(LionSpec c, int dim, int n, double lrScale) {
            this.c = c;
            this.eta = c.lr * lrScale;
            this.sampler = c.batchSize == 0 ? null : new Sampler(n, c.batchSize, c.sampling.equals("shuffle"));
            this.g = new double[dim];
            this.m = new double[dim];
        }

        @Override public boolean fullGradientAtIterate() { return sampler == null; }

        @Override
        public void step(long k, double[] theta, Oracle oracle) {
            if (sampler == null) oracle.fullGrad(theta, g);
            else oracle.batchGrad(theta, sampler.next(oracle.rng()), sampler.batch(), g);
            double b1 = c.beta1;
            double b2 = c.beta2;
            double wd = c.weightDecay;
            for (int i = 0; i < g.length; i++) {
                double update = Math.signum(b1 * m[i] + (1 - b1) * g[i]);
                theta[i] -= eta * (update + wd * theta[i]);
                m[i] = b2 * m[i] + (1 - b2) * g[i];
            }
        }
    }

    /** Registers Lion (META-INF/services/org.ratelab.optim.OptimizerKind). */
    public static final class Provider implements OptimizerKind {
        @Override public String name() { return NAME; }
        @Override public String doc() { return "Lion, sign momentum (Chen et al. 2023, arXiv:2302.06675)"; }
        @Override public Class<? extends Record> config() { return LionSpec.class; }
        @Override public OptimizerSpec parse(Node n) { return LionSpec.parse(n); }
    }
}
