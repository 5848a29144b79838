package org.ratelab.optim;

import org.ratelab.spec.Node;

/**
 * SAGA (Defazio, Bach &amp; Lacoste-Julien 2014, "SAGA: A Fast Incremental Gradient Method With Support for
 * Non-Strongly Convex Composite Objectives", NIPS). A table α_i of per-sample gradients, initialized at θ_0
 * on the first step (n per-sample gradients). Each step, for a minibatch I (size B, each index one
 * per-sample gradient): v = mean_{j∈I}(∇f_j(θ) − α_j) + mean_i α_i, θ ← θ − η_k v, then α_j ← ∇f_j(θ).
 * Table: n·dim doubles, allocated at instantiate.
 */
public record SagaSpec(double lr, int batchSize, String sampling, Schedule schedule) implements OptimizerSpec {
    public static final String NAME = "saga";

    static SagaSpec parse(Node n) {
        return new SagaSpec(n.positive("lr", 0.1), Gradients.minibatch(n, 1), Gradients.sampling(n),
                Schedule.parse(n.child("schedule")));
    }

    public SagaSpec {
        if (batchSize < 1) throw new IllegalArgumentException("saga needs batch_size >= 1, got " + batchSize);
    }

    @Override public String name() { return NAME; }

    @Override
    public Optimizer instantiate(int dim, int n, double lrScale) {
        Gradients.checkBatch(batchSize, n);
        Table table = new Table(dim, n, batchSize, sampling);
        double[] v = new double[dim];
        return (k, theta, oracle) -> {
            if (k == 0) table.fill(theta, oracle);
            int[] idx = table.sample(theta, oracle);
            // v = mean_j (g_j − α_j) + ᾱ, with the old table
            System.arraycopy(table.mean, 0, v, 0, dim);
            for (int b = 0; b < batchSize; b++) {
                int j = idx[b];
                for (int i = 0; i < dim; i++) {
                    v[i] += (table.fresh[b * dim + i] - table.alpha[j * dim + i]) / batchSize;
                }
            }
            double eta = lr * lrScale * schedule.factor(k, batchSize);
            for (int i = 0; i < dim; i++) theta[i] -= eta * v[i];
            table.store(idx);
        };
    }

    /**
     * The per-sample gradient table shared by SAGA and SAG: α (n × dim, row-major), its mean, and the fresh
     * gradients of the current minibatch.
     */
    static final class Table {
        final int dim;
        final int n;
        final double[] alpha;
        final double[] mean;
        final double[] fresh;
        private final Sampler sampler;
        private final int[] one = new int[1];
        private final double[] row;

        Table(int dim, int n, int batch, String sampling) {
            if ((long) n * dim > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("gradient table n*dim=" + (long) n * dim + " too large");
            }
            this.dim = dim;
            this.n = n;
            this.alpha = new double[n * dim];
            this.mean = new double[dim];
            this.fresh = new double[batch * dim];
            this.sampler = new Sampler(n, batch, sampling.equals("shuffle"));
            this.row = new double[dim];
        }

        /** α_i = ∇f_i(theta) for every i: n per-sample gradients. */
        void fill(double[] theta, Oracle oracle) {
            java.util.Arrays.fill(mean, 0);
            for (int j = 0; j < n; j++) {
                one[0] = j;
                oracle.batchGrad(theta, one, 1, row);
                System.arraycopy(row, 0, alpha, j * dim, dim);
                for (int i = 0; i < dim; i++) mean[i] += row[i] / n;
            }
        }

        /** Draws a minibatch and writes ∇f_j(theta) of its samples into fresh: B per-sample gradients. */
        int[] sample(double[] theta, Oracle oracle) {
            int[] idx = sampler.next(oracle.rng());
            for (int b = 0; b < idx.length; b++) {
                one[0] = idx[b];
                oracle.batchGrad(theta, one, 1, row);
                System.arraycopy(row, 0, fresh, b * dim, dim);
            }
            return idx;
        }

        /** α_j ← fresh gradient for the batch's samples, keeping the mean in step. */
        void store(int[] idx) {
            for (int b = 0; b < idx.length; b++) {
                int j = idx[b];
                for (int i = 0; i < dim; i++) {
                    double g = fresh[b * dim + i];
                    mean[i] += (g - alpha[j * dim + i]) / n;
                    alpha[j * dim + i] = g;
                }
            }
        }
    }

    /** Registers {@code SagaSpec} (META-INF/services/org.ratelab.optim.OptimizerKind). */
    public static final class Provider implements OptimizerKind {
        @Override public String name() { return NAME; }
        @Override public String doc() { return "SAGA, table of per-sample gradients (Defazio, Bach & Lacoste-Julien 2014)"; }
        @Override public Class<? extends Record> config() { return SagaSpec.class; }
        @Override public OptimizerSpec parse(Node n) { return SagaSpec.parse(n); }
    }
}
