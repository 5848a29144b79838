package org.ratelab.spec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A mapping of a parsed spec with the key path that led to it, read key by key into records.
 *
 * <p>Every reader names the key path in its error ({@code model.width: must be >= 1, got -3}). A section's
 * parser reads the keys it knows and then calls {@link #done()}, which rejects any key it did not read, so
 * an unknown or misspelled key is an error, never silently ignored.
 */
public final class Node {
    private final String path;
    private final Map<String, Object> map;
    private final Set<String> read = new LinkedHashSet<>();
    /** Non-null in describing mode: every typed reader records its key here instead of reading a value. */
    private final Map<String, Described> described;
    /** Keys declared optional (no default value) through {@link #optional}: documented with default "none". */
    private final Set<String> optional = new java.util.HashSet<>();

    public Node(String path, Map<String, Object> map) {
        this(path, map, null);
    }

    private Node(String path, Map<String, Object> map, Map<String, Described> described) {
        this.path = path == null ? "" : path;
        this.map = map == null ? Map.of() : map;
        this.described = described;
    }

    /** A key as a section's parser declares it: its path, type with range, and default ("required" if none). */
    public record Described(String path, String type, String dflt) {
    }

    /**
     * An empty section in describing mode: each typed reader records into {@code sink} (by path, in reading
     * order, a later and more specific reader of the same key replacing the earlier record) the key, its type
     * and range and its default, and returns the default, or a stand-in for a required key. This is how
     * {@code ratelab kinds} documents a kind's keys from the parser itself.
     */
    public static Node describing(String path, Map<String, Described> sink) {
        return new Node(path, Map.of(), sink);
    }

    private boolean note(String key, String type, String dflt) {
        if (described == null) return false;
        described.put(pathOf(key), new Described(pathOf(key), type, optional.contains(key) ? "none" : dflt));
        return true;
    }

    /** True in describing mode, where readers record keys instead of reading values. */
    public boolean describing() { return described != null; }

    /**
     * An optional key without a default value: true when it is given, so that the caller reads it with a
     * typed reader. In describing mode it is true too, and the typed reader the caller then calls records
     * the key with default "none".
     */
    public boolean optional(String key) {
        if (described == null) return has(key);
        optional.add(key);
        return true;
    }

    /**
     * Records a key whose value another parser reads (e.g. a mapping holding a kind of its own) as
     * {@code type} with default {@code dflt}; true in describing mode, where the caller reads nothing more.
     */
    public boolean declare(String key, String type, String dflt) {
        return note(key, type, dflt);
    }

    /** The dotted path of this mapping ("" at the root). */
    public String path() { return path; }

    /** The dotted path of a key of this mapping. */
    public String pathOf(String key) { return path.isEmpty() ? key : path + "." + key; }

    public boolean has(String key) { return map.containsKey(key) && map.get(key) != null; }

    /** Raw value (marks the key read); null when absent. */
    public Object raw(String key) {
        read.add(key);
        return map.get(key);
    }

    public SpecException error(String key, String reason) {
        return new SpecException(null, key == null ? path : pathOf(key), reason);
    }

    // ---- strings and choices ----

    public String str(String key, String dflt) {
        if (note(key, "string", dflt == null ? "required" : dflt)) return dflt == null ? "" : dflt;
        Object v = raw(key);
        if (v == null) {
            if (dflt == null) throw error(key, "is required");
            return dflt;
        }
        if (v instanceof String s) return s;
        if (v instanceof Number || v instanceof Boolean) return String.valueOf(v);
        throw error(key, "expected a string, got " + describe(v));
    }

    /** A string that must be one of {@code choices} (case-sensitive, as written in the docs). */
    public String choice(String key, String dflt, Collection<String> choices) {
        if (note(key, "one of " + String.join(", ", choices), dflt == null ? "required" : dflt)) {
            return dflt != null ? dflt : choices.iterator().next();
        }
        String s = str(key, dflt);
        if (!choices.contains(s)) {
            throw error(key, "unknown value '" + s + "'; expected one of " + String.join(", ", choices));
        }
        return s;
    }

    // ---- numbers ----

    public double dbl(String key, double dflt) {
        if (note(key, "number", Double.isNaN(dflt) ? "required" : fmt(dflt))) return Double.isNaN(dflt) ? 1.0 : dflt;
        Object v = raw(key);
        if (v == null) {
            if (Double.isNaN(dflt)) throw error(key, "is required");
            return dflt;
        }
        return toDouble(key, v);
    }

    /** A finite double in [lo, hi]; exclusive bounds when {@code open}. */
    public double dbl(String key, double dflt, double lo, double hi, boolean openLo) {
        if (note(key, "number " + (openLo ? "(" : "[") + fmt(lo) + ", " + fmt(hi) + "]",
                Double.isNaN(dflt) ? "required" : fmt(dflt))) {
            return Double.isNaN(dflt) ? Math.max(lo, Math.min(hi, 1.0)) : dflt;
        }
        double d = dbl(key, dflt);
        checkRange(key, d, lo, hi, openLo);
        return d;
    }

    /** A finite double &gt; 0. */
    public double positive(String key, double dflt) {
        return dbl(key, dflt, 0, Double.MAX_VALUE, true);
    }

    /** A finite double &ge; 0. */
    public double nonNegative(String key, double dflt) {
        return dbl(key, dflt, 0, Double.MAX_VALUE, false);
    }

    public void checkRange(String key, double d, double lo, double hi, boolean openLo) {
        if (!Double.isFinite(d)) throw error(key, "must be a finite number, got " + d);
        if (openLo ? d <= lo : d < lo) {
            throw error(key, "must be " + (openLo ? "> " : ">= ") + fmt(lo) + ", got " + fmt(d));
        }
        if (d > hi) throw error(key, "must be <= " + fmt(hi) + ", got " + fmt(d));
    }

    private double toDouble(String key, Object v) {
        if (v instanceof java.math.BigInteger b && Double.isInfinite(b.doubleValue())) {
            throw error(key, "must be a finite number, got " + digits(b));
        }
        if (v instanceof Number n) return n.doubleValue();
        if (v instanceof String s) {
            // YAML 1.1 reads 1e-4 (no dot) as a string; accept plain numeric strings as numbers.
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw error(key, "expected a number, got '" + s + "'");
            }
        }
        throw error(key, "expected a number, got " + describe(v));
    }

    /**
     * An integer in [lo, hi]. A value beyond the range (however many digits it has) is refused with the
     * number as written, never wrapped into range.
     */
    public long lng(String key, long dflt, long lo, long hi) {
        if (note(key, "integer [" + (lo == Long.MIN_VALUE + 1 ? "-inf" : lo) + ", " + (hi == Long.MAX_VALUE ? "inf" : hi) + "]",
                dflt == Long.MIN_VALUE ? "required" : String.valueOf(dflt))) {
            return dflt == Long.MIN_VALUE ? Math.max(lo, Math.min(hi, 1)) : dflt;
        }
        Object v = raw(key);
        java.math.BigInteger r;
        if (v == null) {
            if (dflt == Long.MIN_VALUE) throw error(key, "is required");
            r = java.math.BigInteger.valueOf(dflt);
        } else if (v instanceof Integer || v instanceof Long) {
            r = java.math.BigInteger.valueOf(((Number) v).longValue());
        } else if (v instanceof java.math.BigInteger b) {
            r = b;
        } else if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 9e15) {
            r = java.math.BigInteger.valueOf(d.longValue());
        } else if (v instanceof String s && s.trim().matches("[+-]?\\d+")) {
            r = new java.math.BigInteger(s.trim());
        } else {
            throw error(key, "expected an integer, got " + describe(v));
        }
        if (r.compareTo(java.math.BigInteger.valueOf(lo)) < 0) throw error(key, "must be >= " + lo + ", got " + digits(r));
        if (r.compareTo(java.math.BigInteger.valueOf(hi)) > 0) throw error(key, "must be <= " + hi + ", got " + digits(r));
        return r.longValueExact();
    }

    /** An integer as written, shortened when it has more than 40 digits. */
    static String digits(java.math.BigInteger b) {
        String s = b.toString();
        return s.length() <= 40 ? s : s.substring(0, 20) + "... (" + s.length() + " characters)";
    }

    public int integer(String key, int dflt, int lo, int hi) {
        return (int) lng(key, dflt == Integer.MIN_VALUE ? Long.MIN_VALUE : dflt, lo, hi);
    }

    public boolean bool(String key, boolean dflt) {
        if (note(key, "boolean", String.valueOf(dflt))) return dflt;
        Object v = raw(key);
        if (v == null) return dflt;
        if (v instanceof Boolean b) return b;
        throw error(key, "expected true or false, got " + describe(v));
    }

    // ---- structure ----

    /** A child mapping; an absent key gives an empty mapping. */
    @SuppressWarnings("unchecked")
    public Node child(String key) {
        if (described != null) return new Node(pathOf(key), Map.of(), described);
        Object v = raw(key);
        if (v == null) return new Node(pathOf(key), Map.of());
        if (v instanceof Map<?, ?> m) return new Node(pathOf(key), (Map<String, Object>) m);
        throw error(key, "expected a mapping, got " + describe(v));
    }

    /** A list of doubles (a scalar is a list of one). */
    public double[] doubles(String key, double[] dflt) {
        if (note(key, "number or list of numbers", dflt == null ? "required" : java.util.Arrays.toString(dflt))) {
            return dflt == null ? new double[] {1.0} : dflt;
        }
        Object v = raw(key);
        if (v == null) {
            if (dflt == null) throw error(key, "is required");
            return dflt;
        }
        List<?> list = v instanceof List<?> l ? l : List.of(v);
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = toDouble(key + "[" + i + "]", list.get(i));
        }
        return out;
    }

    /** True when the mapping has no key (never in describing mode, where every key is to be recorded). */
    public boolean isEmpty() { return described == null && map.isEmpty(); }

    /** Keys of this mapping, in file order. */
    public Set<String> keys() { return map.keySet(); }

    /** Rejects keys that no reader asked for. */
    public void done() {
        if (described != null) return;
        Set<String> unknown = new TreeSet<>(map.keySet());
        unknown.removeAll(read);
        if (!unknown.isEmpty()) {
            String k = unknown.iterator().next();
            Set<String> known = new TreeSet<>(read);
            throw error(k, "unknown key" + (known.isEmpty() ? "" : "; known keys here: "
                    + String.join(", ", known)));
        }
    }

    /** Marks keys as read without reading them (keys handled elsewhere). */
    public void skip(String... keys) {
        for (String k : keys) read.add(k);
    }

    public static String describe(Object v) {
        if (v == null) return "nothing";
        if (v instanceof Map) return "a mapping";
        if (v instanceof List) return "a list";
        if (v instanceof String s) return "'" + s + "'";
        return v.getClass().getSimpleName().toLowerCase() + " " + v;
    }

    static String fmt(double d) {
        if (d == Double.MAX_VALUE) return "inf";
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return String.valueOf((long) d);
        return String.valueOf(d);
    }

    /** A deep, mutable copy of a parsed YAML tree (maps keep their order). */
    @SuppressWarnings("unchecked")
    public static Object deepCopy(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) out.put(String.valueOf(e.getKey()), deepCopy(e.getValue()));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) out.add(deepCopy(o));
            return out;
        }
        return v;
    }
}
