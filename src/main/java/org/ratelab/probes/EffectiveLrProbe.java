package org.ratelab.probes;

import org.ratelab.api.Doc;
import org.ratelab.optim.AdaptiveStep;
import org.ratelab.spec.Node;

/**
 * {@code effective_lr}: mean and max over coordinates of the per-coordinate step size of the last step
 * ({@code effective_lr_mean}, {@code effective_lr_max}), for the methods that have one ({@link AdaptiveStep}).
 */
public record EffectiveLrProbe(@Doc(Probes.ENABLED) boolean enabled, @Doc(Probes.EVERY) int every) implements ProbeConfig {
    public static final String NAME = "effective_lr";

    static EffectiveLrProbe parse(Node n) {
        return new EffectiveLrProbe(n.bool("enabled", true), Probes.every(n));
    }

    @Override
    public Probe instantiate(Probe.Run run) {
        if (!(run.optimizer() instanceof AdaptiveStep a)) return (at, out) -> { };
        double[] lr = new double[run.dim()];
        return (at, out) -> {
            if (!a.effectiveLr(lr)) return;
            double sum = 0;
            double max = Double.NEGATIVE_INFINITY;
            for (double x : lr) {
                sum += x;
                max = Math.max(max, x);
            }
            out.put(Metrics.EFFECTIVE_LR_MEAN, sum / lr.length);
            out.put(Metrics.EFFECTIVE_LR_MAX, max);
        };
    }

    /** Registers {@code EffectiveLrProbe} (META-INF/services/org.ratelab.probes.ProbeKind). */
    public static final class Provider implements ProbeKind {
        @Override public String name() { return NAME; }
        @Override public String doc() { return "effective_lr_mean, effective_lr_max: per-coordinate step sizes of the AdaptiveStep methods (adam, adamw, nadam, radam, adamax, adagrad, rmsprop, prodigy; O(dim))"; }
        @Override public Class<? extends Record> config() { return EffectiveLrProbe.class; }
        @Override public ProbeConfig parse(Node n) { return EffectiveLrProbe.parse(n); }
        @Override public boolean inEveryConfig() { return true; }
    }
}
