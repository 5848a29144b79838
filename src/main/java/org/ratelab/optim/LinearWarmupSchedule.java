package org.ratelab.optim;

import org.ratelab.api.Doc;
import org.ratelab.spec.Node;

/**
 * A linear warm-up followed by any schedule (Goyal et al. 2017, "Accurate, Large Minibatch SGD",
 * arXiv:1706.02677, §2.2 gradual warm-up), as torch's {@code SequentialLR([LinearLR(start_factor = s,
 * end_factor = 1, total_iters = w), then], milestones = [w])}:
 * <pre>
 *   factor(k) = s + (1 − s) · k / w           for k &lt; w
 *             = then.factor(k − w)            for k ≥ w
 * </pre>
 * The inner schedule starts at its own step 0 when the warm-up ends (so a {@code cosine} with t_max = T − w
 * ends a run of T steps at its minimum).
 *
 * @param warmupSteps w ≥ 1
 * @param startFactor s ∈ [0, 1], the factor at k = 0
 * @param then        the schedule after the warm-up
 */
public record LinearWarmupSchedule(
        @Doc("steps w of the linear ramp from start_factor to 1") long warmupSteps,
        @Doc("factor at k = 0") double startFactor,
        @Doc("schedule section run after the warm-up, from its own step 0 (e.g. {kind: cosine, t_max: 900})") Schedule then)
        implements Schedule {

    public LinearWarmupSchedule {
        if (warmupSteps < 1) throw new IllegalArgumentException("warmup_steps must be >= 1, got " + warmupSteps);
        if (!(startFactor >= 0 && startFactor <= 1)) throw new IllegalArgumentException("start_factor must be in [0, 1], got " + startFactor);
        if (then == null) throw new IllegalArgumentException("then is required");
    }

    static LinearWarmupSchedule parse(Node n) {
        long w = n.lng("warmup_steps", Long.MIN_VALUE, 1, Long.MAX_VALUE);
        double s = n.dbl("start_factor", 0.0, 0.0, 1.0, false);
        Schedule then = n.declare("then", "schedule section", "constant") ? Schedule.CONSTANT
                : Schedules.parse(n.child("then"));
        return new LinearWarmupSchedule(w, s, then);
    }

    @Override
    public String kind() { return "linear_warmup"; }

    @Override
    public double factor(long k, int batch) {
        return k < warmupSteps ? startFactor + (1 - startFactor) * k / warmupSteps : then.factor(k - warmupSteps, batch);
    }

    @Override
    public boolean batchDependent() { return then.batchDependent(); }

    /** {@code linear_warmup}. */
    public static final class Provider implements ScheduleKind {
        @Override public String name() { return "linear_warmup"; }
        @Override public String doc() {
            return "s + (1 - s) k/w for k < w, then the schedule `then` from its step 0 (Goyal et al. 2017, "
                    + "arXiv:1706.02677; torch SequentialLR of LinearLR and `then`)";
        }
        @Override public Class<? extends Record> config() { return LinearWarmupSchedule.class; }
        @Override public Schedule parse(Node n) { return LinearWarmupSchedule.parse(n); }
    }
}
