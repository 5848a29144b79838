package org.ratelab.probes;

import java.util.List;

/**
 * The curve metrics, in column order of the curves table (after {@code step} and {@code oracle_calls}).
 * <ul>
 *   <li>{@code loss}: full training loss F(θ_k)</li>
 *   <li>{@code grad_norm_sq}: ‖∇F(θ_k)‖² (full gradient)</li>
 *   <li>{@code test_loss}: loss on the held-out split (null without one)</li>
 *   <li>{@code param_norm}: ‖θ_k‖</li>
 *   <li>{@code dist_init}: ‖θ_k − θ_0‖</li>
 *   <li>{@code rel_change}: ‖θ_k − θ_0‖ / ‖θ_0‖ (null when θ_0 = 0)</li>
 * </ul>
 */
public final class Metrics {
    private Metrics() {}

    public static final List<String> NAMES =
            List.of("loss", "grad_norm_sq", "test_loss", "param_norm", "dist_init", "rel_change");
    public static final int LOSS = 0;
    public static final int GRAD_NORM_SQ = 1;
    public static final int TEST_LOSS = 2;
    public static final int PARAM_NORM = 3;
    public static final int DIST_INIT = 4;
    public static final int REL_CHANGE = 5;

    public static int count() { return NAMES.size(); }
}
