package org.ratelab.probes;

import java.util.List;

/**
 * The scalar curve metrics, in column order of the curves table (after {@code step} and {@code oracle_calls}).
 * New metrics are only ever appended. A value is null where it was not measured (probe off, not scheduled at
 * that point, skipped over budget, or undefined there). What {@link ProbeSpec} switches each one with is in
 * brackets.
 * <ul>
 *   <li>{@code loss}: full training loss F(θ_k) (always)</li>
 *   <li>{@code grad_norm_sq}: ‖∇F(θ_k)‖² (full gradient; always)</li>
 *   <li>{@code test_loss}: loss on the held-out split, null without one [test_loss]</li>
 *   <li>{@code param_norm}: ‖θ_k‖ [param_norm]</li>
 *   <li>{@code dist_init}: ‖θ_k − θ_0‖ [dist]</li>
 *   <li>{@code rel_change}: ‖θ_k − θ_0‖ / ‖θ_0‖ (null when θ_0 = 0) [dist]</li>
 *   <li>{@code update_norm}: ‖θ_k − θ_{k−1}‖, the last step (null at step 0) [update_norm]</li>
 *   <li>{@code pl_ratio}: ‖∇F‖² / (2(F − F*)); null where F − F* ≤ 0 [pl]</li>
 *   <li>{@code loj_alpha}: running infimum of ‖∇F‖²/F over the probed points so far (Chatterjee's α(θ₀, r)
 *       on visited points; F &gt; 0 only) [pl]</li>
 *   <li>{@code loj_radius}: r = the largest ‖θ − θ₀‖ over the probed points so far [pl]</li>
 *   <li>{@code loj_condition}: 1 when 4F(θ₀) &lt; r²·α (An &amp; Lu, Assumption 1), else 0 [pl]</li>
 *   <li>{@code sharpness}: λ_max(∇²F(θ_k)) [hessian]</li>
 *   <li>{@code hess_min_eig}: λ_min(∇²F(θ_k)) [hessian]</li>
 *   <li>{@code ntk_lambda_min}: λ_min of the empirical NTK Gram K_t = J Jᵀ (n × n) [ntk]</li>
 *   <li>{@code ntk_rel_change}: ‖K_t − K_0‖_F / ‖K_0‖_F [ntk]</li>
 *   <li>{@code ntk_limit_dev}: ‖K_t − K_∞‖_F / ‖K_∞‖_F against the infinite-width closed form (two-layer ReLU,
 *       ntk parameterization; null elsewhere). At step 0 this is ‖K_0 − K_∞‖_F / ‖K_∞‖_F [ntk]</li>
 *   <li>{@code noise_var}: E‖∇f_B − ∇F‖² at the run's batch size and sampling (0 for full batch) [noise]</li>
 *   <li>{@code noise_ratio}: noise_var / F [noise]</li>
 *   <li>{@code effective_lr_mean}, {@code effective_lr_max}: mean and max over coordinates of the per-coordinate
 *       step size of the last step (adaptive methods) [effective_lr]</li>
 * </ul>
 */
public final class Metrics {
    private Metrics() {}

    public static final List<String> NAMES = List.of("loss", "grad_norm_sq", "test_loss", "param_norm",
            "dist_init", "rel_change", "update_norm", "pl_ratio", "loj_alpha", "loj_radius", "loj_condition",
            "sharpness", "hess_min_eig", "ntk_lambda_min", "ntk_rel_change", "ntk_limit_dev", "noise_var",
            "noise_ratio", "effective_lr_mean", "effective_lr_max");
    public static final int LOSS = 0;
    public static final int GRAD_NORM_SQ = 1;
    public static final int TEST_LOSS = 2;
    public static final int PARAM_NORM = 3;
    public static final int DIST_INIT = 4;
    public static final int REL_CHANGE = 5;
    public static final int UPDATE_NORM = 6;
    public static final int PL_RATIO = 7;
    public static final int LOJ_ALPHA = 8;
    public static final int LOJ_RADIUS = 9;
    public static final int LOJ_CONDITION = 10;
    public static final int SHARPNESS = 11;
    public static final int HESS_MIN_EIG = 12;
    public static final int NTK_LAMBDA_MIN = 13;
    public static final int NTK_REL_CHANGE = 14;
    public static final int NTK_LIMIT_DEV = 15;
    public static final int NOISE_VAR = 16;
    public static final int NOISE_RATIO = 17;
    public static final int EFFECTIVE_LR_MEAN = 18;
    public static final int EFFECTIVE_LR_MAX = 19;

    public static int count() { return NAMES.size(); }
}
