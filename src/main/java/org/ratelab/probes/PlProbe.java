package org.ratelab.probes;

import org.ratelab.api.Doc;
import org.ratelab.spec.Node;

/**
 * {@code pl}: {@code pl_ratio} = ‖∇F‖²/(2(F − F*)) (null where F − F* ≤ 0), and the Łojasiewicz estimates
 * over the probed points so far: {@code loj_alpha} (running infimum of ‖∇F‖²/F, F &gt; 0), {@code loj_radius}
 * (the largest ‖θ − θ₀‖) and {@code loj_condition} (1 when 4F(θ₀) &lt; r²·α, An &amp; Lu Assumption 1). Only at
 * finite points. F* is {@code probes.optimal_loss}, else the model's closed form, else 0.
 */
public record PlProbe(@Doc(Probes.ENABLED) boolean enabled, @Doc(Probes.EVERY) int every) implements ProbeConfig {
    public static final String NAME = "pl";

    static PlProbe parse(Node n) {
        return new PlProbe(n.bool("enabled", true), Probes.every(n));
    }

    @Override
    public Probe instantiate(Probe.Run run) {
        return new State(run.optimalLoss());
    }

    static final class State implements Probe {
        private final double fStar;
        private double f0 = Double.NaN;
        private double lojAlpha = Double.POSITIVE_INFINITY;
        private double lojRadius;

        State(double fStar) { this.fStar = fStar; }

        @Override
        public void measure(Point at, Sink out) {
            double f = at.loss();
            double g2 = at.gradNormSq();
            if (at.step() == 0) f0 = f;
            if (!at.finite()) return;
            double gap = f - fStar;
            if (gap > 0) out.put(Metrics.PL_RATIO, g2 / (2 * gap));
            if (f > 0) lojAlpha = Math.min(lojAlpha, g2 / f);
            lojRadius = Math.max(lojRadius, at.distInit());
            if (Double.isFinite(lojAlpha)) {
                out.put(Metrics.LOJ_ALPHA, lojAlpha);
                out.put(Metrics.LOJ_CONDITION, 4 * f0 < lojRadius * lojRadius * lojAlpha ? 1.0 : 0.0);
            }
            out.put(Metrics.LOJ_RADIUS, lojRadius);
        }
    }

    /** Registers {@code PlProbe} (META-INF/services/org.ratelab.probes.ProbeKind). */
    public static final class Provider implements ProbeKind {
        @Override public String name() { return NAME; }
        @Override public String doc() { return "pl_ratio, loj_alpha, loj_radius, loj_condition: PL ratio and Lojasiewicz estimates (O(1))"; }
        @Override public Class<? extends Record> config() { return PlProbe.class; }
        @Override public ProbeConfig parse(Node n) { return PlProbe.parse(n); }
        @Override public boolean inEveryConfig() { return true; }
    }
}
