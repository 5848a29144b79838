package org.ratelab.optim;

import org.ratelab.api.Doc;
import org.ratelab.spec.Node;

/**
 * A linear change of the factor over {@code total_iters} steps, then constant: torch's
 * {@code LinearLR(start_factor, end_factor, total_iters)} (its closed form):
 * <pre>
 *   factor(k) = start_factor + (end_factor − start_factor) · min(k, total_iters) / total_iters
 * </pre>
 * ratelab's defaults (1 → 0) decay; torch's (1/3 → 1 over 5 steps) warm up. Unlike torch, start_factor may be
 * 0 (torch's recursive form cannot leave 0).
 *
 * @param startFactor factor at k = 0, in [0, 1]
 * @param endFactor   factor from k = total_iters on, in [0, 1]
 * @param totalIters  steps of the linear change, ≥ 1
 */
public record LinearDecaySchedule(
        @Doc("factor at k = 0") double startFactor,
        @Doc("factor from k = total_iters on") double endFactor,
        @Doc("steps of the linear change") long totalIters) implements Schedule {

    public LinearDecaySchedule {
        if (!(startFactor >= 0 && startFactor <= 1)) throw new IllegalArgumentException("start_factor must be in [0, 1], got " + startFactor);
        if (!(endFactor >= 0 && endFactor <= 1)) throw new IllegalArgumentException("end_factor must be in [0, 1], got " + endFactor);
        if (totalIters < 1) throw new IllegalArgumentException("total_iters must be >= 1, got " + totalIters);
    }

    static LinearDecaySchedule parse(Node n) {
        return new LinearDecaySchedule(n.dbl("start_factor", 1.0, 0.0, 1.0, false),
                n.dbl("end_factor", 0.0, 0.0, 1.0, false), n.lng("total_iters", Long.MIN_VALUE, 1, Long.MAX_VALUE));
    }

    @Override
    public String kind() { return "linear_decay"; }

    @Override
    public double factor(long k, int batch) {
        return startFactor + (endFactor - startFactor) * Math.min(k, totalIters) / totalIters;
    }

    /** {@code linear_decay}. */
    public static final class Provider implements ScheduleKind {
        @Override public String name() { return "linear_decay"; }
        @Override public String doc() {
            return "start + (end - start) min(k, total_iters)/total_iters (torch LinearLR)";
        }
        @Override public Class<? extends Record> config() { return LinearDecaySchedule.class; }
        @Override public Schedule parse(Node n) { return LinearDecaySchedule.parse(n); }
    }
}
