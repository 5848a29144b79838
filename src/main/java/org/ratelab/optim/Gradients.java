package org.ratelab.optim;

import java.util.List;
import org.ratelab.spec.Node;

/**
 * Per-run source of the stochastic gradient that first-order methods step with: the full gradient
 * ({@code batch_size: 0}, counts n) or a minibatch mean gradient (counts B), plus the injected {@link Noise}.
 * Also the shared parsing of the {@code batch_size} and {@code sampling} keys.
 */
final class Gradients {
    static final List<String> SAMPLING = List.of("with_replacement", "shuffle");

    private final Sampler sampler;
    private final Noise.State noise;
    private final int batch;

    Gradients(int dim, int n, int batchSize, String sampling, Noise noise) {
        checkBatch(batchSize, n);
        this.sampler = batchSize == 0 ? null : new Sampler(n, batchSize, sampling.equals("shuffle"));
        this.noise = noise.instantiate(dim);
        this.batch = batchSize == 0 ? n : batchSize;
    }

    static void checkBatch(int batchSize, int n) {
        if (batchSize > n) {
            throw new IllegalArgumentException("optimizer.batch_size=" + batchSize + " exceeds n=" + n);
        }
    }

    static int batchSize(Node n, int dflt) { return n.integer("batch_size", dflt, 0, Integer.MAX_VALUE); }

    /** A batch_size that must be a real minibatch (≥ 1): the variance-reduced methods. */
    static int minibatch(Node n, int dflt) { return n.integer("batch_size", dflt, 1, Integer.MAX_VALUE); }

    static String sampling(Node n) { return n.choice("sampling", "with_replacement", SAMPLING); }

    /** True when {@link #grad} is the full gradient at theta (no minibatch). */
    boolean full() { return sampler == null; }

    /** Effective batch size: B, or n for full batch (what schedules scale with). */
    int batch() { return batch; }

    /** Writes the (noisy) gradient at theta into g (modified); returns the loss of the gradient request. */
    double grad(double[] theta, Oracle oracle, double[] g) {
        double loss = sampler == null
                ? oracle.fullGrad(theta, g)
                : oracle.batchGrad(theta, sampler.next(oracle.rng()), sampler.batch(), g);
        if (noise != null) noise.add(g, theta, sampler == null ? loss : Double.NaN, oracle);
        return loss;
    }
}
