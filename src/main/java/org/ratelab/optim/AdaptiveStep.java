package org.ratelab.optim;

/**
 * An optimizer with per-coordinate step sizes (Adam, AdamW, NAdam, RAdam, Adamax, Adagrad, RMSprop, Prodigy).
 * Read by the effective-lr probe; reading never changes the optimizer's state.
 */
public interface AdaptiveStep {
    /**
     * Writes into out (modified, length dim) the per-coordinate step size η_i of the last step, the factor that
     * multiplied the (bias-corrected) gradient or first moment of coordinate i: θ_i ← θ_i − η_i·m̂_i. Returns
     * false (out untouched) before the first step.
     */
    boolean effectiveLr(double[] out);

    /** An {@link Optimizer} that is also an {@link AdaptiveStep} (for anonymous state classes). */
    interface Optimizer extends org.ratelab.optim.Optimizer, AdaptiveStep {}
}
