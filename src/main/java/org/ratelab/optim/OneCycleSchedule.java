package org.ratelab.optim;

import java.util.List;
import org.ratelab.api.Doc;
import org.ratelab.spec.Node;

/**
 * The 1cycle policy (Smith &amp; Topin 2019, "Super-Convergence", arXiv:1708.07120), as torch's
 * {@code OneCycleLR(max_lr = lr, total_steps, pct_start, anneal_strategy, div_factor, final_div_factor,
 * three_phase)}. The optimizer's {@code lr} is torch's {@code max_lr}: the factor peaks at 1, starts at
 * a = 1/div_factor and ends at z = a/final_div_factor. With T = total_steps, p = pct_start, the phases end at
 * the (real) steps e₁ = pT − 1, e₂ = 2pT − 2 (three_phase) and T − 1, and within a phase from step e to e′
 * the factor anneals from u to v with x = (k − e)/(e′ − e):
 * <pre>
 *   cos:    v + (u − v)(1 + cos(π x))/2          linear:  u + (v − u) x
 *   two phases:    a → 1 on [0, e₁], 1 → z on [e₁, T − 1]
 *   three_phase:   a → 1 on [0, e₁], 1 → a on [e₁, e₂], a → z on [e₂, T − 1]
 * </pre>
 * From k = T − 1 on the factor stays z (torch extrapolates at k = T and raises past it). Momentum is not
 * cycled (torch's default {@code cycle_momentum=True} also cycles SGD's momentum or Adam's β₁).
 *
 * @param totalSteps     T, the cycle's length in steps
 * @param pctStart       p, the fraction of the cycle spent increasing the factor
 * @param annealStrategy cos or linear
 * @param divFactor      the factor starts at 1/div_factor
 * @param finalDivFactor the factor ends at 1/(div_factor · final_div_factor)
 * @param threePhase     annihilate in a third phase (Smith's original) instead of the second (fastai's)
 */
public record OneCycleSchedule(
        @Doc("T, the length of the cycle in steps (the factor stays at its final value after it)") long totalSteps,
        @Doc("fraction of the cycle spent increasing the factor from 1/div_factor to 1 (lr is torch's max_lr)") double pctStart,
        @Doc("cos or linear annealing within each phase") String annealStrategy,
        @Doc("the factor starts at 1/div_factor") double divFactor,
        @Doc("the factor ends at 1/(div_factor final_div_factor)") double finalDivFactor,
        @Doc("three phases (up, down to 1/div_factor, down to the end) as in Smith's paper") boolean threePhase)
        implements Schedule {
    static final List<String> STRATEGIES = List.of("cos", "linear");

    public OneCycleSchedule {
        if (totalSteps < 1) throw new IllegalArgumentException("total_steps must be >= 1, got " + totalSteps);
        if (!STRATEGIES.contains(annealStrategy)) throw new IllegalArgumentException("anneal_strategy=" + annealStrategy);
        if (!(divFactor > 0) || !Double.isFinite(divFactor) || !(finalDivFactor > 0) || !Double.isFinite(finalDivFactor)) {
            throw new IllegalArgumentException("div_factor and final_div_factor must be > 0");
        }
        String why = phaseProblem(totalSteps, pctStart, threePhase);
        if (why != null) throw new IllegalArgumentException("pct_start " + why);
    }

    /** Why the phases are empty (torch divides by their lengths), or null. */
    static String phaseProblem(long t, double p, boolean three) {
        if (!(p >= 0 && p <= 1)) return "must be in [0, 1], got " + p;
        double e1 = p * t - 1;
        if (!(e1 > 0)) return "must make pct_start * total_steps > 1 (else the rising phase is empty), got " + p + " * " + t;
        double last = three ? 2 * p * t - 2 : e1;
        if (!(t - 1 > last)) {
            return three ? "must leave a third phase (2 pct_start total_steps - 2 < total_steps - 1), got " + p + " with " + t
                    : "must leave a falling phase (pct_start total_steps < total_steps), got " + p + " with " + t;
        }
        return null;
    }

    static OneCycleSchedule parse(Node n) {
        long t = n.lng("total_steps", Long.MIN_VALUE, 1, Long.MAX_VALUE);
        double p = n.dbl("pct_start", 0.3, 0.0, 1.0, false);
        String strategy = n.choice("anneal_strategy", "cos", STRATEGIES);
        double div = n.positive("div_factor", 25.0);
        double finalDiv = n.positive("final_div_factor", 1e4);
        boolean three = n.bool("three_phase", false);
        String why = n.describing() ? null : phaseProblem(t, p, three);
        if (why != null) throw n.error("pct_start", why);
        return new OneCycleSchedule(t, p, strategy, div, finalDiv, three);
    }

    @Override
    public String kind() { return "one_cycle"; }

    private double anneal(double u, double v, double x) {
        return annealStrategy.equals("cos") ? v + (u - v) / 2.0 * (Math.cos(Math.PI * x) + 1) : (v - u) * x + u;
    }

    @Override
    public double factor(long k, int batch) {
        double a = 1.0 / divFactor;
        double z = a / finalDivFactor;
        double step = Math.min(k, totalSteps - 1);
        double e1 = pctStart * totalSteps - 1;
        double last = totalSteps - 1;
        if (step <= e1) return anneal(a, 1.0, step / e1);
        if (!threePhase) return anneal(1.0, z, (step - e1) / (last - e1));
        double e2 = 2 * pctStart * totalSteps - 2;
        if (step <= e2) return anneal(1.0, a, (step - e1) / (e2 - e1));
        return anneal(a, z, (step - e2) / (last - e2));
    }

    /** {@code one_cycle}. */
    public static final class Provider implements ScheduleKind {
        @Override public String name() { return "one_cycle"; }
        @Override public String doc() {
            return "1cycle: 1/div_factor up to 1 (lr = max_lr) and down to 1/(div_factor final_div_factor) "
                    + "(Smith & Topin 2019, arXiv:1708.07120; torch OneCycleLR without momentum cycling)";
        }
        @Override public Class<? extends Record> config() { return OneCycleSchedule.class; }
        @Override public Schedule parse(Node n) { return OneCycleSchedule.parse(n); }
    }
}
