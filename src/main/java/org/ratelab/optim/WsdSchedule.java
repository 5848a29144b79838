package org.ratelab.optim;

import java.util.List;
import org.ratelab.api.Doc;
import org.ratelab.spec.Node;

/**
 * Warmup–stable–decay (Hu et al. 2024, "MiniCPM", arXiv:2404.06395, §4; Hägele et al. 2024, "Scaling Laws and
 * Compute-Optimal Training Beyond Fixed Training Durations", arXiv:2405.18392, §3). With w = warmup_steps,
 * T = total_steps, d = round(decay_fraction · T) decay steps, S = T − d, m = min_factor:
 * <pre>
 *   factor(k) = k / w                       for k &lt; w           (warm-up from 0)
 *             = 1                           for w ≤ k &lt; S       (stable)
 *             = m + (1 − m) · g((k − S)/d)  for S ≤ k &lt; T       (decay, the "cooldown")
 *             = m                           for k ≥ T
 *   g(x) = 1 − x (linear), (1 + cos(π x))/2 (cosine), 1 − sqrt(x) (1-sqrt, Hägele et al.'s best)
 * </pre>
 *
 * @param warmupSteps   w ≥ 0
 * @param totalSteps    T ≥ 1
 * @param decayFraction d/T, in [0, 1]
 * @param decayShape    linear, cosine or 1-sqrt
 * @param minFactor     m, the factor at the end, in [0, 1]
 */
public record WsdSchedule(
        @Doc("w: steps of the linear warm-up from 0 to 1") long warmupSteps,
        @Doc("T: the decay ends at step T") long totalSteps,
        @Doc("fraction of total_steps spent decaying, at the end (rounded to whole steps)") double decayFraction,
        @Doc("linear, cosine or 1-sqrt") String decayShape,
        @Doc("factor at the end of the decay and after it") double minFactor) implements Schedule {
    static final List<String> SHAPES = List.of("linear", "cosine", "1-sqrt");

    public WsdSchedule {
        if (warmupSteps < 0 || totalSteps < 1) {
            throw new IllegalArgumentException("warmup_steps must be >= 0 and total_steps >= 1, got " + warmupSteps + ", " + totalSteps);
        }
        if (!(decayFraction >= 0 && decayFraction <= 1)) throw new IllegalArgumentException("decay_fraction must be in [0, 1], got " + decayFraction);
        if (!SHAPES.contains(decayShape)) throw new IllegalArgumentException("decay_shape=" + decayShape);
        if (!(minFactor >= 0 && minFactor <= 1)) throw new IllegalArgumentException("min_factor must be in [0, 1], got " + minFactor);
        if (warmupSteps + decaySteps(totalSteps, decayFraction) > totalSteps) {
            throw new IllegalArgumentException("warmup_steps + decay steps must be <= total_steps");
        }
    }

    static long decaySteps(long total, double fraction) {
        return Math.round(fraction * total);
    }

    static WsdSchedule parse(Node n) {
        long w = n.lng("warmup_steps", 0, 0, Long.MAX_VALUE);
        long t = n.lng("total_steps", Long.MIN_VALUE, 1, Long.MAX_VALUE);
        double f = n.dbl("decay_fraction", 0.2, 0.0, 1.0, false);
        String shape = n.choice("decay_shape", "1-sqrt", SHAPES);
        double m = n.dbl("min_factor", 0.0, 0.0, 1.0, false);
        long d = decaySteps(t, f);
        if (!n.describing() && w + d > t) {
            throw n.error("warmup_steps", "warm-up (" + w + ") and decay (round(decay_fraction * total_steps) = " + d
                    + ") together exceed total_steps (" + t + ")");
        }
        return new WsdSchedule(w, t, f, shape, m);
    }

    @Override
    public String kind() { return "wsd"; }

    @Override
    public double factor(long k, int batch) {
        if (k < warmupSteps) return (double) k / warmupSteps;
        long d = decaySteps(totalSteps, decayFraction);
        long s = totalSteps - d;
        if (k < s) return 1.0;
        if (k >= totalSteps) return minFactor;
        double x = (double) (k - s) / d;
        double g = switch (decayShape) {
            case "linear" -> 1 - x;
            case "cosine" -> (1 + Math.cos(Math.PI * x)) / 2;
            default -> 1 - Math.sqrt(x);
        };
        return minFactor + (1 - minFactor) * g;
    }

    /** {@code wsd}. */
    public static final class Provider implements ScheduleKind {
        @Override public String name() { return "wsd"; }
        @Override public String doc() {
            return "warmup-stable-decay: k/w, then 1, then a decay to min_factor over the last decay_fraction of total_steps "
                    + "(Hu et al. 2024, arXiv:2404.06395; Hägele et al. 2024, arXiv:2405.18392)";
        }
        @Override public Class<? extends Record> config() { return WsdSchedule.class; }
        @Override public Schedule parse(Node n) { return WsdSchedule.parse(n); }
    }
}
