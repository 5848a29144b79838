package org.ratelab.optim;

import org.ratelab.api.Doc;
import org.ratelab.spec.Node;

/**
 * Inverse square-root decay after a warm-up (no torch class). With w = warmup_steps and s = start_factor:
 * <pre>
 *   factor(k) = s + (1 − s) · k / w     for k &lt; w
 *             = sqrt(w / k)             for k ≥ w
 * </pre>
 * s = 1 (the default) is T5's rsqrt schedule, η_k = lr · sqrt(w) / sqrt(max(k, w)) (Raffel et al. 2020,
 * arXiv:1910.10683, §3.1.2: 1/sqrt(max(n, k)) with k = 10⁴, normalised here so the plateau is lr); s = 0 is
 * fairseq's {@code inverse_sqrt} with {@code warmup_init_lr = 0}, its default (fairseq/optim/lr_scheduler/
 * inverse_square_root_schedule.py: lr·k/w during warm-up, then lr·sqrt(w)·k^(−1/2), k its update count), and
 * the shape of Vaswani et al. 2017 (arXiv:1706.03762, eq. (3)).
 *
 * @param warmupSteps w ≥ 1
 * @param startFactor s ∈ [0, 1]
 */
public record InverseSqrtSchedule(
        @Doc("w: the factor is sqrt(w/k) from k = w on") long warmupSteps,
        @Doc("factor at k = 0, rising linearly to 1 at k = w (1: T5's plateau; 0: fairseq's warm-up)") double startFactor)
        implements Schedule {

    public InverseSqrtSchedule {
        if (warmupSteps < 1) throw new IllegalArgumentException("warmup_steps must be >= 1, got " + warmupSteps);
        if (!(startFactor >= 0 && startFactor <= 1)) throw new IllegalArgumentException("start_factor must be in [0, 1], got " + startFactor);
    }

    static InverseSqrtSchedule parse(Node n) {
        return new InverseSqrtSchedule(n.lng("warmup_steps", Long.MIN_VALUE, 1, Long.MAX_VALUE),
                n.dbl("start_factor", 1.0, 0.0, 1.0, false));
    }

    @Override
    public String kind() { return "inverse_sqrt"; }

    @Override
    public double factor(long k, int batch) {
        return k < warmupSteps ? startFactor + (1 - startFactor) * k / warmupSteps : Math.sqrt((double) warmupSteps / k);
    }

    /** {@code inverse_sqrt}. */
    public static final class Provider implements ScheduleKind {
        @Override public String name() { return "inverse_sqrt"; }
        @Override public String doc() {
            return "sqrt(w/max(k, w)) after an optional linear warm-up (T5: Raffel et al. 2020, arXiv:1910.10683; "
                    + "fairseq inverse_sqrt; Vaswani et al. 2017, arXiv:1706.03762)";
        }
        @Override public Class<? extends Record> config() { return InverseSqrtSchedule.class; }
        @Override public Schedule parse(Node n) { return InverseSqrtSchedule.parse(n); }
    }
}
