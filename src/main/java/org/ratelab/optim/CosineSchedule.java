package org.ratelab.optim;

import org.ratelab.api.Doc;
import org.ratelab.spec.Node;

/**
 * Cosine annealing (Loshchilov &amp; Hutter 2017, "SGDR: Stochastic Gradient Descent with Warm Restarts",
 * arXiv:1608.03983), as torch's {@code CosineAnnealingLR} and {@code CosineAnnealingWarmRestarts}, with
 * m = min_factor (torch's eta_min / lr):
 * <pre>
 *   factor(k) = m + (1 − m) · (1 + cos(π t / T)) / 2
 * </pre>
 * Without restarts t = k and T = t_max: the factor falls from 1 at k = 0 to m at k = t_max and, past it,
 * follows the cosine back up (period 2·t_max), as torch's {@code CosineAnnealingLR} does. With restarts the
 * periods are T_0 = t_max, T_0·t_mult, T_0·t_mult², …, and t is k less the lengths of the periods before k's:
 * t = k mod t_max when t_mult = 1 ({@code CosineAnnealingWarmRestarts(T_0 = t_max, T_mult = t_mult)}).
 *
 * @param tMax      T_max (no restarts) or T_0, the first period (restarts), in steps; ≥ 1
 * @param minFactor the factor at the bottom of each period, torch's eta_min / lr; in [0, 1]
 * @param restarts  warm restarts at the end of each period
 * @param tMult     growth factor of the periods (restarts only); ≥ 1
 */
public record CosineSchedule(
        @Doc("T_max (without restarts) or T_0, the first period (with restarts), in steps") long tMax,
        @Doc("factor at the bottom of the cosine: torch's eta_min / lr") double minFactor,
        @Doc("warm restarts (SGDR): start again at factor 1 after each period") boolean restarts,
        @Doc("each period is t_mult times the one before (with restarts)") long tMult) implements Schedule {

    public CosineSchedule {
        if (tMax < 1) throw new IllegalArgumentException("t_max must be >= 1, got " + tMax);
        if (!(minFactor >= 0 && minFactor <= 1)) throw new IllegalArgumentException("min_factor must be in [0, 1], got " + minFactor);
        if (tMult < 1) throw new IllegalArgumentException("t_mult must be >= 1, got " + tMult);
        if (!restarts && tMult != 1) throw new IllegalArgumentException("t_mult needs restarts: true");
    }

    static CosineSchedule parse(Node n) {
        if (n.has("eta_min")) {
            throw n.error("eta_min", "cosine's floor is min_factor, a fraction of the optimizer's lr (torch's "
                    + "eta_min / lr), so that lr can be a grid axis");
        }
        long tMax = n.lng("t_max", Long.MIN_VALUE, 1, Long.MAX_VALUE);
        double minFactor = n.dbl("min_factor", 0.0, 0.0, 1.0, false);
        boolean restarts = n.bool("restarts", false);
        long tMult = n.lng("t_mult", 1, 1, 1 << 20);
        if (!restarts && tMult != 1) throw n.error("t_mult", "needs restarts: true, got t_mult " + tMult + " without restarts");
        return new CosineSchedule(tMax, minFactor, restarts, tMult);
    }

    @Override
    public String kind() { return "cosine"; }

    @Override
    public double factor(long k, int batch) {
        long t = k;
        long period = tMax;
        if (restarts) {
            if (tMult == 1) {
                t = k % tMax;
            } else {
                while (t >= period) { // torch's step(): T_cur -= T_i; T_i *= T_mult
                    t -= period;
                    period *= tMult;
                }
            }
        }
        return minFactor + (1 - minFactor) * (1 + Math.cos(Math.PI * t / period)) / 2;
    }

    /** {@code cosine}. */
    public static final class Provider implements ScheduleKind {
        @Override public String name() { return "cosine"; }
        @Override public String doc() {
            return "m + (1 - m)(1 + cos(pi t/T))/2, optional warm restarts (Loshchilov & Hutter 2017, arXiv:1608.03983; "
                    + "torch CosineAnnealingLR / CosineAnnealingWarmRestarts)";
        }
        @Override public Class<? extends Record> config() { return CosineSchedule.class; }
        @Override public Schedule parse(Node n) { return CosineSchedule.parse(n); }
    }
}
