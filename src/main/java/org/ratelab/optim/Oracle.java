package org.ratelab.optim;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * What an optimizer may ask of the problem during a step. Every gradient it asks for is counted in
 * per-sample gradient evaluations ({@code oracle_calls}): a full gradient counts n, a minibatch of size B
 * counts B, a single sample counts 1.
 */
public interface Oracle {
    /** Number of parameters. */
    int dim();

    /** Number of training samples. */
    int n();

    /** Full-batch loss at theta; writes ∇F(theta) into grad (modified). Counts n. */
    double fullGrad(double[] theta, double[] grad);

    /** Minibatch loss over idx[0..count) at theta; writes its gradient into grad (modified). Counts count. */
    double batchGrad(double[] theta, int[] idx, int count, double[] grad);

    /** Full-batch loss at theta, no gradient; counts no gradient evaluation. */
    double fullLoss(double[] theta);

    /** The run's optimizer random stream (minibatch sampling, injected noise), derived from the run seed. */
    RandomGenerator rng();

    /** Per-sample gradient evaluations so far. */
    long calls();

    /**
     * Coefficient λ₁ of the objective's non-smooth term λ₁‖θ‖₁, which proximal methods handle through its
     * prox; the gradients above are those of the smooth part only. 0 when the objective has none.
     */
    default double l1Penalty() { return 0.0; }

    /**
     * The parameter layout ({@link Block}s, in θ's order), for methods that treat matrices as matrices (Muon);
     * the same list on every call, read-only. Empty (the default) when the layout is unknown: every
     * coordinate is then a vector coordinate.
     */
    default List<Block> blocks() { return List.of(); }
}
