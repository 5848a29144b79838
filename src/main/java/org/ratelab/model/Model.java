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
 *
 * <p>Derivatives are exact: {@link #hvp} is Pearlmutter's R-operator (Pearlmutter 1994, "Fast exact
 * multiplication by the Hessian"), not a finite difference; {@link #jacobian} gives the per-sample rows
 * ∂h(x_i)/∂θ from which the empirical NTK Gram JJᵀ is formed (Jacot, Gabriel &amp; Hongler 2018). Layers
 * that are not trained (a model's {@code train_layers}) have zero gradient, zero Jacobian columns and zero
 * Hessian rows and columns: the objective is a function of the trained parameters only.
 */
public interface Model {
    /** Number of parameters. */
    int dim();

    /** Number of training samples. */
    int n();

    /** Writes an initial point into theta (modified), drawing from rng. */
    void init(double[] theta, RandomGenerator rng);

    /**
     * Mean loss over the batch; writes its gradient into grad (modified, overwritten). Models with an exact
     * stochastic-gradient model ({@code quadratic} with {@code noise_std > 0}) add their noise on minibatch
     * calls ({@code idx != null}) only; full-batch calls are exact and draw nothing.
     */
    double lossGrad(double[] theta, int[] idx, int count, double[] grad);

    /** Mean loss over the batch. */
    double loss(double[] theta, int[] idx, int count);

    /** Mean loss on the held-out split, or NaN when the data has none. */
    double testLoss(double[] theta);

    /**
     * Exact Hessian-vector product of the mean loss over the batch: out ← ∇²F_B(theta)·v (modified,
     * overwritten). theta and v are not modified. No noise, no randomness.
     */
    void hvp(double[] theta, int[] idx, int count, double[] v, double[] out);

    /** Exact Hessian-vector product of the full-batch loss: out ← ∇²F(theta)·v. */
    default void hvp(double[] theta, double[] v, double[] out) {
        hvp(theta, null, 0, v, out);
    }

    /** True when the model has a scalar output h(x_i) per sample, so that {@link #jacobian} is defined. */
    default boolean hasOutputs() { return true; }

    /**
     * Per-sample Jacobian rows: out[r*dim() + k] = ∂h(x_{s_r})/∂θ_k for the batch samples s_r (row-major,
     * rows = n() for the full set, else count), out.length ≥ rows·dim(). Frozen layers give zero columns.
     *
     * @throws UnsupportedOperationException when {@link #hasOutputs()} is false
     */
    void jacobian(double[] theta, int[] idx, int count, double[] out);

    /** Jacobian row of one training sample i: out[k] = ∂h(x_i)/∂θ_k (allocates one index; not for hot loops). */
    default void jacobianRow(double[] theta, int i, double[] out) {
        jacobian(theta, new int[] {i}, 1, out);
    }

    /**
     * Outputs h(x_i) over the batch into out[0..rows) (modified); for the NTK and lazy-training probes.
     *
     * @throws UnsupportedOperationException when {@link #hasOutputs()} is false
     */
    void outputs(double[] theta, int[] idx, int count, double[] out);

    /**
     * E‖ξ_B‖² of the model's own stochastic-gradient noise on a minibatch of {@code batch} samples (noisy test
     * functions), 0 when minibatch gradients are exact means of per-sample gradients. When positive, a
     * minibatch call draws from the noise stream, so diagnostics must not make one.
     */
    default double minibatchNoiseVar(int batch) { return 0.0; }

    /**
     * The minimum-norm minimizer of the training loss when known in closed form (least squares: X⁺y), else
     * null. The parameters GD converges to from θ₀ = 0 (seed 001's implicit bias).
     */
    default double[] minNormSolution() { return null; }

    /** The infimum F* of the training loss when known in closed form, else NaN. */
    default double optimalLoss() { return Double.NaN; }

    /** Global smoothness constant L (sup of ‖∇²F‖ over all θ) when known in closed form, else NaN. */
    default double smoothness() { return Double.NaN; }

    /** Global strong-convexity constant μ (inf of λ_min(∇²F)) when known in closed form (may be 0), else NaN. */
    default double strongConvexity() { return Double.NaN; }

    /**
     * Global PL constant μ_PL (½‖∇F‖² ≥ μ_PL (F − F*)) when known in closed form, else NaN. For least squares
     * it is the smallest nonzero Hessian eigenvalue, which is positive even when μ = 0.
     */
    default double plConstant() { return strongConvexity(); }

    /**
     * Coefficient λ₁ of an ℓ1 term λ₁‖θ‖₁ that proximal methods handle through its prox (soft thresholding).
     * It is NOT included in {@link #loss}/{@link #lossGrad}, which are the smooth part; 0 when absent.
     */
    default double l1Penalty() { return 0.0; }

    /**
     * Gives the model the random stream for its stochastic-gradient noise (the trainer's {@code optim}
     * stream). Models without intrinsic noise ignore it; noisy models otherwise use a stream derived at
     * {@link #init} from the {@code init} stream, so that a run is reproducible either way.
     */
    default void useNoise(RandomGenerator rng) {}

    /**
     * Factor applied to every optimizer step size: 1, or the width m under mean-field scaling, where the
     * step is scaled so that the dynamics have a width-independent limit (Chizat–Bach).
     */
    default double lrScale() { return 1.0; }

    /** Named parameter ranges (layers), in order, covering [0, dim()). */
    List<ParamBlock> blocks();
}
