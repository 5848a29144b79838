package org.ratelab.checks;

import static org.apache.spark.sql.functions.col;

import java.util.List;
import org.ratelab.api.Doc;
import org.ratelab.spec.Node;

/**
 * {@code fraction: {status}}: the fraction of the selected runs that ended with that status; or
 * {@code fraction: {metric, below|above|at_most|at_least: x, times}}: the fraction of the selected runs whose
 * per-run number ({@link RunValues}) satisfies the comparison (runs without the number count as not
 * satisfying it). Each with its Wilson interval.
 */
public record FractionCheck(
        @Doc("the status counted (without metric)") String status,
        @Doc("the per-run number compared (instead of status)") MetricRef metric,
        @Doc("below, above, at_most or at_least") String compare,
        @Doc("the number compared with") double threshold,
        @Doc("a factor: a numeric runs column or configuration path (optimizer.lr)") String times)
        implements CheckKind.Observation {

    public static final String NAME = "fraction";
    public static final List<String> COMPARISONS = List.of("below", "above", "at_most", "at_least");
    public static final List<String> STATUSES = org.ratelab.table.Statuses.ALL;

    static FractionCheck parse(Node t) {
        if (t.describing()) {
            t.optional("status");
            t.choice("status", null, STATUSES);
            t.optional("metric");
            CheckSpec.metricText(t, "metric");
            t.declare("metric", "metric name: " + MetricRef.FORMS, "none");
            for (String k : COMPARISONS) {
                t.optional(k);
                CheckSpec.finite(t, k);
            }
            t.optional("times");
            t.str("times", null);
            return new FractionCheck("converged", null, null, Double.NaN, null);
        }
        if (!t.has("metric")) return new FractionCheck(t.choice("status", null, STATUSES), null, null, Double.NaN, null);
        String text = CheckSpec.metricText(t, "metric");
        MetricRef metric = CheckSpec.perRunMetric(t, text);
        String cmp = null;
        for (String k : COMPARISONS) {
            if (!t.has(k)) continue;
            if (cmp != null) throw t.error(k, "give one of " + String.join(", ", COMPARISONS));
            cmp = k;
        }
        if (cmp == null) {
            throw t.error(null, "a fraction over a metric needs one of " + String.join(", ", COMPARISONS));
        }
        double threshold = CheckSpec.finite(t, cmp);
        String times = t.has("times") ? t.str("times", null) : null;
        return new FractionCheck(null, metric, cmp, threshold, times);
    }

    @Override
    public void validate(PlanContext ctx) {
        if (metric != null) Checks.validatePerRun(ctx, metric, times);
    }

    @Override
    public List<Observed> observe(Selection s) {
        long n = s.n();
        if (metric != null) {
            double[] v = Checks.values(RunValues.of(metric, times, s.runs(), s.rates(), s.curves()));
            long k = java.util.Arrays.stream(v).filter(x -> satisfies(x, compare, threshold)).count();
            double p = n == 0 ? Double.NaN : (double) k / n;
            double[] ci = Checks.wilson(k, n);
            return List.of(Observed.of(p, ci[0], ci[1], n, k + " of " + s.scope() + " have " + metric.print()
                    + (times == null ? "" : " × " + times) + " " + compare.replace('_', ' ') + " "
                    + Checks.fmt(threshold) + " (" + v.length + " measured"
                    + (v.length == 0 ? "" : ", range " + Checks.range(v)) + ")"));
        }
        long k = s.runs().where(col("status").equalTo(status)).count();
        double p = n == 0 ? Double.NaN : (double) k / n;
        double[] ci = Checks.wilson(k, n);
        return List.of(Observed.of(p, ci[0], ci[1], n, k + " of " + s.scope() + " " + status));
    }

    static boolean satisfies(double x, String cmp, double t) {
        return switch (cmp) {
            case "below" -> x < t;
            case "above" -> x > t;
            case "at_most" -> x <= t;
            default -> x >= t;
        };
    }

    /** The fraction kind. */
    public static final class Provider implements CheckKind {
        @Override public String name() { return NAME; }
        @Override public String doc() { return "The fraction of the selected runs with a status, or whose per-run number is below, above, at most or at least a threshold, with its Wilson interval"; }
        @Override public Class<? extends Record> config() { return FractionCheck.class; }
        @Override public CheckKind.Observation parse(Node n) { return FractionCheck.parse(n); }
        @Override public boolean fraction() { return true; }
    }
}
