package org.ratelab.optim;

import org.ratelab.api.Doc;
import org.ratelab.spec.Node;

/**
 * The four schedule kinds ratelab had before schedules were a registry, in the one record they always had, so
 * that their canonical form (all seven keys, whatever the kind) and hence every run_id stays what it was.
 * Each kind's parser documents only the keys it uses; the others are still accepted (and validated) when a
 * spec gives them, as before.
 *
 * <ul>
 *   <li>{@code constant}: 1.</li>
 *   <li>{@code robbins_monro}: ((k + n0)/n0)^(−q), i.e. η_k = γ/(k+n₀)^q with γ = lr·n0^q so that η_0 = lr
 *       (Robbins &amp; Monro 1951); q ∈ (0, 1].</li>
 *   <li>{@code step_decay}: decay^⌊k/every⌋ (piecewise-constant decay, He et al. 2016, arXiv:1512.03385;
 *       torch's {@code StepLR(step_size=every, gamma=decay)}).</li>
 *   <li>{@code linear_scaling}: Goyal et al. 2017, "Accurate, Large Minibatch SGD" (arXiv:1706.02677): the
 *       target multiplier s = B/base_batch (linear scaling rule) is reached by a linear warm-up from 1 at
 *       k = 0 to s at k = warmup_steps, then s · decay^⌊k/every⌋ (no decay when every = 0).</li>
 * </ul>
 *
 * @param kind        constant, robbins_monro, step_decay or linear_scaling
 * @param q           Robbins–Monro exponent, in (0, 1]
 * @param n0          Robbins–Monro offset n₀ &gt; 0
 * @param decay       step-decay multiplier, in (0, 1]
 * @param every       steps between decays (step_decay: ≥ 1; linear_scaling: 0 = never)
 * @param warmupSteps linear_scaling warm-up length (0 = jump to s at once)
 * @param baseBatch   linear_scaling reference batch size (Goyal et al.: 256)
 */
public record ClassicSchedule(
        @Doc("constant, robbins_monro, step_decay or linear_scaling") String kind,
        @Doc("Robbins-Monro exponent: factor ((k + n0)/n0)^(-q)") double q,
        @Doc("Robbins-Monro offset n0: factor 1 at k = 0") double n0,
        @Doc("multiplier applied every `every` steps") double decay,
        @Doc("steps between decays (linear_scaling: 0 = never)") long every,
        @Doc("steps of the linear warm-up from 1 to B/base_batch") long warmupSteps,
        @Doc("reference batch size of the linear scaling rule (Goyal et al.: 256)") int baseBatch)
        implements Schedule {
    public static final ClassicSchedule CONSTANT = new ClassicSchedule("constant", 1.0, 1.0, 0.1, 0, 0, 256);

    public ClassicSchedule {
        if (!java.util.List.of("constant", "robbins_monro", "step_decay", "linear_scaling").contains(kind)) {
            throw new IllegalArgumentException("schedule.kind=" + kind);
        }
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

    /**
     * Reads the keys of {@code kind}: those it uses always (so that {@code ratelab kinds} documents them), the
     * others only when the spec gives them, with the same ranges as before the registry.
     */
    static ClassicSchedule parse(Node n, String kind) {
        boolean rm = kind.equals("robbins_monro");
        boolean step = kind.equals("step_decay");
        boolean goyal = kind.equals("linear_scaling");
        double q = rm || n.has("q") ? n.dbl("q", CONSTANT.q, 0.0, 1.0, true) : CONSTANT.q;
        double n0 = rm || n.has("n0") ? n.dbl("n0", CONSTANT.n0, 0.0, 1e12, true) : CONSTANT.n0;
        double decay = step || goyal || n.has("decay") ? n.dbl("decay", CONSTANT.decay, 0.0, 1.0, true) : CONSTANT.decay;
        long every = step ? n.lng("every", Long.MIN_VALUE, 1, Long.MAX_VALUE)
                : goyal || n.has("every") ? n.lng("every", CONSTANT.every, 0, Long.MAX_VALUE) : CONSTANT.every;
        long warmup = goyal || n.has("warmup_steps")
                ? n.lng("warmup_steps", CONSTANT.warmupSteps, 0, Long.MAX_VALUE) : CONSTANT.warmupSteps;
        int baseBatch = goyal || n.has("base_batch")
                ? n.integer("base_batch", CONSTANT.baseBatch, 1, Integer.MAX_VALUE) : CONSTANT.baseBatch;
        return new ClassicSchedule(kind, q, n0, decay, every, warmup, baseBatch);
    }

    @Override
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

    @Override
    public boolean batchDependent() { return kind.equals("linear_scaling"); }

    /** The canonical form it always had: its seven components, {@code kind} among them. */
    @Override
    public java.util.Map<String, Object> canonical() {
        return org.ratelab.spec.Canon.of(this, null, null);
    }

    private abstract static class Base implements ScheduleKind {
        @Override public Class<? extends Record> config() { return ClassicSchedule.class; }
        @Override public Schedule parse(Node n) { return ClassicSchedule.parse(n, name()); }
    }

    /** {@code constant}. */
    public static final class ConstantProvider extends Base {
        @Override public String name() { return "constant"; }
        @Override public String doc() { return "factor 1: the optimizer's lr at every step"; }
    }

    /** {@code robbins_monro}. */
    public static final class RobbinsMonroProvider extends Base {
        @Override public String name() { return "robbins_monro"; }
        @Override public String doc() {
            return "((k + n0)/n0)^(-q): eta_k = gamma/(k + n0)^q with eta_0 = lr (Robbins & Monro 1951)";
        }
    }

    /** {@code step_decay}. */
    public static final class StepDecayProvider extends Base {
        @Override public String name() { return "step_decay"; }
        @Override public String doc() {
            return "decay^floor(k/every) (He et al. 2016, arXiv:1512.03385; torch StepLR(step_size=every, gamma=decay))";
        }
    }

    /** {@code linear_scaling}. */
    public static final class LinearScalingProvider extends Base {
        @Override public String name() { return "linear_scaling"; }
        @Override public String doc() {
            return "s = B/base_batch reached by a linear warm-up from 1, then s * decay^floor(k/every) (Goyal et al. 2017, arXiv:1706.02677)";
        }
    }
}
