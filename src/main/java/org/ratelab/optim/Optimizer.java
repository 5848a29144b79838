package org.ratelab.optim;

/**
 * Per-run optimizer state, made by {@link OptimizerSpec#instantiate}. Lifecycle: instantiate (state
 * allocated and sized up front) → step(0), step(1), … → discarded. One instance serves one run, on one
 * thread; nothing in it may depend on partition, thread or time.
 */
public interface Optimizer {
    /**
     * Iteration k (0-based): moves theta (modified) from θ_k to θ_{k+1}, asking the oracle for what it needs.
     */
    void step(long k, double[] theta, Oracle oracle);

    /**
     * True when every step begins with a full gradient at the current iterate θ_k (as GD does). The trainer
     * then measures F(θ_k) and ∇F(θ_k) once and hands that gradient to the step, so checking convergence at
     * every step costs nothing.
     */
    default boolean fullGradientAtIterate() { return false; }
}
