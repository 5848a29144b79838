package org.ratelab.spec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The resource limits of a spec file, so that a file of any shape is accepted or refused within seconds and a
 * small heap (the launcher at {@code -Xmx512m} survives every refusal). Two layers:
 * <ol>
 *   <li>before SnakeYAML sees the text: at most {@link #MAX_BYTES} bytes are read (a larger file, or an
 *       endless one such as a device, is refused without reading the rest), and they must be UTF-8;</li>
 *   <li>SnakeYAML's own {@link LoaderOptions} (aliases, nesting depth, code points, no recursive keys, no
 *       duplicate keys), then {@link #check} on the composed node graph, before any Java object is built: the
 *       size of the document once every alias is expanded ({@link #MAX_NODES}, the billion-laughs bound),
 *       no alias that contains itself, the depth after expansion, the length of one scalar, and merge keys
 *       ({@code <<}) only where YAML 1.1's result drops nothing.</li>
 * </ol>
 * Every refusal is a {@link SpecException}: one line naming the key path where the limit was hit.
 */
public final class YamlLimits {
    private YamlLimits() {}

    /** Largest spec file, in bytes (the library's largest spec is about 11 kB). */
    public static final int MAX_BYTES = 1 << 20;
    /** Longest scalar (a key or a value), in characters. */
    public static final int MAX_SCALAR_CHARS = 1 << 16;
    /** Deepest nesting of mappings and lists, counted after alias expansion (the root is depth 1). */
    public static final int MAX_DEPTH = 32;
    /** Most aliases of collections (SnakeYAML's own count). */
    public static final int MAX_ALIASES = 50;
    /** Most nodes (mappings, lists, scalars) of the document once every alias is expanded. */
    public static final int MAX_NODES = 100_000;

    /** SnakeYAML's options with the limits that it enforces itself. */
    static LoaderOptions loaderOptions() {
        LoaderOptions opts = new LoaderOptions();
        opts.setAllowDuplicateKeys(false);
        opts.setAllowRecursiveKeys(false);
        opts.setMaxAliasesForCollections(MAX_ALIASES);
        opts.setNestingDepthLimit(MAX_DEPTH);
        opts.setCodePointLimit(MAX_BYTES);
        return opts;
    }

    /**
     * The file's text: at most {@link #MAX_BYTES} bytes are ever read, and they must be UTF-8. Refuses a
     * larger file (whatever its reported size: a pipe or a device is read up to the limit only).
     */
    static String read(Path file) throws IOException {
        String f = file.toString();
        if (Files.isDirectory(file)) throw new SpecException(f, null, "is a directory, not a spec file");
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        }
        if (bytes.length > MAX_BYTES) {
            throw new SpecException(f, null, "the spec is larger than the limit of " + MAX_BYTES + " bytes (1 MiB)");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new SpecException(f, null, "the spec is not UTF-8 text");
        }
    }

    /**
     * Checks a composed document (aliases still shared, nothing constructed): throws a {@link SpecException}
     * at the first limit exceeded, naming the key path.
     */
    static void check(Node root) {
        new Walk().visit(root, "", 1);
    }

    /** A depth-first walk over the node graph that counts every alias as the copy it will become. */
    private static final class Walk {
        /** Expanded node counts of the collections already walked (an alias walks its target once). */
        private final Map<Node, long[]> done = new IdentityHashMap<>();
        /** The collections on the current path: meeting one again is an alias that contains itself. */
        private final Set<Node> open = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        private long total;

        /** Returns {expanded node count, expanded height} of the node. */
        long[] visit(Node node, String path, int depth) {
            if (node instanceof ScalarNode s) {
                if (s.getValue().length() > MAX_SCALAR_CHARS) {
                    throw error(path, "a scalar of " + s.getValue().length() + " characters is longer than the "
                            + "limit of " + MAX_SCALAR_CHARS);
                }
                add(path, 1);
                return new long[] {1, 0};
            }
            if (open.contains(node)) {
                throw error(path, "the alias refers to a collection that contains it (a recursive alias)");
            }
            long[] known = done.get(node);
            if (known != null) {
                // an alias: its target is copied here in full
                if (depth + known[1] > MAX_DEPTH) throw tooDeep(path);
                add(path, known[0]);
                return known;
            }
            if (depth > MAX_DEPTH) throw tooDeep(path);
            open.add(node);
            long count = 1;
            long height = 0;
            add(path, 1);
            if (node instanceof SequenceNode seq) {
                List<Node> items = seq.getValue();
                for (int i = 0; i < items.size(); i++) {
                    long[] c = visit(items.get(i), path + "[" + i + "]", depth + 1);
                    count += c[0];
                    height = Math.max(height, c[1] + 1);
                }
            } else if (node instanceof MappingNode map) {
                checkMerge(map, path);
                for (NodeTuple t : map.getValue()) {
                    Node k = t.getKeyNode();
                    String key = k instanceof ScalarNode ks ? ks.getValue() : null;
                    if (key == null) throw error(path, "a key must be a scalar, not a list or a mapping");
                    String child = isMerge(k) ? join(path, "<<") : join(path, key);
                    long[] kc = visit(k, child, depth + 1);
                    long[] vc = visit(t.getValueNode(), child, depth + 1);
                    count += kc[0] + vc[0];
                    height = Math.max(height, Math.max(kc[1], vc[1]) + 1);
                }
            }
            open.remove(node);
            long[] r = {count, height};
            done.put(node, r);
            return r;
        }

        private void add(String path, long nodes) {
            total += nodes;
            if (total > MAX_NODES) {
                throw error(path, "the spec expands to more than " + MAX_NODES + " nodes once its aliases are "
                        + "expanded (the limit)");
            }
        }

        private SpecException tooDeep(String path) {
            return error(path, "nested deeper than the limit of " + MAX_DEPTH + " levels (aliases expanded)");
        }
    }

    private static boolean isMerge(Node key) {
        return key instanceof ScalarNode && Tag.MERGE.equals(key.getTag());
    }

    /**
     * A mapping with a merge key ({@code <<}): YAML 1.1 copies the keys of the merged mapping(s) that the
     * mapping does not set itself, the first merged mapping winning over later ones. The merge is accepted
     * only when that rule drops nothing: one merge key per mapping, a mapping or a list of mappings to merge,
     * and no key both set here and merged, or merged from two mappings.
     */
    private static void checkMerge(MappingNode map, String path) {
        Node merge = null;
        Set<String> own = new HashSet<>();
        for (NodeTuple t : map.getValue()) {
            if (isMerge(t.getKeyNode())) {
                if (merge != null) {
                    throw error(join(path, "<<"), "two merge keys (<<) in one mapping; give one: <<: [*a, *b]");
                }
                merge = t.getValueNode();
            } else if (t.getKeyNode() instanceof ScalarNode k) {
                own.add(k.getValue());
            }
        }
        if (merge == null) return;
        List<Node> sources = merge instanceof SequenceNode s ? s.getValue() : List.of(merge);
        Set<String> seen = new HashSet<>(own);
        for (Node src : sources) {
            if (!(src instanceof MappingNode m)) {
                throw error(join(path, "<<"), "a merge key (<<) takes a mapping or a list of mappings");
            }
            for (String k : keysOf(m, join(path, "<<"), java.util.Collections.newSetFromMap(new IdentityHashMap<>()))) {
                if (!seen.add(k)) {
                    throw error(join(path, k), own.contains(k)
                            ? "set both here and by the merge key (<<): YAML 1.1 would drop the merged value silently"
                            : "merged from two mappings (<<): YAML 1.1 would drop one of them silently");
                }
            }
        }
    }

    /** The keys a mapping has once its own merges are applied. */
    private static Set<String> keysOf(MappingNode m, String path, Set<Node> open) {
        if (!open.add(m)) throw error(path, "the alias refers to a collection that contains it (a recursive alias)");
        Set<String> keys = new LinkedHashSet<>();
        for (NodeTuple t : m.getValue()) {
            Node k = t.getKeyNode();
            if (isMerge(k)) {
                Node v = t.getValueNode();
                for (Node src : v instanceof SequenceNode s ? s.getValue() : List.of(v)) {
                    if (src instanceof MappingNode sm) keys.addAll(keysOf(sm, path, open));
                }
            } else if (k instanceof ScalarNode ks) {
                keys.add(ks.getValue());
            }
        }
        open.remove(m);
        return keys;
    }

    /** A key path; a key longer than 40 characters is shortened, so that an error stays a readable line. */
    private static String join(String path, String key) {
        String k = key.length() > 40 ? key.substring(0, 40) + "..." : key;
        return path.isEmpty() ? k : path + "." + k;
    }

    private static SpecException error(String path, String reason) {
        return new SpecException(null, path.isEmpty() ? null : path, reason);
    }
}
