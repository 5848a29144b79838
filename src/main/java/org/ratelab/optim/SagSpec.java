package org.ratelab.optim;

import org.ratelab.spec.Node;

/**
 * SAG (Le Roux, Schmidt &amp; Bach 2012, NIPS; Schmidt, Le Roux &amp; Bach 2017, Math. Prog. 162): a table α_i
 * of per-sample gradients initialized at θ_0 on the first step (n per-sample gradients); each step refreshes
 * α_j ← ∇f_j(θ) for a minibatch (B per-sample gradients) and moves θ ← θ − η_k · mean_i α_i (biased, unlike
 * SAGA). Theory step 1/(16L), 1/L in practice.
 */
public record SagSpec(double lr, int batchSize, String sampling, Schedule schedule) implements OptimizerSpec {
    public static final String NAME = "sag";

    static SagSpec parse(Node n) {
        return new SagSpec(n.positive("lr", 0.1), Gradients.minibatch(n, 1), Gradients.sampling(n),
                Schedule.parse(n.child("schedule")));
    }

    public SagSpec {
        if (batchSize < 1) throw new IllegalArgumentException("sag needs batch_size >= 1, got " + batchSize);
    }

    @Override public String name() { return NAME; }

    @Override
    public Optimizer instantiate(int dim, int n, double lrScale) {
        Gradients.checkBatch(batchSize, n);
        SagaSpec.Table table = new SagaSpec.Table(dim, n, batchSize, sampling);
        return (k, theta, oracle) -> {
            if (k == 0) table.fill(theta, oracle);
            table.store(table.sample(theta, oracle));
            double eta = lr * lrScale * schedule.factor(k, batchSize);
            for (int i = 0; i < dim; i++) theta[i] -= eta * table.mean[i];
        };
    }

    /** Registers {@code SagSpec} (META-INF/services/org.ratelab.optim.OptimizerKind). */
    public static final class Provider implements OptimizerKind {
        @Override public String name() { return NAME; }
        @Override public String doc() { return "SAG, stochastic average gradient (Le Roux, Schmidt & Bach 2012)"; }
        @Override public Class<? extends Record> config() { return SagSpec.class; }
        @Override public OptimizerSpec parse(Node n) { return SagSpec.parse(n); }
    }
}
