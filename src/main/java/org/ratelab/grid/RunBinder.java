package org.ratelab.grid;

import java.util.Map;
import java.util.TreeMap;
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
        canon.put("data", data.canonical());
        canon.put("model", model.canonical());
        canon.put("optimizer", optimizer.canonical());
        canon.put("train", train.canonical());
        canon.put("probes", probes.canonical());
        return new Bound(seed, data, model, optimizer, train, probes, canon);
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
                id.put(e.getKey(), Canon.identity((Map<String, Object>) m, e.getValue()));
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
