package org.ratelab.checks;

import java.io.Serializable;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A metric name as checks write it, typed: one {@link #parse parser} and one {@link #print printer} for every
 * form, so that no check builds or takes apart a name with string operations of its own.
 *
 * <ul>
 *   <li>{@link Column}: a column of the runs table, {@code final_loss}, {@code L_hat}, {@code rel_change};</li>
 *   <li>{@link CurveStat}: a curves metric over the trajectory, {@code X.max}, {@code X.min}, {@code X.first},
 *       {@code X.final} ({@code hess_min_eig.min}, {@code sharpness.final});</li>
 *   <li>{@link AtStep}: a curves metric at the last recorded step ≤ k, {@code X.at_step@k}
 *       ({@code rel_change.at_step@1000});</li>
 *   <li>{@link Rate}: a per-run rate of the rates table, {@code metric.kind} or {@code metric.kind@eps}
 *       ({@code loss.linear}, {@code loss.steps_to_eps@1.0E-8}), and {@code metric.linear_gap} = 1 − ρ̂.</li>
 * </ul>
 * The printer writes eps as {@link Double#toString(double)}, as the laws table names its metrics, so
 * {@code loss.steps_to_eps@1e-8} prints as {@code loss.steps_to_eps@1.0E-8}; {@code parse(print(x))} equals x
 * for every x. Which names exist (a curves metric, a rate kind, an eps of {@code fits.eps}) is for the check
 * that uses the name to decide: the parser only knows the forms.
 */
public sealed interface MetricRef extends Serializable
        permits MetricRef.Column, MetricRef.CurveStat, MetricRef.AtStep, MetricRef.Rate {

    /** The forms, as error messages list them. */
    String FORMS = "a runs column, X.max|min|first|final, X.at_step@k or metric.kind[@eps]";

    /** The curve statistics of {@link CurveStat}. */
    List<String> CURVE_STATS = List.of("max", "min", "first", "final");

    /** The name as written in a spec and as the laws table holds it. */
    String print();

    /** A column of the runs table. */
    record Column(String name) implements MetricRef {
        @Override public String print() { return name; }
        @Override public String toString() { return print(); }
    }

    /** {@code metric.stat}: stat one of {@link #CURVE_STATS} over a run's recorded curve points. */
    record CurveStat(String metric, String stat) implements MetricRef {
        @Override public String print() { return metric + "." + stat; }
        @Override public String toString() { return print(); }
    }

    /** {@code metric.at_step@step}: the curves metric at the last recorded step ≤ step. */
    record AtStep(String metric, long step) implements MetricRef {
        @Override public String print() { return metric + ".at_step@" + step; }
        @Override public String toString() { return print(); }
    }

    /** {@code metric.kind[@eps]}: a rate of the rates table ({@code linear_gap}: 1 − the linear rate); eps or null. */
    record Rate(String metric, String kind, Double eps) implements MetricRef {
        @Override public String print() { return metric + "." + kind + (eps == null ? "" : "@" + eps); }
        @Override public String toString() { return print(); }

        /** The kind of the rates table's row this rate reads ({@code linear} for {@code linear_gap}). */
        public String tableKind() { return kind.equals("linear_gap") ? "linear" : kind; }
    }

    Pattern WORD = Pattern.compile("\\w+");
    Pattern DOTTED = Pattern.compile("(\\w+)\\.(\\w+)(?:@(.*))?");

    /**
     * The name's form, or an {@link IllegalArgumentException} whose one-line message says what is wrong and
     * lists the forms.
     */
    static MetricRef parse(String text) {
        if (text == null || text.isEmpty()) throw new IllegalArgumentException("a metric is required: " + FORMS);
        if (WORD.matcher(text).matches()) return new Column(text);
        Matcher m = DOTTED.matcher(text);
        if (!m.matches()) throw new IllegalArgumentException("expected " + FORMS + ", got '" + text + "'");
        String metric = m.group(1);
        String kind = m.group(2);
        String arg = m.group(3);
        if (kind.equals("at_step")) {
            if (arg == null || !arg.matches("\\d{1,18}")) {
                throw new IllegalArgumentException("'" + text + "': X.at_step@k needs a step k (a whole number); "
                        + "expected " + FORMS);
            }
            return new AtStep(metric, Long.parseLong(arg));
        }
        if (CURVE_STATS.contains(kind)) {
            if (arg != null) {
                throw new IllegalArgumentException("'" + text + "': X." + kind + " takes no @; expected " + FORMS);
            }
            return new CurveStat(metric, kind);
        }
        Double eps = null;
        if (arg != null) {
            try {
                eps = Double.parseDouble(arg);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + arg + "' after @ is not a number; expected " + FORMS);
            }
        }
        return new Rate(metric, kind, eps);
    }
}
