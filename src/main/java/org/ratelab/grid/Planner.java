package org.ratelab.grid;

import org.ratelab.train.RunConfig;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ratelab.spec.Axis;
import org.ratelab.spec.ExperimentSpec;
import org.ratelab.spec.Node;
import org.ratelab.spec.SpecException;
import org.ratelab.train.TrainSpec;

/**
 * Expands an experiment spec into runs: for each optimizer entry, the cartesian product of the independent
 * axes and zip groups (shared axes first, then the entry's own; the last axis varies fastest). Every run is
 * validated here, on the driver, before anything starts: each section once per distinct value and the
 * cross-section checks once per distinct combination ({@link Expansion}, a lazy list of the runs), or, when
 * that declines, run by run ({@link #expandEach}), which names the first failing run.
 */
public final class Planner {
    private Planner() {}

    static final ObjectMapper JSON = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    /** Per-step bookkeeping cost, in flop-equivalents, added to every run's estimate. */
    static final double STEP_OVERHEAD_FLOPS = 2e4;

    /** Number of runs the spec expands to (without expanding it); saturates at Long.MAX_VALUE. */
    public static long count(ExperimentSpec spec) {
        long total = 0;
        try {
            for (ExperimentSpec.OptimizerEntry e : spec.optimizers()) {
                long c = 1;
                for (List<Axis> dim : dimensions(spec.axes(), e.axes())) {
                    c = Math.multiplyExact(c, (long) dim.get(0).values().size());
                }
                total = Math.addExact(total, c);
            }
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
        return total;
    }

    /** Axes grouped into dimensions of the product: an independent axis alone, a zip group together. */
    static List<List<Axis>> dimensions(List<Axis> shared, List<Axis> own) {
        List<List<Axis>> dims = new ArrayList<>();
        Map<String, List<Axis>> groups = new HashMap<>();
        int block = 0;
        for (List<Axis> source : List.of(shared, own)) {
            for (Axis a : source) {
                if (a.group() < 0) {
                    dims.add(List.of(a));
                } else {
                    String key = block + ":" + a.group();
                    List<Axis> g = groups.get(key);
                    if (g == null) {
                        g = new ArrayList<>();
                        groups.put(key, g);
                        dims.add(g);
                    }
                    g.add(a);
                }
            }
            block++;
        }
        return dims;
    }

    /** The zip groups among these axes (each with two or more axes). */
    static List<List<Axis>> zipGroups(List<Axis> axes) {
        List<List<Axis>> out = new ArrayList<>();
        for (List<Axis> dim : dimensions(axes, List.of())) if (dim.size() > 1) out.add(dim);
        return out;
    }

    /** Expands and validates every run, held against this JVM's executor heap ({@link Memory#executorHeap}). */
    public static Plan plan(ExperimentSpec spec) {
        return plan(spec, Memory.executorHeap(null, null));
    }

    /**
     * Expands and validates every run; a run whose memory estimate ({@link Memory}) does not fit an
     * executor of {@code executorHeapBytes} is an error naming the key path and the run.
     */
    public static Plan plan(ExperimentSpec spec, long executorHeapBytes) {
        try {
            return expand(spec, executorHeapBytes);
        } catch (SpecException e) {
            throw e.inFile(spec.file());
        }
    }

    private static Plan expand(ExperimentSpec spec, long heap) {
        List<String> axisNames = axisNames(spec);
        Expansion lazy = Expansion.of(spec, axisNames, heap);
        return lazy != null ? new Plan(spec, lazy, List.copyOf(axisNames)) : expandEach(spec, heap);
    }

    /** The axes that vary across runs, in order ({@link Plan#axisNames()}). */
    static List<String> axisNames(ExperimentSpec spec) {
        List<String> axisNames = new ArrayList<>();
        boolean severalOptimizers = spec.optimizers().size() > 1;
        if (severalOptimizers) {
            for (ExperimentSpec.OptimizerEntry e : spec.optimizers()) {
                for (String k : e.ownKeys()) if (!axisNames.contains(k)) axisNames.add(k);
            }
        }
        for (Axis a : spec.axes()) axisNames.add(a.path());
        for (ExperimentSpec.OptimizerEntry e : spec.optimizers()) {
            for (Axis a : e.axes()) if (!axisNames.contains(a.path())) axisNames.add(a.path());
        }
        return axisNames;
    }

    /**
     * Expands run by run, binding and hashing each and holding them all: the reference that {@link Expansion}
     * agrees with, and the path that names the first failing run in plan order when the lazy one declines.
     */
    static Plan expandEach(ExperimentSpec spec, long heap) {
        List<RunConfig> runs = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>();
        List<String> axisNames = new ArrayList<>();
        boolean severalOptimizers = spec.optimizers().size() > 1;
        if (severalOptimizers) {
            for (ExperimentSpec.OptimizerEntry e : spec.optimizers()) {
                for (String k : e.ownKeys()) if (!axisNames.contains(k)) axisNames.add(k);
            }
        }
        for (Axis a : spec.axes()) axisNames.add(a.path());
        for (ExperimentSpec.OptimizerEntry e : spec.optimizers()) {
            for (Axis a : e.axes()) if (!axisNames.contains(a.path())) axisNames.add(a.path());
            List<List<Axis>> dims = dimensions(spec.axes(), e.axes());
            int[] at = new int[dims.size()];
            while (true) {
                Map<String, Object> tree = new LinkedHashMap<>();
                for (Map.Entry<String, Object> b : spec.base().entrySet()) {
                    tree.put(b.getKey(), Node.deepCopy(b.getValue()));
                }
                tree.put("optimizer", Node.deepCopy(e.section()));
                List<Axis> set = new ArrayList<>();
                for (int d = 0; d < dims.size(); d++) {
                    for (Axis a : dims.get(d)) {
                        setPath(tree, a.path(), a.values().get(at[d]));
                        set.add(a);
                    }
                }
                runs.add(bindRun(spec, runs.size(), tree, set, severalOptimizers ? e.ownKeys() : List.of(), ids,
                        heap));
                int d = dims.size() - 1;
                while (d >= 0 && ++at[d] == dims.get(d).get(0).values().size()) {
                    at[d] = 0;
                    d--;
                }
                if (d < 0) break;
            }
        }
        return new Plan(spec, List.copyOf(runs), List.copyOf(axisNames));
    }

    private static RunConfig bindRun(ExperimentSpec spec, int index, Map<String, Object> tree, List<Axis> set,
                                     List<String> entryKeys, Map<String, Integer> ids, long heap) {
        RunBinder.Bound b;
        String written = null;
        try {
            written = resolveDataPath(spec, tree);
            b = RunBinder.bind(spec.name(), tree);
            if (written != null) b = withWrittenPath(b, written);
            Memory.check(b, heap);
        } catch (SpecException raw) {
            SpecException ex = asWritten(raw, tree, written);
            StringBuilder vals = new StringBuilder();
            for (Axis a : set) {
                if (vals.length() > 0) vals.append(", ");
                vals.append(a.path()).append('=').append(text(getPath(tree, a.path())));
            }
            throw vals.length() == 0 ? ex
                    : new SpecException(null, ex.path(), ex.reason() + " (in the run with " + vals + ")");
        }
        String json;
        String identity;
        try {
            json = JSON.writeValueAsString(b.canonical());
            identity = JSON.writeValueAsString(RunBinder.identity(b));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot serialize a run configuration", ex);
        }
        String runId = hash(identity);
        Integer dup = ids.putIfAbsent(runId, index);
        if (dup != null) {
            throw new SpecException(null, "grid", "runs " + dup + " and " + index + " have identical "
                    + "configurations (run_id " + runId + "); remove the repeated axis values");
        }
        Map<String, String> axes = new LinkedHashMap<>();
        for (String k : entryKeys) axes.put(k, text(getPath(b.canonical(), k)));
        for (Axis a : set) axes.put(a.path(), text(getPath(b.canonical(), a.path())));
        StringBuilder group = new StringBuilder();
        for (Map.Entry<String, String> a : axes.entrySet()) {
            if (a.getKey().equals("model.width") || a.getKey().equals("seed")) continue;
            if (group.length() > 0) group.append(',');
            group.append(a.getKey()).append('=').append(a.getValue());
        }
        return new RunConfig(runId, spec.name(), index, b.seed(), b.data(), b.model(), b.optimizer(), b.train(),
                java.util.Collections.unmodifiableMap(axes), group.toString(), json, cost(b), b.probes());
    }

    /** Estimated floating-point operations of a run: its gradients plus its full-batch measurements. */
    static double cost(RunBinder.Bound b) {
        int n = b.data().n();
        double perSample = b.model().flopsPerSample(b.data().d());
        TrainSpec t = b.train();
        double points = t.record().every() > 0 ? (double) t.steps() / t.record().every() + 2
                : Math.min(t.steps() + 1, t.record().logPoints());
        return t.steps() * (b.optimizer().gradientsPerStep(n) * perSample + STEP_OVERHEAD_FLOPS)
                + points * n * perSample;
    }

    private static final java.util.HexFormat HEX = java.util.HexFormat.of();

    static String hash(String s) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HEX.formatHex(h, 0, 8);   // as "%02x" per byte did, without a Formatter per byte
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(Object v) {
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
            try {
                return JSON.writeValueAsString(v);
            } catch (JsonProcessingException e) {
                return String.valueOf(v);
            }
        }
        return String.valueOf(v);
    }

    /**
     * A relative {@code data.path} given in the spec resolves against the spec file's directory, not the
     * working directory, so a spec and its data files move together. Returns the path as written when it
     * was resolved (else null): the run's canonical form, and so its run_id, keeps the written path, so that
     * a run_id does not depend on where the project was checked out.
     */
    @SuppressWarnings("unchecked")
    static String resolveDataPath(ExperimentSpec spec, Map<String, Object> tree) {
        if (spec.file() == null || !(tree.get("data") instanceof Map<?, ?> data)) return null;
        if (!(data.get("path") instanceof String path) || path.isEmpty()) return null;
        java.nio.file.Path p = java.nio.file.Path.of(path);
        if (p.isAbsolute()) return null;
        java.nio.file.Path dir = java.nio.file.Path.of(spec.file()).toAbsolutePath().getParent();
        if (dir == null) return null;
        Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) data);
        copy.put("path", dir.resolve(p).normalize().toString());
        tree.put("data", copy);
        return path;
    }

    /**
     * The error with the resolved data path put back as the spec wrote it: an error line quotes the user's
     * path (and never the data file's contents, which the data readers leave out).
     */
    @SuppressWarnings("unchecked")
    static SpecException asWritten(SpecException ex, Map<String, Object> tree, String written) {
        if (written == null || !(tree.get("data") instanceof Map<?, ?> data)
                || !(data.get("path") instanceof String resolved) || !ex.reason().contains(resolved)) {
            return ex;
        }
        return new SpecException(ex.file(), ex.path(), ex.reason().replace(resolved, written));
    }

    /** The bound run with {@code data.path} in its canonical form as the spec wrote it. */
    @SuppressWarnings("unchecked")
    static RunBinder.Bound withWrittenPath(RunBinder.Bound b, String written) {
        Map<String, Object> canon = new java.util.TreeMap<>(b.canonical());
        Map<String, Object> data = new java.util.TreeMap<>((Map<String, Object>) canon.get("data"));
        data.put("path", written);
        canon.put("data", data);
        return new RunBinder.Bound(b.seed(), b.data(), b.model(), b.optimizer(), b.train(), b.probes(), canon);
    }

    @SuppressWarnings("unchecked")
    static void setPath(Map<String, Object> tree, String path, Object value) {
        String[] parts = path.split("\\.");
        Map<String, Object> m = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            Object next = m.get(parts[i]);
            if (next == null) {
                next = new LinkedHashMap<String, Object>();
                m.put(parts[i], next);
            }
            if (!(next instanceof Map<?, ?>)) {
                throw new SpecException(null, "grid." + path, String.join(".", java.util.Arrays.copyOf(parts,
                        i + 1)) + " is not a mapping, so the axis cannot set " + path);
            }
            m = (Map<String, Object>) next;
        }
        m.put(parts[parts.length - 1], Node.deepCopy(value));
    }

    static Object getPath(Map<String, Object> tree, String path) {
        Object cur = tree;
        for (String p : path.split("\\.")) {
            if (!(cur instanceof Map<?, ?> m)) return null;
            cur = m.get(p);
        }
        return cur;
    }
}
