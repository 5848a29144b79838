package org.ratelab.probes;

import org.ratelab.api.Doc;
import org.ratelab.model.ParamBlock;
import org.ratelab.spec.Node;

/**
 * {@code particles}: the two-layer neuron positions |a_j|·w_j, row-major m × d, into {@code curves.particles}
 * (O(m·d)); a note for any other model. Only at finite points.
 */
public record ParticlesProbe(@Doc(Probes.ENABLED) boolean enabled, @Doc(Probes.EVERY) int every) implements ProbeConfig {
    public static final String NAME = "particles";

    static ParticlesProbe parse(Node n) {
        return new ParticlesProbe(n.bool("enabled", false), Probes.every(n));
    }

    @Override
    public Probe instantiate(Probe.Run run) {
        ParamBlock w0 = null;
        ParamBlock a0 = null;
        for (ParamBlock b : run.model().blocks()) {
            if (b.name().equals("W")) w0 = b;
            if (b.name().equals("a")) a0 = b;
        }
        ParamBlock w = w0;
        ParamBlock a = a0;
        return (at, out) -> {
            if (!at.finite()) return;
            if (w == null || a == null || a.length() == 0 || w.length() % a.length() != 0) {
                out.note("particles: skipped, model " + run.modelSpec().kind() + " is not a two-layer network");
                return;
            }
            double[] theta = at.theta();
            int m = a.length();
            int d = w.length() / m;
            double[] p = new double[m * d];
            for (int j = 0; j < m; j++) {
                double s = Math.abs(theta[a.offset() + j]);
                for (int q = 0; q < d; q++) p[j * d + q] = s * theta[w.offset() + j * d + q];
            }
            out.particles(p);
        };
    }

    /** Registers {@code ParticlesProbe} (META-INF/services/org.ratelab.probes.ProbeKind). */
    public static final class Provider implements ProbeKind {
        @Override public String name() { return NAME; }
        @Override public String doc() { return "curves.particles: two-layer neuron positions |a_j| w_j (O(m d))"; }
        @Override public Class<? extends Record> config() { return ParticlesProbe.class; }
        @Override public ProbeConfig parse(Node n) { return ParticlesProbe.parse(n); }
        @Override public boolean inEveryConfig() { return true; }
    }
}
