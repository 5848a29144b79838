package org.ratelab.probes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ratelab.api.Doc;
import org.ratelab.linalg.Blas;
import org.ratelab.model.ParamBlock;
import org.ratelab.spec.Node;

/**
 * {@code dist}: {@code dist_init} = ‖θ_k − θ_0‖, {@code rel_change} = ‖θ_k − θ_0‖/‖θ_0‖ (null when θ_0 = 0),
 * and per parameter block {@code layer_dist} and {@code layer_rel_change} (blocks with θ_0 = 0 left out).
 */
public record DistProbe(@Doc(Probes.ENABLED) boolean enabled, @Doc(Probes.EVERY) int every) implements ProbeConfig {
    public static final String NAME = "dist";

    static DistProbe parse(Node n) {
        return new DistProbe(n.bool("enabled", true), Probes.every(n));
    }

    @Override
    public Probe instantiate(Probe.Run run) {
        double[] theta0 = run.theta0();
        double norm0 = Math.sqrt(Blas.normSq(run.dim(), theta0));
        List<ParamBlock> blocks = run.model().blocks();
        double[] blockNorm0 = new double[blocks.size()];
        for (int b = 0; b < blocks.size(); b++) {
            blockNorm0[b] = Math.sqrt(Blas.normSq(theta0, blocks.get(b).offset(), blocks.get(b).length()));
        }
        return (at, out) -> {
            double dist = at.distInit();
            out.put(Metrics.DIST_INIT, dist);
            if (norm0 > 0) out.put(Metrics.REL_CHANGE, dist / norm0);
            Map<String, Double> layerDist = new LinkedHashMap<>();
            Map<String, Double> layerRel = new LinkedHashMap<>();
            for (int b = 0; b < blocks.size(); b++) {
                ParamBlock pb = blocks.get(b);
                double d = Math.sqrt(Blas.distSq(at.theta(), theta0, pb.offset(), pb.length()));
                layerDist.put(pb.name(), d);
                if (blockNorm0[b] > 0) layerRel.put(pb.name(), d / blockNorm0[b]);
            }
            out.layers(layerDist, layerRel);
        };
    }

    /** Registers {@code DistProbe} (META-INF/services/org.ratelab.probes.ProbeKind). */
    public static final class Provider implements ProbeKind {
        @Override public String name() { return NAME; }
        @Override public String doc() {
            return "dist_init, rel_change, layer_dist, layer_rel_change: distance from the initial point (O(dim))";
        }
        @Override public Class<? extends Record> config() { return DistProbe.class; }
        @Override public ProbeConfig parse(Node n) { return DistProbe.parse(n); }
        @Override public boolean inEveryConfig() { return true; }
    }
}
