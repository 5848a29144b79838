package org.ratelab.model;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A differentiable training objective F(θ) = (1/n) Σ_i f_i(θ) bound to one run's data, with its own
 * preallocated work buffers (so: one instance per run, used by one thread).
 *
 * <p>Parameters are one flat {@code double[]} of length {@link #dim()}; {@link #blocks()} names the ranges
 * that form layers. Regression losses are the seeds' F(θ) = (1/n) Σ (y_i − h(x_i))² (no ½).
 *
 * <p>Batch convention: {@code idx == null} means the full training set; otherwise the first {@code count}
 * entries of {@code idx} are the sample indices of a minibatch (repeats allowed). The loss and gradient are
 * means over the batch. Methods never allocate on the training path; inputs are not modified unless stated.
 */
public interface Model {
    /** Number of parameters. */
    int dim();

    /** Number of training samples. */
    int n();

    /** Writes an initial point into theta (modified), drawing from rng. */
    void init(double[] theta, RandomGenerator rng);

    /** Mean loss over the batch; writes its gradient into grad (modified, overwritten). */
    double lossGrad(double[] theta, int[] idx, int count, double[] grad);

    /** Mean loss over the batch. */
    double loss(double[] theta, int[] idx, int count);

    /** Mean loss on the held-out split, or NaN when the data has none. */
    double testLoss(double[] theta);

    /** The infimum F* of the training loss when known in closed form, else NaN. */
    default double optimalLoss() { return Double.NaN; }

    /**
     * Factor applied to every optimizer step size: 1, or the width m under mean-field scaling, where the
     * step is scaled so that the dynamics have a width-independent limit (Chizat–Bach).
     */
    default double lrScale() { return 1.0; }

    /** Named parameter ranges (layers), in order, covering [0, dim()). */
    List<ParamBlock> blocks();
}
