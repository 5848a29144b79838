package org.ratelab.grid;

import java.util.Map;
import java.util.TreeMap;
import org.ratelab.api.Registry;
import org.ratelab.spec.Canon;
import org.ratelab.spec.Node;
import org.ratelab.spec.SpecException;
import org.ratelab.data.DataSets;
import org.ratelab.data.DataSpec;
import org.ratelab.model.ModelSpec;
import org.ratelab.model.Models;
import org.ratelab.optim.OptimizerSpec;
import org.ratelab.optim.Optimizers;
import org.ratelab.probes.ProbeSpec;
import org.ratelab.train.TrainSpec;

/**
 * Binds one run's configuration tree ({@code seed, data, model, optimizer, train, probes}) into typed, validated
 * records, and gives its canonical form.
 */
public final class RunBinder {
    private RunBinder() {}

    /** A bound run configuration and its canonical form (sorted keys, every default filled in). */
    public record Bound(long seed, DataSpec data, ModelSpec model, OptimizerSpec optimizer, TrainSpec train,
                        ProbeSpec probes, Map<String, Object> canonical) {
    }

    public static Bound bind(String experiment, Map<String, Object> tree) {
        Node root = new Node("", tree);
        long seed = root.lng("seed", 0, Long.MIN_VALUE + 1, Long.MAX_VALUE);
        DataSpec data = DataSets.parse(root.child("data"));
        ModelSpec model = Models.parse(root.child("model"));
        OptimizerSpec optimizer = Optimizers.parse(root.child("optimizer"));
        TrainSpec train = TrainSpec.parse(root.child("train"));
        ProbeSpec probes = ProbeSpec.parse(root.child("probes"));
        root.done();
        checkCompatible(root, data, model, optimizer);
        Map<String, Object> canon = new TreeMap<>();
        canon.put("experiment", experiment);
        canon.put("seed", seed);
        canon.put("data", withPlugin(data.canonical(), DataSets.REGISTRY.get(data.kind())));
        canon.put("model", withPlugin(model.canonical(), Models.REGISTRY.get(model.kind())));
        canon.put("optimizer", withPlugin(optimizer.canonical(), Optimizers.REGISTRY.get(optimizer.name())));
        canon.put("train", train.canonical());
        canon.put("probes", probes.canonical());
        return new Bound(seed, data, model, optimizer, train, probes, canon);
    }

    /** Key of a plug-in kind's section in {@code config_json}: {@code {jar, version}} of its provider. */
    public static final String PLUGIN = Registry.PLUGIN;

    /**
     * A section's canonical map, with {@code plugin: {jar, version}} added when its kind comes from a plug-in
     * jar (ratelab's own kinds add nothing, so their run_ids are what they were). The version is part of the
     * run_id, so runs of two versions of a plug-in never share one; the jar's location is not.
     */
    static Map<String, Object> withPlugin(Map<String, Object> section, Object kind) {
        return Registry.withPlugin(section, kind);
    }

    /**
     * The map a run's {@code run_id} hashes: {@link Bound#canonical()} less the keys marked
     * {@link Canon.Later} that sit at their unchanged value, so that adding such a key keeps the run_ids of
     * specs that do not set it. Equal to the canonical form when no such key is present.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> identity(Bound b) {
        Map<String, Object> id = new TreeMap<>(b.canonical());
        Map<String, Object> sections = Map.of("data", b.data(), "model", b.model(), "optimizer", b.optimizer(),
                "train", b.train(), "probes", b.probes());
        for (Map.Entry<String, Object> e : sections.entrySet()) {
            if (id.get(e.getKey()) instanceof Map<?, ?> m) {
                Map<String, Object> section = e.getValue() instanceof ProbeSpec p
                        ? p.identity((Map<String, Object>) m)           // per probe: Later keys, plug-in versions
                        : Registry.pluginIdentity(Canon.identity((Map<String, Object>) m, e.getValue()));
                id.put(e.getKey(), section);
            }
        }
        return id;
    }

    private static void checkCompatible(Node root, DataSpec data, ModelSpec model, OptimizerSpec opt) {
        String why = model.dataIncompatibility(data);
        if (why != null) throw new SpecException(null, "model.kind", why);
        if (opt.batchSize() > data.n()) {
            throw new SpecException(null, "optimizer.batch_size", "must be <= data.n (" + data.n() + "), got "
                    + opt.batchSize());
        }
    }
}
