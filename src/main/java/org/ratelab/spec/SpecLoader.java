package org.ratelab.spec;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads an experiment spec (YAML) into an {@link ExperimentSpec}: parses with SnakeYAML's safe constructor
 * (plain data only: no tags, no objects, no evaluation), rejects duplicate keys, applies the selected
 * profile, and checks the structure of the grid. Run-level values are checked when each run is bound
 * ({@code grid.RunBinder}); planning binds every run before anything starts.
 *
 * <p>Spec layout (see README): {@code experiment, description, seed, data, model, optimizer | optimizers,
 * train, probes, grid, profiles, limits} and the analysis sections {@code checks, fits}.
 */
public final class SpecLoader {
    private SpecLoader() {}

    /** Sections of the run template (the roots an axis path may start with, with {@code seed}). */
    public static final List<String> RUN_SECTIONS = List.of("data", "model", "optimizer", "train", "probes");
    /** Analysis sections passed through to later stages. */
    public static final List<String> ANALYSIS_SECTIONS = List.of("checks", "fits");
    static final long DEFAULT_MAX_RUNS = 10_000;

    public static ExperimentSpec load(Path file, String profile) {
        String f = file.toString();
        try {
            return parse(f, readYaml(file), profile);
        } catch (SpecException e) {
            throw e.inFile(f);
        } catch (StackOverflowError e) {
            // YamlLimits bounds nesting and refuses recursive aliases; this is the last line of defence
            throw new SpecException(f, null, "the spec is nested too deeply to read");
        }
    }

    static Map<String, Object> readYaml(Path file) {
        String f = file.toString();
        LoaderOptions opts = YamlLimits.loaderOptions();
        Object doc;
        try {
            String text = YamlLimits.read(file);
            org.yaml.snakeyaml.nodes.Node composed = new Yaml(opts).compose(new StringReader(text));
            if (composed == null) throw new SpecException(f, null, "the spec is empty");
            YamlLimits.check(composed);
            doc = new Builder(opts).build(composed);
        } catch (NoSuchFileException e) {
            throw new SpecException(f, null, "no such file");
        } catch (MarkedYAMLException e) {
            String where = e.getProblemMark() == null ? "" : "line " + (e.getProblemMark().getLine() + 1)
                    + ", column " + (e.getProblemMark().getColumn() + 1) + ": ";
            throw new SpecException(f, null, "invalid YAML: " + where + e.getProblem());
        } catch (YAMLException e) {
            throw new SpecException(f, null, "invalid YAML: " + e.getMessage());
        } catch (IOException e) {
            throw new SpecException(f, null, "cannot read: " + e.getMessage());
        }
        if (doc == null) throw new SpecException(f, null, "the spec is empty");
        if (!(doc instanceof Map<?, ?>)) {
            throw new SpecException(f, null, "the spec must be a mapping of sections, got " + Node.describe(doc));
        }
        for (Object k : ((Map<?, ?>) doc).keySet()) {
            if (!(k instanceof String)) throw new SpecException(f, String.valueOf(k), "keys must be strings");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) stringKeys(doc, "");
        return root;
    }

    /** Builds the Java objects of a composed (and checked) document with the safe constructor. */
    private static final class Builder extends SafeConstructor {
        Builder(LoaderOptions opts) {
            super(opts);
            setAllowDuplicateKeys(opts.isAllowDuplicateKeys());  // what new Yaml(constructor) would set
        }

        Object build(org.yaml.snakeyaml.nodes.Node node) { return constructDocument(node); }
    }

    /**
     * A deep, mutable copy with every key as text ({@link Node#deepCopy}), refusing two keys of one mapping
     * that become the same text (such as {@code 1} and {@code '1'}): one of them would be dropped silently.
     */
    private static Object stringKeys(Object v, String path) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String k = String.valueOf(e.getKey());
                String p = path.isEmpty() ? k : path + "." + k;
                if (out.containsKey(k)) {
                    throw new SpecException(null, p, "duplicate key (two keys of this mapping read as '" + k + "')");
                }
                out.put(k, stringKeys(e.getValue(), p));
            }
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (int i = 0; i < l.size(); i++) out.add(stringKeys(l.get(i), path + "[" + i + "]"));
            return out;
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    static ExperimentSpec parse(String file, Map<String, Object> root, String profile) {
        String prof = profile == null ? "default" : profile;
        Node top = new Node("", root);
        Node profiles = top.child("profiles");
        if (profiles.has(prof)) {
            Object overlay = profiles.raw(prof);
            if (!(overlay instanceof Map<?, ?>)) {
                throw profiles.error(prof, "a profile must be a mapping of spec keys, got " + Node.describe(overlay));
            }
            if (((Map<String, Object>) overlay).containsKey("profiles")) {
                throw profiles.error(prof, "a profile cannot define profiles");
            }
            root = (Map<String, Object>) Node.deepCopy(root);
            root.remove("profiles");
            deepMerge(root, (Map<String, Object>) overlay);
            top = new Node("", root);
        } else if (!prof.equals("default")) {
            throw new SpecException(file, "profiles",
                    "profile '" + prof + "' is not defined" + (profiles.keys().isEmpty() ? ""
                            : "; defined: " + String.join(", ", profiles.keys())));
        }
        top.skip("profiles");

        String name = top.str("experiment", null);
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")) {
            throw top.error("experiment", "must be 1-100 letters, digits, '_', '-' or '.', starting with a "
                    + "letter or digit, got '" + name + "'");
        }
        String description = top.str("description", "");
        int claim = top.integer("claim", 0, 0, 1000);
        String reference = top.str("reference", "");
        Node limits = top.child("limits");
        long maxRuns = limits.lng("max_runs", DEFAULT_MAX_RUNS, 1, Long.MAX_VALUE);
        limits.done();

        Map<String, Object> base = new LinkedHashMap<>();
        base.put("seed", top.has("seed") ? top.raw("seed") : 0);
        top.skip("seed");
        for (String s : RUN_SECTIONS) {
            if (s.equals("optimizer")) continue;
            base.put(s, sectionMap(top, s));
        }
        Map<String, Object> sharedOpt = sectionMap(top, "optimizer");

        List<ExperimentSpec.OptimizerEntry> optimizers = new ArrayList<>();
        Object optList = top.raw("optimizers");
        if (optList == null) {
            if (!top.has("optimizer")) throw top.error("optimizer", "is required (or give an optimizers list)");
            optimizers.add(new ExperimentSpec.OptimizerEntry(sharedOpt, List.of(), List.of()));
        } else {
            if (!(optList instanceof List<?> list) || list.isEmpty()) {
                throw top.error("optimizers", "expected a non-empty list of optimizer sections, got "
                        + Node.describe(optList));
            }
            for (int i = 0; i < list.size(); i++) {
                String p = "optimizers[" + i + "]";
                if (!(list.get(i) instanceof Map<?, ?> entryMap)) {
                    throw new SpecException(null, p, "expected a mapping, got " + Node.describe(list.get(i)));
                }
                Map<String, Object> section = (Map<String, Object>) Node.deepCopy(sharedOpt);
                Map<String, Object> own = (Map<String, Object>) Node.deepCopy(entryMap);
                Object entryGrid = own.remove("grid");
                deepMerge(section, own);
                List<Axis> entryAxes = entryGrid == null ? List.of()
                        : parseGrid(new Node(p + ".grid", asMap(p + ".grid", entryGrid)));
                List<String> ownKeys = new ArrayList<>();
                leafPaths("optimizer", own, ownKeys);
                optimizers.add(new ExperimentSpec.OptimizerEntry(section, entryAxes, ownKeys));
            }
        }
        List<Axis> axes = parseGrid(top.child("grid"));
        Map<String, Object> sections = new LinkedHashMap<>();
        for (String s : ANALYSIS_SECTIONS) {
            if (top.has(s)) sections.put(s, top.raw(s));
        }
        top.done();
        for (ExperimentSpec.OptimizerEntry e : optimizers) {
            Set<String> seen = new HashSet<>();
            for (Axis a : axes) seen.add(a.path());
            for (Axis a : e.axes()) {
                if (seen.contains(a.path())) {
                    throw new SpecException(null, "grid." + a.path(),
                            "axis given both in grid and in an optimizer's own grid");
                }
            }
        }
        return new ExperimentSpec(file, name, description, prof, base, optimizers, axes, maxRuns, sections, claim,
                reference);
    }

    /** A copy of a top-level section (an empty mapping when absent); not a mapping is an error. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> sectionMap(Node top, String key) {
        top.child(key);  // checks that it is a mapping
        Map<String, Object> m = (Map<String, Object>) top.raw(key);
        return m == null ? new LinkedHashMap<>() : (Map<String, Object>) Node.deepCopy(m);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(String path, Object o) {
        if (o instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw new SpecException(null, path, "expected a mapping of axis paths to value lists, got "
                + Node.describe(o));
    }

    /** Parses a {@code grid:} mapping: dotted path → list of values, and {@code zip:} → list of groups. */
    static List<Axis> parseGrid(Node grid) {
        List<Axis> axes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int groups = 0;
        for (String key : grid.keys()) {
            if (key.equals("zip")) {
                Object z = grid.raw("zip");
                List<?> zl = z instanceof List<?> l ? l : z instanceof Map<?, ?> ? List.of(z) : null;
                if (zl == null || zl.isEmpty()) {
                    throw grid.error("zip", "expected a list of mappings (each: axis path → values)");
                }
                for (int g = 0; g < zl.size(); g++) {
                    String gp = grid.pathOf("zip") + "[" + g + "]";
                    Map<String, Object> gm = asMap(gp, zl.get(g));
                    if (gm.isEmpty()) throw new SpecException(null, gp, "zip group is empty");
                    int len = -1;
                    String first = null;
                    for (Map.Entry<String, Object> e : gm.entrySet()) {
                        Axis a = axis(gp, e.getKey(), e.getValue(), groups, seen);
                        if (len >= 0 && a.values().size() != len) {
                            throw new SpecException(null, gp + "." + e.getKey(), "zip axes must have equal "
                                    + "lengths: " + first + " has " + len + " values, this has "
                                    + a.values().size());
                        }
                        len = a.values().size();
                        first = e.getKey();
                        axes.add(a);
                    }
                    groups++;
                }
            } else {
                axes.add(axis(grid.path(), key, grid.raw(key), -1, seen));
            }
        }
        return axes;
    }

    private static Axis axis(String prefix, String path, Object values, int group, Set<String> seen) {
        String where = prefix.isEmpty() ? path : prefix + "." + path;
        String root = path.contains(".") ? path.substring(0, path.indexOf('.')) : path;
        boolean ok = path.equals("seed") || (RUN_SECTIONS.contains(root) && path.length() > root.length() + 1);
        if (!ok) {
            throw new SpecException(null, where, "unknown axis path; an axis varies 'seed' or a key under "
                    + String.join(", ", RUN_SECTIONS) + " (e.g. model.width, optimizer.lr)");
        }
        for (String part : path.split("\\.", -1)) {
            if (part.isEmpty()) throw new SpecException(null, where, "malformed axis path");
        }
        if (!(values instanceof List<?> list)) {
            throw new SpecException(null, where, "an axis needs a list of values, got " + Node.describe(values));
        }
        if (list.isEmpty()) throw new SpecException(null, where, "axis is empty");
        if (!seen.add(path)) throw new SpecException(null, where, "axis given twice");
        return new Axis(path, new ArrayList<>(list), group);
    }

    /** Dotted paths of the leaves of a mapping, {@code name} first. */
    @SuppressWarnings("unchecked")
    static void leafPaths(String prefix, Map<String, Object> m, List<String> out) {
        if (m.containsKey("name")) out.add(prefix + ".name");
        for (Map.Entry<String, Object> e : m.entrySet()) {
            String p = prefix + "." + e.getKey();
            if (e.getValue() instanceof Map<?, ?> child) {
                leafPaths(p, (Map<String, Object>) child, out);
            } else if (!p.equals(prefix + ".name")) {
                out.add(p);
            }
        }
    }

    /** Merges overlay into target: mappings recursively, anything else replaced. Modifies target. */
    @SuppressWarnings("unchecked")
    public static void deepMerge(Map<String, Object> target, Map<String, Object> overlay) {
        for (Map.Entry<String, Object> e : overlay.entrySet()) {
            Object old = target.get(e.getKey());
            if (old instanceof Map<?, ?> om && e.getValue() instanceof Map<?, ?> nm) {
                Map<String, Object> copy = (Map<String, Object>) Node.deepCopy(om);
                deepMerge(copy, (Map<String, Object>) nm);
                target.put(e.getKey(), copy);
            } else {
                target.put(e.getKey(), Node.deepCopy(e.getValue()));
            }
        }
    }
}
