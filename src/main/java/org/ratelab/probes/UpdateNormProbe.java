package org.ratelab.probes;

import org.ratelab.api.Doc;
import org.ratelab.linalg.Blas;
import org.ratelab.spec.Node;

/** {@code update_norm} = ‖θ_k − θ_{k−1}‖, the last step (null at step 0); keeps a copy of θ before each step. */
public record UpdateNormProbe(@Doc(Probes.ENABLED) boolean enabled, @Doc(Probes.EVERY) int every) implements ProbeConfig {
    public static final String NAME = "update_norm";

    static UpdateNormProbe parse(Node n) {
        return new UpdateNormProbe(n.bool("enabled", true), Probes.every(n));
    }

    @Override
    public Probe instantiate(Probe.Run run) {
        return new State(run.dim());
    }

    /** θ before the last step. */
    static final class State implements Probe {
        private final double[] prev;
        private boolean stepped;

        State(int dim) { this.prev = new double[dim]; }

        @Override public void beforeStep(double[] theta) { System.arraycopy(theta, 0, prev, 0, prev.length); }

        @Override public void afterStep(long k, double[] theta) { stepped = true; }

        @Override
        public void measure(Point at, Sink out) {
            if (stepped) out.put(Metrics.UPDATE_NORM, Math.sqrt(Blas.distSq(at.theta(), prev, 0, prev.length)));
        }
    }

    /** Registers {@code UpdateNormProbe} (META-INF/services/org.ratelab.probes.ProbeKind). */
    public static final class Provider implements ProbeKind {
        @Override public String name() { return NAME; }
        @Override public String doc() { return "update_norm: the length of the last step (a copy of theta before every step)"; }
        @Override public Class<? extends Record> config() { return UpdateNormProbe.class; }
        @Override public ProbeConfig parse(Node n) { return UpdateNormProbe.parse(n); }
        @Override public boolean inEveryConfig() { return true; }
    }
}
