package org.ratelab.checks;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ratelab.spec.Node;
import org.ratelab.spec.SpecException;

/**
 * A declared check (an entry of the spec's {@code checks:} list): which number to observe over which runs,
 * and what the theory predicts for it.
 *
 * <p>The observed quantity is one registered {@link CheckKind}, named by the key that holds its section:
 * {@code law}, {@code rate}, {@code value}, {@code fraction}, {@code bound}, {@code compare} (each documented
 * in its own file and by {@code ratelab kinds check}), or a plug-in's. Every check also has:
 * {@code name} (unique), {@code description}; {@code where:} selects runs by dotted paths of their resolved
 * configuration (e.g. {@code model.width}, {@code optimizer.schedule.q}), or {@code status}, each a value or
 * a list of allowed values; {@code expect:} {@code {min, max}}, {@code {value, tolerance}}, {@code {at_most}}
 * (observed ≤ an upper bound; the detail shows how loose it is), or {@code {at_least}}.
 *
 * @param kind   the check kind's name (the key of its section)
 * @param target the kind's parsed section
 */
public record CheckSpec(String name, String description, String kind, CheckKind.Observation target,
                        Map<String, Object> where, Expect expect)
        implements Serializable {

    /** The prediction an observed value is held against. */
    public record Expect(double min, double max, String form, double predicted) implements Serializable {
        public boolean holds(double observed) {
            return !Double.isNaN(observed) && observed >= min && observed <= max;
        }

        public String text() {
            return switch (form) {
                case "range" -> Double.isInfinite(max) ? ">= " + g(min) : Double.isInfinite(min) ? "<= " + g(max)
                        : "in [" + g(min) + ", " + g(max) + "]";
                case "value" -> "= " + g(predicted) + " ± " + g(max - predicted, 6);
                case "at_most" -> "<= " + g(max) + " (upper bound)";
                default -> ">= " + g(min) + " (lower bound)";
            };
        }

        /** A number as written in a spec: 12 significant digits, so 1.1 - 1.0 prints as 0.1. */
        static String g(double d) {
            return g(d, 12);
        }

        /** A number to {@code digits} significant digits (a tolerance recovered as max − value carries noise). */
        static String g(double d, int digits) {
            if (Double.isInfinite(d) || Double.isNaN(d)) return String.valueOf(d);
            java.math.BigDecimal b = new java.math.BigDecimal(d).round(new java.math.MathContext(digits))
                    .stripTrailingZeros();
            double a = Math.abs(b.doubleValue());
            return a == 0 || (a >= 1e-4 && a < 1e7) ? b.toPlainString() : Double.toString(b.doubleValue());
        }
    }

    @SuppressWarnings("unchecked")
    public static List<CheckSpec> parseAll(Object section) {
        List<CheckSpec> out = new ArrayList<>();
        if (section == null) return out;
        if (!(section instanceof List<?> list)) {
            throw new SpecException(null, "checks", "expected a list of checks, got " + Node.describe(section));
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String p = "checks[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> m)) {
                throw new SpecException(null, p, "expected a mapping, got " + Node.describe(list.get(i)));
            }
            CheckSpec c = parse(new Node(p, (Map<String, Object>) m), true);
            if (!names.add(c.name())) throw new SpecException(null, p + ".name", "duplicate check name " + c.name());
            out.add(c);
        }
        return out;
    }

    /** The keys every check has beside its kind's section. */
    static final List<String> COMMON_KEYS = List.of("name", "description", "where", "expect");

    /**
     * A check ({@code top}) or a side of a compare (no name, description or expect; named by its path, which
     * seeds its bootstrap): the one registered kind whose key it has, parsed by that kind.
     */
    static CheckSpec parse(Node n, boolean top) {
        String name = top ? n.str("name", null) : n.path();
        String description = top ? n.str("description", "") : "";
        List<String> kinds = CheckKind.REGISTRY.names();
        String kind = null;
        for (String o : kinds) {
            if (n.has(o)) {
                if (kind != null) {
                    throw n.error(o, "give one of " + String.join(", ", kinds) + "; got " + kind + " too");
                }
                kind = o;
            }
        }
        List<String> sides = new ArrayList<>();
        for (String o : kinds) if (CheckKind.REGISTRY.get(o).comparable()) sides.add(o);
        if (kind == null) {
            for (String k : n.keys()) {
                if (!COMMON_KEYS.contains(k)) {
                    throw n.error(k, "unknown check kind '" + k + "'; registered: " + String.join(", ", top ? kinds : sides));
                }
            }
        }
        if (kind == null || (!top && !sides.contains(kind))) {
            throw n.error(null, top ? "a check needs one of " + orList(kinds)
                    : "each side of a compare needs " + orList(sides));
        }
        Node t = n.child(kind);
        CheckKind.Observation target = CheckKind.REGISTRY.get(kind).parse(t);
        t.done();
        Map<String, Object> where = new LinkedHashMap<>();
        Node w = n.child("where");
        for (String k : w.keys()) {
            Object v = w.raw(k);
            if (v instanceof Map<?, ?> || v == null) throw w.error(k, "expected a value or a list of values");
            where.put(k, v);
        }
        Expect expect = top ? expect(n.child("expect"), kind) : null;
        n.done();
        return new CheckSpec(name, description, kind, target, where, expect);
    }

    /** "a, b or c". */
    static String orList(List<String> names) {
        if (names.size() < 2) return String.join("", names);
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    /** The text of a metric name at {@code key} (required), documented with the forms {@link MetricRef} takes. */
    static String metricText(Node t, String key) {
        String text = t.str(key, null);
        t.declare(key, "metric name: " + MetricRef.FORMS, "required");
        return text;
    }

    /** A metric name read by {@link #metricText}, parsed; a bad form is an error at the key's path. */
    static MetricRef metric(Node t, String key, String text) {
        try {
            return MetricRef.parse(text);
        } catch (IllegalArgumentException e) {
            throw t.error(key, e.getMessage());
        }
    }

    /** A metric name naming a per-run value ({@link RunValues}): its form and its names checked. */
    static MetricRef perRunMetric(Node t, String text) {
        MetricRef m = metric(t, "metric", text);
        String problem = RunValues.problem(m);
        if (problem != null) throw t.error("metric", problem);
        return m;
    }

    /** A required finite number (a threshold or a prediction: NaN or an infinity would decide nothing). */
    static double finite(Node n, String key) {
        double v = n.dbl(key, Double.NaN);
        n.checkRange(key, v, -Double.MAX_VALUE, Double.MAX_VALUE, false);
        return v;
    }

    static Expect expect(Node e, String kind) {
        Expect x;
        if (e.has("min") || e.has("max")) {
            double lo = e.has("min") ? finite(e, "min") : Double.NEGATIVE_INFINITY;
            double hi = e.has("max") ? finite(e, "max") : Double.POSITIVE_INFINITY;
            if (lo > hi) throw e.error("max", "must be >= min (" + lo + "), got " + hi);
            x = new Expect(lo, hi, "range",
                    Double.isInfinite(lo) ? hi : Double.isInfinite(hi) ? lo : (lo + hi) / 2);
        } else if (e.has("value")) {
            double v = finite(e, "value");
            double tol = e.nonNegative("tolerance", Double.NaN);
            x = new Expect(v - tol, v + tol, "value", v);
        } else if (e.has("at_most")) {
            double v = finite(e, "at_most");
            x = new Expect(Double.NEGATIVE_INFINITY, v, "at_most", v);
        } else if (e.has("at_least")) {
            double v = finite(e, "at_least");
            x = new Expect(v, Double.POSITIVE_INFINITY, "at_least", v);
        } else {
            throw e.error(null, "is required: {min, max}, {value, tolerance}, {at_most} or {at_least}");
        }
        e.done();
        CheckKind k = CheckKind.REGISTRY.get(kind);
        if (k != null && k.fraction() && (x.min() > 1 || x.max() < 0)) {
            throw e.error(null, "a fraction lies in [0, 1]");
        }
        return x;
    }
}
