package org.ratelab.api;

import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.ratelab.spec.Node;

/**
 * A registry of kinds of one sort (optimizers, models, data sources, probes, check kinds), found with
 * {@link ServiceLoader} through {@link Plugins#loader()}: ratelab's own kinds and the plug-ins' alike, in the
 * order their {@code META-INF/services} files list them (ratelab's first). Loaded again when the plug-in
 * class loader changes.
 *
 * @param <K> the kind's service interface
 */
public final class Registry<K extends Kind<?>> {
    private final String sort;
    private final String discriminator;
    private final Class<K> service;
    private Map<String, K> kinds;
    private ClassLoader loadedWith;

    /**
     * @param sort          the spec section ({@code optimizer}, {@code model}, {@code data}, …)
     * @param discriminator the key that names the kind in that section ({@code name} or {@code kind})
     * @param service       the kinds' service interface
     */
    public Registry(String sort, String discriminator, Class<K> service) {
        this.sort = sort;
        this.discriminator = discriminator;
        this.service = service;
    }

    public String sort() { return sort; }

    public String discriminator() { return discriminator; }

    /** Every registered kind by name, in registration order. */
    public synchronized Map<String, K> all() {
        ClassLoader cl = Plugins.loader();
        if (kinds == null || loadedWith != cl) {
            kinds = load(cl);
            loadedWith = cl;
        }
        return kinds;
    }

    /** Every registered name, built-ins first. */
    public List<String> names() { return List.copyOf(all().keySet()); }

    /** The kind of that name, or null. */
    public K get(String name) { return all().get(name); }

    /**
     * Reads the discriminator of section {@code n} (required when {@code dflt} is null) and parses the section
     * with its kind; an unknown name is an error at the discriminator's path listing every registered name.
     */
    public <S> S parse(Node n, String dflt, Class<S> type) {
        String name = n.choice(discriminator, dflt, names());
        return type.cast(get(name).parse(n));
    }

    private Map<String, K> load(ClassLoader cl) {
        Map<String, K> out = new LinkedHashMap<>();
        List<K> found = new ArrayList<>();
        try {
            for (K k : ServiceLoader.load(service, cl)) found.add(k);
        } catch (ServiceConfigurationError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new PluginException("cannot load a " + sort + " provider: " + oneLine(e.getMessage())
                    + (cause != e ? " (" + cause.getClass().getSimpleName() + ": " + oneLine(cause.getMessage()) + ")" : ""));
        }
        for (K k : found) {
            K other = out.putIfAbsent(k.name(), k);
            if (other != null) {
                throw new PluginException("two providers of " + sort + " '" + k.name() + "': "
                        + other.getClass().getName() + " in " + source(other) + " and "
                        + k.getClass().getName() + " in " + source(k));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }

    /** Where a kind's class was loaded from: a jar or class directory; "built-in" for ratelab's own. */
    public static String source(Object kind) {
        URL own = location(Registry.class);
        URL at = location(kind.getClass());
        if (at == null || at.equals(own)) return "built-in";
        return at.getPath();
    }

    /** True for ratelab's own kinds (loaded from ratelab's jar or classes). */
    public static boolean builtIn(Object kind) { return source(kind).equals("built-in"); }

    /**
     * A plug-in kind's version: its jar manifest's {@code Implementation-Version}, else "unversioned"; the
     * version of ratelab for a built-in.
     */
    public static String version(Object kind) {
        Package p = kind.getClass().getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "unversioned" : v;
    }

    /** Key of a plug-in kind's section in {@code config_json}: {@code {jar, version}} of its provider. */
    public static final String PLUGIN = "plugin";

    /**
     * A section's canonical map, with {@code plugin: {jar, version}} added when {@code kind} (a kind or its
     * configuration) comes from a plug-in jar; ratelab's own kinds add nothing, so their run_ids are what they
     * were.
     */
    public static Map<String, Object> withPlugin(Map<String, Object> section, Object kind) {
        if (kind == null || builtIn(kind)) return section;
        Map<String, Object> out = new java.util.TreeMap<>(section);
        Map<String, Object> p = new java.util.TreeMap<>();
        p.put("jar", java.nio.file.Path.of(source(kind)).getFileName().toString());
        p.put("version", version(kind));
        out.put(PLUGIN, p);
        return out;
    }

    /**
     * A section as {@code run_id} hashes it: a plug-in's {@code plugin: {jar, version}} reduced to its version
     * (runs of two versions never share a run_id; the jar's location is not part of it), in nested sections too.
     * Unchanged without one.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> pluginIdentity(Map<String, Object> section) {
        Map<String, Object> out = null;
        if (section.get(PLUGIN) instanceof Map<?, ?> p) {
            out = new java.util.TreeMap<>(section);
            out.put(PLUGIN, Map.of("version", p.get("version")));
        }
        // a nested kind's section (sam's base optimizer) likewise
        for (Map.Entry<String, Object> e : section.entrySet()) {
            if (e.getKey().equals(PLUGIN) || !(e.getValue() instanceof Map<?, ?> m)) continue;
            Map<String, Object> sub = pluginIdentity((Map<String, Object>) m);
            if (sub != m) {
                if (out == null) out = new java.util.TreeMap<>(section);
                out.put(e.getKey(), sub);
            }
        }
        return out == null ? section : out;
    }

    private static URL location(Class<?> c) {
        CodeSource cs = c.getProtectionDomain() == null ? null : c.getProtectionDomain().getCodeSource();
        return cs == null ? null : cs.getLocation();
    }
}
