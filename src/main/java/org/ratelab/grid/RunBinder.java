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

    /** The top-level keys of a run's tree, each bound on its own ({@link #section}). */
    static final java.util.List<String> SECTIONS = java.util.List.of("seed", "data", "model", "optimizer",
            "train", "probes");

    /**
     * One top-level key of a run's tree bound alone, as {@link #bind} binds it: a {@code Long} for
     * {@code seed}, else the section's record. A section's binding reads only its own subtree, which is what
     * lets {@link Planner} bind each distinct value of a section once.
     */
    static Object section(String key, Map<String, Object> tree) {
        Node root = new Node("", tree);
        Object bound = switch (key) {
            case "seed" -> root.lng("seed", 0, Long.MIN_VALUE + 1, Long.MAX_VALUE);
            case "data" -> DataSets.parse(root.child("data"));
            case "model" -> Models.parse(root.child("model"));
            case "optimizer" -> Optimizers.parse(root.child("optimizer"));
            case "train" -> TrainSpec.parse(root.child("train"));
            case "probes" -> ProbeSpec.parse(root.child("probes"));
            default -> throw new IllegalArgumentException(key);
        };
        root.done();
        return bound;
    }

    /** A section's canonical map as {@link #bind} puts it in {@link Bound#canonical()}. */
    static Map<String, Object> sectionCanonical(Object record) {
        if (record instanceof DataSpec d) return withPlugin(d.canonical(), DataSets.REGISTRY.get(d.kind()));
        if (record instanceof ModelSpec m) return withPlugin(m.canonical(), Models.REGISTRY.get(m.kind()));
        if (record instanceof OptimizerSpec o) {
            return withPlugin(o.canonical(), Optimizers.REGISTRY.get(o.name()));
        }
        if (record instanceof TrainSpec t) return t.canonical();
        if (record instanceof ProbeSpec p) return p.canonical();
        throw new IllegalArgumentException(String.valueOf(record));
    }

    /** The cross-section checks of {@link #bind} (model against data, batch size against data). */
    static void checkCompatible(DataSpec data, ModelSpec model, OptimizerSpec optimizer) {
        checkCompatible(null, data, model, optimizer);
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
                id.put(e.getKey(), sectionIdentity(e.getValue(), (Map<String, Object>) m));
            }
        }
        return id;
    }

    /** One section of {@link #identity}: its canonical map less the unchanged {@link Canon.Later} keys. */
    static Map<String, Object> sectionIdentity(Object record, Map<String, Object> canonical) {
        return record instanceof ProbeSpec p
                ? p.identity(canonical)           // per probe: Later keys, plug-in versions
                : Registry.pluginIdentity(Canon.identity(canonical, record));
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
