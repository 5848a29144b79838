package org.ratelab.grid;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;
import java.util.TreeMap;
import org.ratelab.data.DataSpec;
import org.ratelab.model.ModelSpec;
import org.ratelab.optim.OptimizerSpec;
import org.ratelab.probes.ProbeSpec;
import org.ratelab.spec.Axis;
import org.ratelab.spec.ExperimentSpec;
import org.ratelab.spec.Node;
import org.ratelab.train.RunConfig;
import org.ratelab.train.TrainSpec;

/**
 * A grid's runs as a lazy list: run {@code i} is decoded from its index (mixed radix over the dimensions of
 * its optimizer entry, the last fastest) and built only when asked for, so planning holds no per-run state.
 *
 * <p>A run's tree has six top-level keys ({@link RunBinder#SECTIONS}); each is bound from its own subtree.
 * So each section is bound, validated and serialized once per distinct combination of the dimensions that
 * set keys in it (a seed axis of 12,500 values binds 12,500 seeds and one data set), and the cross-section
 * checks ({@link RunBinder#checkCompatible}, {@link Memory#check}) and the cost estimate run once per distinct
 * combination of the dimensions that set keys outside {@code seed}. A run's {@code config_json} and
 * {@code run_id} are its sections' JSON joined in key order, exactly what serializing the whole canonical map
 * gives (the run ids do not change; {@code RunIdGoldenTest} and {@code PlannerTest} hold that).
 *
 * <p>{@link #of} returns null whenever it cannot vouch for every run: a section or a combination that fails
 * its checks, two identical runs ({@link #distinct}), two optimizer entries whose optimizer sections
 * share an identity, or a key outside the six. {@link Planner} then expands run by run, which gives the error naming the first
 * failing run in plan order, as it always did.
 */
final class Expansion extends AbstractList<RunConfig> implements RandomAccess, java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /** The distinct values of one section within an entry, by combination of its dimensions. */
    private static final class Section implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        final String key;
        final int[] dims;
        Object[] records;
        /** For the data section: each data set's n and d, read at plan time (a run keeps them if its file goes). */
        int[] dataN;
        int[] dataD;
        String[] json;
        String[] identity;
        /** Equal for combinations with the same identity. */
        int[] classes;
        List<Map<String, String>> texts;

        Section(String key, int[] dims) {
            this.key = key;
            this.dims = dims;
        }
    }

    private static final class Entry implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        int offset;
        int count;
        /** The axes of each dimension: needed while binding, not by {@link #get} (so not shipped to tasks). */
        transient List<List<Axis>> dims;
        int[] sizes;
        Section[] sections;
        int[] crossDims;
        double[] crossCost;
        List<String> entryKeys;
        List<String> axisPaths;
    }

    /** Planning only; a task that binds runs from a shipped expansion needs just the name. */
    private final transient ExperimentSpec spec;
    private final String experiment;
    private final String experimentJson;
    private final List<Entry> entries;
    private final int size;
    private double totalCost;
    private double maxCost;
    private final Map<String, List<String>> axisValues;

    private Expansion(ExperimentSpec spec, String experimentJson, List<Entry> entries, int size,
                      Map<String, List<String>> axisValues) {
        this.spec = spec;
        this.experiment = spec.name();
        this.experimentJson = experimentJson;
        this.entries = entries;
        this.size = size;
        this.axisValues = axisValues;
    }

    /** The lazy expansion of {@code spec}, every run validated; null when it cannot vouch for every run. */
    static Expansion of(ExperimentSpec spec, List<String> axisNames, long heap) {
        try {
            return build(spec, axisNames, heap);
        } catch (RuntimeException | JsonProcessingException anyFailure) {   // the run-by-run expansion names it
            return null;
        }
    }

    private static Expansion build(ExperimentSpec spec, List<String> axisNames, long heap)
            throws JsonProcessingException {
        for (String k : spec.base().keySet()) if (!RunBinder.SECTIONS.contains(k)) return null;
        boolean several = spec.optimizers().size() > 1;
        List<Entry> entries = new ArrayList<>();
        Map<String, Set<String>> values = new LinkedHashMap<>();
        for (String a : axisNames) values.put(a, new LinkedHashSet<>());
        Map<String, Integer> optimizerIds = new HashMap<>();
        long offset = 0;
        for (int ei = 0; ei < spec.optimizers().size(); ei++) {
            ExperimentSpec.OptimizerEntry oe = spec.optimizers().get(ei);
            Entry e = new Entry();
            e.offset = Math.toIntExact(offset);
            e.dims = Planner.dimensions(spec.axes(), oe.axes());
            e.sizes = new int[e.dims.size()];
            long count = 1;
            for (int d = 0; d < e.sizes.length; d++) {
                e.sizes[d] = e.dims.get(d).get(0).values().size();
                count = Math.multiplyExact(count, e.sizes[d]);
            }
            e.count = Math.toIntExact(count);
            offset = Math.addExact(offset, count);
            e.entryKeys = several ? oe.ownKeys() : List.of();
            e.axisPaths = new ArrayList<>();
            for (List<Axis> dim : e.dims) for (Axis a : dim) e.axisPaths.add(a.path());
            for (String p : e.axisPaths) if (!RunBinder.SECTIONS.contains(sectionOf(p))) return null;
            for (String p : e.entryKeys) if (!RunBinder.SECTIONS.contains(sectionOf(p))) return null;
            e.sections = new Section[RunBinder.SECTIONS.size()];
            List<Integer> cross = new ArrayList<>();
            for (int s = 0; s < e.sections.length; s++) {
                String key = RunBinder.SECTIONS.get(s);
                List<Integer> ds = new ArrayList<>();
                for (int d = 0; d < e.dims.size(); d++) {
                    for (Axis a : e.dims.get(d)) {
                        if (sectionOf(a.path()).equals(key)) {
                            ds.add(d);
                            break;
                        }
                    }
                }
                if (!key.equals("seed")) for (int d : ds) if (!cross.contains(d)) cross.add(d);
                e.sections[s] = bindSection(spec, oe, e, key, ds.stream().mapToInt(Integer::intValue).toArray());
                if (e.sections[s] == null) return null;
            }
            if (!distinct(e)) return null;
            // two entries whose optimizer sections share an identity may plan identical runs
            for (String id : e.sections[RunBinder.SECTIONS.indexOf("optimizer")].identity) {
                Integer before = optimizerIds.putIfAbsent(id, ei);
                if (before != null && before != ei) return null;
            }
            cross.sort(null);
            e.crossDims = cross.stream().mapToInt(Integer::intValue).toArray();
            crossChecks(e, heap);
            // first appearance in plan order: the order of each section's combinations
            List<String> keys = new ArrayList<>(e.entryKeys);
            keys.addAll(e.axisPaths);
            for (String k : keys) {
                Section sec = e.sections[RunBinder.SECTIONS.indexOf(sectionOf(k))];
                Set<String> v = values.computeIfAbsent(k, x -> new LinkedHashSet<>());
                for (Map<String, String> t : sec.texts) v.add(t.get(k));
            }
            entries.add(e);
        }
        if (offset > Integer.MAX_VALUE - 8) return null;
        Map<String, List<String>> axisValues = new LinkedHashMap<>();
        for (Map.Entry<String, Set<String>> v : values.entrySet()) {
            axisValues.put(v.getKey(), List.copyOf(v.getValue()));
        }
        Expansion x = new Expansion(spec, Planner.JSON.writeValueAsString(spec.name()), List.copyOf(entries),
                (int) offset, Collections.unmodifiableMap(axisValues));
        for (Entry e : entries) {
            long perCross = e.count / Math.max(1, e.crossCost.length);
            for (double c : e.crossCost) {
                x.totalCost += c * perCross;
                x.maxCost = Math.max(x.maxCost, c);
            }
        }
        return x;
    }

    static String sectionOf(String path) {
        int dot = path.indexOf('.');
        return dot < 0 ? path : path.substring(0, dot);
    }

    /** Binds each distinct combination of a section's dimensions. */
    private static Section bindSection(ExperimentSpec spec, ExperimentSpec.OptimizerEntry oe, Entry e,
                                       String key, int[] dims) throws JsonProcessingException {
        Section sec = new Section(key, dims);
        int n = 1;
        for (int d : dims) n = Math.multiplyExact(n, e.sizes[d]);
        sec.records = new Object[n];
        sec.json = new String[n];
        sec.identity = new String[n];
        sec.classes = new int[n];
        sec.texts = new ArrayList<>(n);
        List<String> paths = new ArrayList<>();
        for (String p : e.entryKeys) if (sectionOf(p).equals(key)) paths.add(p);
        for (String p : e.axisPaths) if (sectionOf(p).equals(key) && !paths.contains(p)) paths.add(p);
        Map<String, Integer> seen = new HashMap<>();
        Object base = key.equals("optimizer") ? oe.section() : spec.base().get(key);
        int[] at = new int[dims.length];
        for (int c = 0; c < n; c++) {
            decode(c, dims, e.sizes, at);
            Map<String, Object> tree = new LinkedHashMap<>();
            if (base != null) tree.put(key, Node.deepCopy(base));
            for (int k = 0; k < dims.length; k++) {
                for (Axis a : e.dims.get(dims[k])) {
                    if (sectionOf(a.path()).equals(key)) Planner.setPath(tree, a.path(), a.values().get(at[k]));
                }
            }
            String written = key.equals("data") ? Planner.resolveDataPath(spec, tree) : null;
            Object record = RunBinder.section(key, tree);
            Object canonical;
            String json;
            String identity;
            if (record instanceof Long seed) {
                canonical = seed;
                json = identity = String.valueOf(seed);
            } else {
                Map<String, Object> canon = RunBinder.sectionCanonical(record);
                if (written != null) {
                    canon = new TreeMap<>(canon);
                    canon.put("path", written);
                }
                canonical = canon;
                json = Planner.JSON.writeValueAsString(canon);
                identity = Planner.JSON.writeValueAsString(RunBinder.sectionIdentity(record, canon));
            }
            sec.classes[c] = seen.computeIfAbsent(identity, k -> seen.size());
            sec.records[c] = record;
            if (record instanceof DataSpec ds) {
                if (sec.dataN == null) {
                    sec.dataN = new int[n];
                    sec.dataD = new int[n];
                }
                sec.dataN[c] = ds.n();
                sec.dataD[c] = ds.d();
            }
            sec.json[c] = json;
            sec.identity[c] = identity;
            Map<String, Object> wrapped = Map.of(key, canonical);
            Map<String, String> texts = new HashMap<>();
            for (String p : paths) texts.put(p, Planner.text(Planner.getPath(wrapped, p)));
            sec.texts.add(texts);
        }
        return sec;
    }

    /**
     * Whether the entry's runs are pairwise distinct. Sections that share a dimension (a zip group across
     * sections) form a cluster; clusters share no dimension, so the runs are distinct exactly when, in every
     * cluster, no two combinations of its dimensions give every section of it the same identity. (A section
     * alone may repeat an identity, e.g. {@code train.steps: [80000, 80000, 400000]} zipped with a data
     * key: the runs still differ in their data.)
     */
    private static boolean distinct(Entry e) {
        int n = e.sections.length;
        int[] parent = new int[n];
        for (int s = 0; s < n; s++) parent[s] = s;
        for (int d = 0; d < e.sizes.length; d++) {
            int first = -1;
            for (int s = 0; s < n; s++) {
                if (!contains(e.sections[s].dims, d)) continue;
                if (first < 0) first = s;
                else parent[root(parent, s)] = root(parent, first);
            }
        }
        for (int r = 0; r < n; r++) {
            if (root(parent, r) != r) continue;
            List<Integer> members = new ArrayList<>();
            java.util.TreeSet<Integer> dims = new java.util.TreeSet<>();
            for (int s = 0; s < n; s++) {
                if (root(parent, s) != r) continue;
                members.add(s);
                for (int d : e.sections[s].dims) dims.add(d);
            }
            int[] ds = dims.stream().mapToInt(Integer::intValue).toArray();
            long combos = 1;
            for (int d : ds) combos *= e.sizes[d];
            int[] at = new int[e.sizes.length];
            int[] sub = new int[ds.length];
            Set<List<Integer>> seen = new java.util.HashSet<>();
            for (long c = 0; c < combos; c++) {
                decode(c, ds, e.sizes, sub);
                for (int k = 0; k < ds.length; k++) at[ds[k]] = sub[k];
                List<Integer> key = new ArrayList<>(members.size());
                for (int s : members) key.add(e.sections[s].classes[combo(e.sections[s].dims, e.sizes, at)]);
                if (!seen.add(key)) return false;
            }
        }
        return true;
    }

    private static int root(int[] parent, int s) {
        while (parent[s] != s) s = parent[s];
        return s;
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) if (x == v) return true;
        return false;
    }

    /** The cross-section checks and the cost, once per combination of the dimensions outside the seed. */
    private static void crossChecks(Entry e, long heap) {
        int n = 1;
        for (int d : e.crossDims) n = Math.multiplyExact(n, e.sizes[d]);
        e.crossCost = new double[n];
        int[] at = new int[e.sizes.length];
        int[] sub = new int[e.crossDims.length];
        for (int c = 0; c < n; c++) {
            decode(c, e.crossDims, e.sizes, sub);
            for (int k = 0; k < sub.length; k++) at[e.crossDims[k]] = sub[k];
            RunBinder.Bound b = bound(e, at, 0L);
            RunBinder.checkCompatible(b.data(), b.model(), b.optimizer());
            Memory.check(b, heap);
            e.crossCost[c] = Planner.cost(b);
        }
    }

    private static RunBinder.Bound bound(Entry e, int[] at, long seed) {
        return new RunBinder.Bound(seed, (DataSpec) record(e, 1, at), (ModelSpec) record(e, 2, at),
                (OptimizerSpec) record(e, 3, at), (TrainSpec) record(e, 4, at), (ProbeSpec) record(e, 5, at),
                Map.of());
    }

    private static Object record(Entry e, int s, int[] at) {
        Section sec = e.sections[s];
        return sec.records[combo(sec.dims, e.sizes, at)];
    }

    /** The index of the combination of {@code dims} at dimension indices {@code at} (last fastest). */
    private static int combo(int[] dims, int[] sizes, int[] at) {
        int c = 0;
        for (int d : dims) c = c * sizes[d] + at[d];
        return c;
    }

    /** Dimension indices of combination {@code c} of {@code dims}, into {@code out} (one per dim). */
    private static void decode(long c, int[] dims, int[] sizes, int[] out) {
        for (int k = dims.length - 1; k >= 0; k--) {
            out[k] = (int) (c % sizes[dims[k]]);
            c /= sizes[dims[k]];
        }
    }

    @Override
    public int size() {
        return size;
    }

    /** Run {@code index}, bound from its sections' cached bindings. */
    @Override
    public RunConfig get(int index) {
        Entry e = entryOf(index);
        int[] at = at(e, index);
        int[] c = sectionCombos(e, at);
        String json = join(e, c, false);
        String runId = Planner.hash(join(e, c, true));
        Map<String, String> axes = new LinkedHashMap<>();
        for (String k : e.entryKeys) axes.put(k, text(e, c, k));
        for (String k : e.axisPaths) axes.put(k, text(e, c, k));
        StringBuilder group = new StringBuilder();
        for (Map.Entry<String, String> a : axes.entrySet()) {
            if (a.getKey().equals("model.width") || a.getKey().equals("seed")) continue;
            if (group.length() > 0) group.append(',');
            group.append(a.getKey()).append('=').append(a.getValue());
        }
        RunBinder.Bound b = bound(e, at, (Long) e.sections[0].records[c[0]]);
        Section data = e.sections[1];
        int dc = combo(data.dims, e.sizes, at);
        return new RunConfig(runId, experiment, index, b.seed(), b.data(), b.model(), b.optimizer(), b.train(),
                Collections.unmodifiableMap(axes), group.toString(), json,
                e.crossCost[combo(e.crossDims, e.sizes, at)], b.probes(), data.dataN[dc], data.dataD[dc]);
    }

    /** Run {@code index}'s estimated cost, {@code get(index).cost()} without binding the run. */
    double cost(int index) {
        Entry e = entryOf(index);
        return e.crossCost[combo(e.crossDims, e.sizes, at(e, index))];
    }

    /** Run {@code index}'s run_id, {@code get(index).runId()} without binding the rest of the run. */
    String runId(int index) {
        Entry e = entryOf(index);
        return Planner.hash(join(e, sectionCombos(e, at(e, index)), true));
    }

    /** Each section's combination index for the dimension indices {@code at}. */
    private static int[] sectionCombos(Entry e, int[] at) {
        int[] c = new int[e.sections.length];
        for (int s = 0; s < c.length; s++) c[s] = combo(e.sections[s].dims, e.sizes, at);
        return c;
    }

    private Entry entryOf(int index) {
        if (index < 0 || index >= size) throw new IndexOutOfBoundsException(index);
        Entry e = entries.get(0);
        for (Entry x : entries) if (x.offset <= index) e = x;
        return e;
    }

    /** The dimension indices of run {@code index} within its entry (mixed radix, last fastest). */
    private static int[] at(Entry e, int index) {
        int[] at = new int[e.sizes.length];
        long li = index - e.offset;
        for (int d = e.sizes.length - 1; d >= 0; d--) {
            at[d] = (int) (li % e.sizes[d]);
            li /= e.sizes[d];
        }
        return at;
    }

    private static String text(Entry e, int[] c, String path) {
        int s = RunBinder.SECTIONS.indexOf(sectionOf(path));
        return e.sections[s].texts.get(c[s]).get(path);
    }

    /** The canonical map's JSON (or its identity's), sorted keys as {@link Planner#JSON} writes them. */
    private String join(Entry e, int[] c, boolean identity) {
        // SECTIONS: seed 0, data 1, model 2, optimizer 3, train 4, probes 5; keys in sorted order
        StringBuilder b = new StringBuilder(2048);
        b.append("{\"data\":").append(part(e, 1, c, identity))
                .append(",\"experiment\":").append(experimentJson)
                .append(",\"model\":").append(part(e, 2, c, identity))
                .append(",\"optimizer\":").append(part(e, 3, c, identity))
                .append(",\"probes\":").append(part(e, 5, c, identity))
                .append(",\"seed\":").append(part(e, 0, c, identity))
                .append(",\"train\":").append(part(e, 4, c, identity))
                .append('}');
        return b.toString();
    }

    private static String part(Entry e, int s, int[] c, boolean identity) {
        return identity ? e.sections[s].identity[c[s]] : e.sections[s].json[c[s]];
    }

    double totalCost() {
        return totalCost;
    }

    double maxCost() {
        return maxCost;
    }

    /** Each axis's distinct value texts in order of first appearance, axes in {@link Plan#axisNames()} order. */
    Map<String, List<String>> axisValues() {
        return axisValues;
    }
}
