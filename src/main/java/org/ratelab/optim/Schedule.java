package org.ratelab.optim;

import java.io.Serializable;
import java.util.List;
import org.ratelab.spec.Node;

/**
 * A step-size schedule as a pure function of the iteration: η_k = lr · factor(k, B), B the effective batch
 * size (n for full batch). Stateless, safe to share between runs and threads.
 *
 * <ul>
 *   <li>{@code constant}: 1.</li>
 *   <li>{@code robbins_monro}: ((k + n0)/n0)^(−q), i.e. η_k = γ/(k+n₀)^q with γ = lr·n0^q so that η_0 = lr
 *       (Robbins &amp; Monro 1951); q ∈ (0, 1].</li>
 *   <li>{@code step_decay}: decay^⌊k/every⌋ (piecewise-constant decay, He et al. 2016).</li>
 *   <li>{@code linear_scaling}: Goyal et al. 2017, "Accurate, Large Minibatch SGD" (arXiv:1706.02677): the
 *       target multiplier s = B/base_batch (linear scaling rule) is reached by a linear warm-up from 1 at
 *       k = 0 to s at k = warmup_steps, then s · decay^⌊k/every⌋ (no decay when every = 0).</li>
 * </ul>
 *
 * @param kind        one of {@link #KINDS}
 * @param q           Robbins–Monro exponent, in (0, 1]
 * @param n0          Robbins–Monro offset n₀ &gt; 0
 * @param decay       step-decay multiplier, in (0, 1]
 * @param every       steps between decays (step_decay: ≥ 1; linear_scaling: 0 = never)
 * @param warmupSteps linear_scaling warm-up length (0 = jump to s at once)
 * @param baseBatch   linear_scaling reference batch size (Goyal et al.: 256)
 */
public record Schedule(String kind, double q, double n0, double decay, long every, long warmupSteps,
                       int baseBatch) implements Serializable {
    public static final List<String> KINDS = List.of("constant", "robbins_monro", "step_decay", "linear_scaling");
    public static final Schedule CONSTANT = new Schedule("constant", 1.0, 1.0, 0.1, 0, 0, 256);

    public Schedule {
        if (!KINDS.contains(kind)) throw new IllegalArgumentException("schedule.kind=" + kind);
        if (!(q > 0 && q <= 1)) throw new IllegalArgumentException("schedule.q=" + q + " not in (0, 1]");
        if (!(n0 > 0) || !Double.isFinite(n0)) throw new IllegalArgumentException("schedule.n0=" + n0);
        if (!(decay > 0 && decay <= 1)) throw new IllegalArgumentException("schedule.decay=" + decay);
        if (every < 0 || warmupSteps < 0 || baseBatch < 1) {
            throw new IllegalArgumentException("schedule.every=" + every + ", warmup_steps=" + warmupSteps
                    + ", base_batch=" + baseBatch);
        }
        if (kind.equals("step_decay") && every < 1) {
            throw new IllegalArgumentException("schedule.every must be >= 1 for step_decay, got " + every);
        }
    }

    public static Schedule parse(Node n) {
        if (n.isEmpty()) return CONSTANT;
        String kind = n.choice("kind", "constant", KINDS);
        double q = n.dbl("q", CONSTANT.q, 0.0, 1.0, true);
        double n0 = n.dbl("n0", CONSTANT.n0, 0.0, 1e12, true);
        double decay = n.dbl("decay", CONSTANT.decay, 0.0, 1.0, true);
        long every = n.lng("every", CONSTANT.every, 0, Long.MAX_VALUE);
        long warmup = n.lng("warmup_steps", CONSTANT.warmupSteps, 0, Long.MAX_VALUE);
        int baseBatch = n.integer("base_batch", CONSTANT.baseBatch, 1, Integer.MAX_VALUE);
        if (kind.equals("step_decay") && every < 1) throw n.error("every", "step_decay needs every >= 1, got " + every);
        Schedule s = new Schedule(kind, q, n0, decay, every, warmup, baseBatch);
        n.done();
        return s;
    }

    /** Multiplier of the base step size at iteration k (0-based) for effective batch size {@code batch}. */
    public double factor(long k, int batch) {
        return switch (kind) {
            case "robbins_monro" -> Math.pow((k + n0) / n0, -q);
            case "step_decay" -> Math.pow(decay, (double) (k / every));
            case "linear_scaling" -> {
                double s = (double) batch / baseBatch;
                double warm = k < warmupSteps ? 1.0 + (s - 1.0) * k / warmupSteps : s;
                yield every > 0 ? warm * Math.pow(decay, (double) (k / every)) : warm;
            }
            default -> 1.0;
        };
    }

    /** Multiplier at iteration k for schedules that do not depend on the batch size. */
    public double factor(long k) {
        if (kind.equals("linear_scaling")) {
            throw new IllegalStateException("linear_scaling depends on the batch size: use factor(k, batch)");
        }
        return factor(k, baseBatch);
    }
}
