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
 * <p>Observed quantity, one of:
 * <ul>
 *   <li>{@code law: {metric, axis}}: the exponent of a scaling law over the selected runs (one row per group
 *       of the other axes), with its bootstrap interval over seeds;</li>
 *   <li>{@code rate: {metric, kind, eps}}: the median over the selected runs of a per-run rate, with its
 *       bootstrap interval;</li>
 *   <li>{@code value: {metric, stat, times}}: a statistic over the selected runs ({@code median}, the default,
 *       with its bootstrap interval; {@code min}, {@code max} or {@code mean}) of a per-run number named as in
 *       {@link RunValues}: a runs column ({@code L_hat}), a curve statistic ({@code hess_min_eig.min},
 *       {@code sharpness.final}, {@code loj_condition.first}) or a rate ({@code loss.linear}), optionally
 *       multiplied by another per-run number ({@code times: optimizer.lr} gives η·λ);</li>
 *   <li>{@code fraction: {status}}: the fraction of the selected runs that ended with that status; or
 *       {@code fraction: {metric, below|above|at_most|at_least: x, times}}: the fraction of the selected runs
 *       whose per-run number satisfies the comparison (runs without the number count as not satisfying
 *       it);</li>
 *   <li>{@code bound: {kind}}: the fraction of the selected runs where a theory bound of the bounds table
 *       holds ({@code pl_rate}, {@code robbins_monro}, {@code an_lu_rate});</li>
 *   <li>{@code compare: {left, right}}: the difference left − right of two law exponents, rate medians or
 *       values, each side a mapping with its own {@code law}, {@code rate} or {@code value} and
 *       {@code where}.</li>
 * </ul>
 * {@code where:} selects runs by dotted paths of their resolved configuration (e.g. {@code model.width},
 * {@code optimizer.schedule.q}), or {@code status}; a value or a list of allowed values.
 * {@code expect:} {@code {min, max}}, {@code {value, tolerance}}, {@code {at_most}} (observed ≤ an upper
 * bound; the detail shows how loose it is), or {@code {at_least}}.
 */
public record CheckSpec(String name, String description, String observe, Map<String, Object> target,
                        Map<String, Object> where, CheckSpec left, CheckSpec right, Expect expect)
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

    static final List<String> OBSERVE = List.of("law", "rate", "value", "fraction", "bound", "compare");
    public static final List<String> STATS = List.of("median", "min", "max", "mean");
    public static final List<String> COMPARISONS = List.of("below", "above", "at_most", "at_least");
    public static final List<String> BOUND_KINDS = List.of("pl_rate", "robbins_monro", "an_lu_rate");
    public static final List<String> RATE_KINDS = List.of("linear", "power", "steps_to_eps", "oracle_calls_to_eps",
            "noise_floor");

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

    static CheckSpec parse(Node n, boolean top) {
        String name = top ? n.str("name", null) : n.path();
        String description = top ? n.str("description", "") : "";
        String observe = null;
        for (String o : OBSERVE) {
            if (n.has(o)) {
                if (observe != null) {
                    throw n.error(o, "give one of " + String.join(", ", OBSERVE) + "; got " + observe + " too");
                }
                observe = o;
            }
        }
        if (observe == null || (!top && !(observe.equals("law") || observe.equals("rate") || observe.equals("value")))) {
            throw n.error(null, top ? "a check needs one of law, rate, value, fraction, bound or compare"
                    : "each side of a compare needs law, rate or value");
        }
        Map<String, Object> target = new LinkedHashMap<>();
        CheckSpec left = null;
        CheckSpec right = null;
        if (observe.equals("compare")) {
            Node c = n.child("compare");
            left = parse(c.child("left"), false);
            right = parse(c.child("right"), false);
            c.done();
        } else {
            Node t = n.child(observe);
            switch (observe) {
                case "law" -> {
                    target.put("metric", t.str("metric", null));
                    target.put("axis", t.str("axis", "model.width"));
                }
                case "rate" -> {
                    target.put("metric", t.str("metric", "loss"));
                    target.put("kind", t.choice("kind", null, RATE_KINDS));
                    if (t.has("eps")) target.put("eps", t.positive("eps", Double.NaN));
                }
                case "value" -> {
                    target.put("metric", metric(t));
                    target.put("stat", t.choice("stat", "median", STATS));
                    if (t.has("times")) target.put("times", t.str("times", null));
                }
                case "bound" -> target.put("kind", t.choice("kind", null, BOUND_KINDS));
                default -> {
                    if (t.has("metric")) {
                        target.put("metric", metric(t));
                        String cmp = null;
                        for (String k : COMPARISONS) {
                            if (!t.has(k)) continue;
                            if (cmp != null) throw t.error(k, "give one of " + String.join(", ", COMPARISONS));
                            cmp = k;
                        }
                        if (cmp == null) {
                            throw t.error(null, "a fraction over a metric needs one of " + String.join(", ", COMPARISONS));
                        }
                        target.put("compare", cmp);
                        target.put("threshold", finite(t, cmp));
                        if (t.has("times")) target.put("times", t.str("times", null));
                    } else {
                        target.put("status", t.choice("status", null,
                                List.of("converged", "max_steps", "diverged", "failed")));
                    }
                }
            }
            t.done();
        }
        Map<String, Object> where = new LinkedHashMap<>();
        Node w = n.child("where");
        for (String k : w.keys()) {
            Object v = w.raw(k);
            if (v instanceof Map<?, ?> || v == null) throw w.error(k, "expected a value or a list of values");
            where.put(k, v);
        }
        Expect expect = top ? expect(n.child("expect"), observe) : null;
        n.done();
        return new CheckSpec(name, description, observe, target, where, left, right, expect);
    }

    private static String metric(Node t) {
        String m = t.str("metric", null);
        String problem = RunValues.problem(m);
        if (problem != null) throw t.error("metric", problem);
        return m;
    }

    /** A required finite number (a threshold or a prediction: NaN or an infinity would decide nothing). */
    private static double finite(Node n, String key) {
        double v = n.dbl(key, Double.NaN);
        n.checkRange(key, v, -Double.MAX_VALUE, Double.MAX_VALUE, false);
        return v;
    }

    static Expect expect(Node e, String observe) {
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
        if ((observe.equals("fraction") || observe.equals("bound")) && (x.min() > 1 || x.max() < 0)) {
            throw e.error(null, "a fraction lies in [0, 1]");
        }
        return x;
    }
}
