package org.ratelab.probes;

import org.ratelab.api.Doc;
import org.ratelab.linalg.Blas;
import org.ratelab.spec.Node;

/** {@code param_norm}: ‖θ_k‖ (O(dim)). */
public record ParamNormProbe(@Doc(Probes.ENABLED) boolean enabled, @Doc(Probes.EVERY) int every) implements ProbeConfig {
    public static final String NAME = "param_norm";

    static ParamNormProbe parse(Node n) {
        return new ParamNormProbe(n.bool("enabled", true), Probes.every(n));
    }

    @Override
    public Probe instantiate(Probe.Run run) {
        int dim = run.dim();
        return (at, out) -> out.put(Metrics.PARAM_NORM, Math.sqrt(Blas.normSq(dim, at.theta())));
    }

    /** Registers {@code ParamNormProbe} (META-INF/services/org.ratelab.probes.ProbeKind). */
    public static final class Provider implements ProbeKind {
        @Override public String name() { return NAME; }
        @Override public String doc() { return "param_norm: the parameter norm (O(dim))"; }
        @Override public Class<? extends Record> config() { return ParamNormProbe.class; }
        @Override public ProbeConfig parse(Node n) { return ParamNormProbe.parse(n); }
        @Override public boolean inEveryConfig() { return true; }
    }
}
