package org.ratelab.checks;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.ratelab.fits.Bootstrap;
import org.ratelab.fits.FitSpec;
import org.ratelab.fits.Rates;
import org.ratelab.grid.Plan;
import org.ratelab.laws.ScalingLaws;
import org.ratelab.spec.SpecException;
import org.ratelab.table.Schemas;

/**
 * Evaluates declared checks over the runs and rates tables and yields the checks table: one row per check
 * (one per group for a law over several groups). Selection and aggregation run in Spark; only the observed
 * numbers of the selected runs reach the driver.
 */
public final class Checks {
    private Checks() {}

    /** The {@code checks/} table: {@link Schemas#CHECKS}. */
    public static final StructType SCHEMA = Schemas.CHECKS;

    /** An observed number with its interval and what it was computed from. */
    record Obs(String label, double value, double lo, double hi, long runs, String detail) {
    }

    /** Rejects checks that name configuration keys or axes the runs do not have (at plan time). */
    @SuppressWarnings("unchecked")
    public static void validate(List<CheckSpec> checks, Plan plan, FitSpec fit) {
        if (checks.isEmpty() || plan.runs().isEmpty()) return;
        Map<String, Object> config;
        try {
            config = new ObjectMapper().readValue(plan.runs().get(0).configJson(), Map.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        for (int i = 0; i < checks.size(); i++) validate(checks.get(i), "checks[" + i + "]", config, plan, fit);
    }

    @SuppressWarnings("unchecked")
    private static void validate(CheckSpec c, String p, Map<String, Object> config, Plan plan, FitSpec fit) {
        for (String k : c.where().keySet()) {
            if (k.equals("status")) continue;
            Object cur = setting(config, k);
            if (cur == null || cur instanceof Map<?, ?>) {
                throw new SpecException(plan.spec().file(), p + ".where." + k,
                        "no such setting in the runs' configuration (see runs.config_json)");
            }
        }
        if (c.observe().equals("law") && !plan.axisNames().contains((String) c.target().get("axis"))) {
            throw new SpecException(plan.spec().file(), p + ".law.axis", "'" + c.target().get("axis")
                    + "' is not an axis of this grid; axes: " + String.join(", ", plan.axisNames()));
        }
        String metric = (String) c.target().get("metric");
        boolean perRun = c.observe().equals("value") || c.observe().equals("fraction");
        if (perRun && metric != null && metric.matches("\\w+") && !RUN_COLUMNS.contains(metric)) {
            throw new SpecException(plan.spec().file(), p + "." + c.observe() + ".metric", "'" + metric
                    + "' is not a column of the runs table; name a curve statistic as X.max, X.min, X.first, "
                    + "X.final or X.at_step@k, or a rate as metric.kind");
        }
        String times = (String) c.target().get("times");
        if (times != null) {
            boolean column = !times.contains(".") && RUN_COLUMNS.contains(times);
            if (!column && !(setting(config, times) instanceof Number)) {
                throw new SpecException(plan.spec().file(), p + "." + c.observe() + ".times", "'" + times
                        + "' is neither a numeric runs column nor a numeric setting of the runs' configuration");
            }
        }
        String file = plan.spec().file();
        if (c.observe().equals("law") && !lawMetrics(fit).contains(metric)) {
            throw new SpecException(file, p + ".law.metric", "'" + metric + "' is not a law metric; law metrics: "
                    + String.join(", ", ScalingLaws.RUN_METRICS) + ", a rate " + rateNames(fit) + ", X.max or X.min "
                    + "of a curves metric X" + (fit.atSteps().length == 0 ? "" : ", X.at_step@k for k in fits.at_steps"));
        }
        if (c.observe().equals("rate")) {
            String kind = (String) c.target().get("kind");
            String problem = rateProblem(metric, kind, (Double) c.target().get("eps"), fit);
            if (problem != null) throw new SpecException(file, p + ".rate", problem);
        }
        if (perRun && metric != null && !metric.matches("\\w+")) {
            java.util.regex.Matcher m = RATE_METRIC.matcher(metric);
            boolean curve = metric.matches("\\w+\\.(max|min|first|final|at_step@\\d+)");
            if (!curve && m.matches()) {
                String kind = m.group(2).equals("linear_gap") ? "linear" : m.group(2);
                Double eps = m.group(3) == null ? null : Double.parseDouble(m.group(3));
                String problem = rateProblem(m.group(1), kind, eps, fit);
                if (problem != null) throw new SpecException(file, p + "." + c.observe() + ".metric", problem);
            }
        }
        if (c.left() != null) validate(c.left(), p + ".compare.left", config, plan, fit);
        if (c.right() != null) validate(c.right(), p + ".compare.right", config, plan, fit);
    }

    private static final java.util.regex.Pattern RATE_METRIC =
            java.util.regex.Pattern.compile("(\\w+)\\.(\\w+)(?:@(.+))?");

    /** Why the rates table has no rate {@code metric}/{@code kind} at {@code eps} (null: any), or null when it has. */
    static String rateProblem(String metric, String kind, Double eps, FitSpec fit) {
        List<String> kinds = Rates.KINDS.get(metric);
        if (kinds == null) {
            return "'" + metric + "' has no rates; rates: " + rateNames(fit);
        }
        if (!kinds.contains(kind)) {
            return "the rates of '" + metric + "' are " + String.join(", ", kinds) + ", not '" + kind + "'";
        }
        if (eps != null && !Rates.EPS_KINDS.contains(kind)) {
            return "eps applies to " + String.join(" and ", Rates.EPS_KINDS) + ", not to '" + kind + "'";
        }
        if (eps != null && !hasEps(fit, eps)) {
            return "eps " + eps + " is not one of fits.eps (" + epsList(fit) + "), so no run has that rate";
        }
        return null;
    }

    private static boolean hasEps(FitSpec fit, double eps) {
        for (double e : fit.eps()) if (Math.abs(e - eps) <= 1e-12 * eps) return true;
        return false;
    }

    private static String epsList(FitSpec fit) {
        List<String> out = new ArrayList<>();
        for (double e : fit.eps()) out.add(String.valueOf(e));
        return String.join(", ", out);
    }

    /** loss.linear, grad_norm_sq.power, ... as they name rates (value and fraction metrics, law metrics). */
    private static String rateNames(FitSpec fit) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : new java.util.TreeMap<>(Rates.KINDS).entrySet()) {
            for (String k : e.getValue()) out.add(e.getKey() + "." + k + (Rates.EPS_KINDS.contains(k) ? "@eps" : ""));
        }
        out.add("loss.linear_gap");
        return "(" + String.join(", ", out) + "; eps one of fits.eps: " + epsList(fit) + ")";
    }

    /** Every metric name the laws table can hold for this fits section ({@link ScalingLaws}). */
    static java.util.Set<String> lawMetrics(FitSpec fit) {
        java.util.Set<String> out = new java.util.HashSet<>(ScalingLaws.RUN_METRICS);
        for (Map.Entry<String, List<String>> e : Rates.KINDS.entrySet()) {
            for (String k : e.getValue()) {
                if (Rates.EPS_KINDS.contains(k)) {
                    for (double eps : fit.eps()) out.add(ScalingLaws.rateMetric(e.getKey(), k, eps));
                } else {
                    out.add(ScalingLaws.rateMetric(e.getKey(), k, null));
                }
                if (k.equals("linear")) out.add(e.getKey() + ".linear_gap");
            }
        }
        for (String m : org.ratelab.probes.Metrics.NAMES) {
            out.add(m + ".max");
            out.add(m + ".min");
            for (double k : fit.atSteps()) out.add(m + ".at_step@" + (long) k);
        }
        return out;
    }

    private static final List<String> RUN_COLUMNS =
            java.util.Arrays.asList(org.ratelab.table.Schemas.RUNS.fieldNames());

    /** The value at a dotted path of a run's configuration map, or null. */
    @SuppressWarnings("unchecked")
    private static Object setting(Map<String, Object> config, String path) {
        Object cur = config;
        for (String part : path.split("\\.")) cur = cur instanceof Map<?, ?> m ? ((Map<String, Object>) m).get(part) : null;
        return cur;
    }

    /**
     * The checks table. {@code curves} lets law checks use curve maxima and values at fits.at_steps;
     * {@code bounds} lets bound checks count the runs where a theory bound holds; {@code links} are the
     * grid's zip links (axes zipped with a law's axis are not held fixed). Any of the three may be null.
     */
    public static Dataset<Row> compute(SparkSession spark, String experiment, List<CheckSpec> checks,
                                       Dataset<Row> runs, Dataset<Row> rates, Dataset<Row> curves,
                                       Dataset<Row> bounds, FitSpec fit, Map<String, java.util.Set<String>> links) {
        if (links == null) links = Map.of();
        List<Row> rows = new ArrayList<>();
        for (CheckSpec c : checks) {
            if (c.observe().equals("compare")) {
                List<Obs> l = observe(c.left(), runs, rates, curves, bounds, fit, links);
                List<Obs> r = observe(c.right(), runs, rates, curves, bounds, fit, links);
                Obs a = l.get(0);
                Obs b = r.get(0);
                double diff = a.value() - b.value();
                String detail = "left " + fmt(a.value()) + " (" + a.detail() + ") minus right " + fmt(b.value())
                        + " (" + b.detail() + ")" + (l.size() > 1 || r.size() > 1 ? "; first group of several" : "");
                rows.add(row(experiment, c.name(), c, diff, a.lo() - b.hi(), a.hi() - b.lo(), a.runs() + b.runs(),
                        detail));
                continue;
            }
            List<Obs> obs = observe(c, runs, rates, curves, bounds, fit, links);
            for (Obs o : obs) {
                String name = obs.size() > 1 ? c.name() + " [" + o.label() + "]" : c.name();
                rows.add(row(experiment, name, c, o.value(), o.lo(), o.hi(), o.runs(), o.detail()));
            }
        }
        return spark.createDataFrame(rows, SCHEMA);
    }

    private static Row row(String experiment, String name, CheckSpec c, double observed, double lo, double hi,
                           long runs, String detail) {
        CheckSpec.Expect e = c.expect();
        boolean passed = e.holds(observed);
        String slack = "";
        if (e.form().equals("at_most") && !Double.isNaN(observed)) {
            slack = "; bound exceeds observed by " + fmt(e.max() - observed);
        }
        return RowFactory.create(experiment, name, e.predicted(), nan(observed), nan(lo), nan(hi), passed,
                detail + slack, e.text(), runs, c.description());
    }

    static List<Obs> observe(CheckSpec c, Dataset<Row> runs, Dataset<Row> rates, Dataset<Row> curves,
                             Dataset<Row> bounds, FitSpec fit, Map<String, java.util.Set<String>> links) {
        Dataset<Row> sel = runs.where(where(c.where()));
        long n = sel.count();
        String scope = describe(c.where()) + n + " runs";
        switch (c.observe()) {
            case "value" -> {
                String metric = (String) c.target().get("metric");
                String times = (String) c.target().get("times");
                String stat = (String) c.target().get("stat");
                double[] v = values(RunValues.of(metric, times, sel, rates, curves));
                String what = metric + (times == null ? "" : " × " + times);
                double x;
                double[] ci;
                switch (stat) {
                    case "median" -> {
                        x = Bootstrap.median(v);
                        ci = Bootstrap.medianInterval(v, fit.bootstrap(), fit.level(), Bootstrap.seedOf(c.name()));
                    }
                    case "mean" -> {
                        x = java.util.Arrays.stream(v).average().orElse(Double.NaN);
                        ci = meanInterval(v);
                    }
                    default -> {
                        x = v.length == 0 ? Double.NaN : stat.equals("min") ? v[0] : v[v.length - 1];
                        ci = new double[] {x, x};
                    }
                }
                return List.of(new Obs("", x, ci[0], ci[1], n, stat + " of " + what + " over " + v.length + " of "
                        + scope + (v.length == 0 ? "" : " (range " + range(v) + ")")));
            }
            case "fraction" -> {
                if (c.target().containsKey("metric")) {
                    String metric = (String) c.target().get("metric");
                    String times = (String) c.target().get("times");
                    String cmp = (String) c.target().get("compare");
                    double t = (Double) c.target().get("threshold");
                    double[] v = values(RunValues.of(metric, times, sel, rates, curves));
                    long k = java.util.Arrays.stream(v).filter(x -> satisfies(x, cmp, t)).count();
                    double p = n == 0 ? Double.NaN : (double) k / n;
                    double[] ci = wilson(k, n);
                    return List.of(new Obs("", p, ci[0], ci[1], n, k + " of " + scope + " have " + metric
                            + (times == null ? "" : " × " + times) + " " + cmp.replace('_', ' ') + " " + fmt(t)
                            + " (" + v.length + " measured" + (v.length == 0 ? "" : ", range " + range(v)) + ")"));
                }
                String status = (String) c.target().get("status");
                long k = sel.where(col("status").equalTo(status)).count();
                double p = n == 0 ? Double.NaN : (double) k / n;
                double[] ci = wilson(k, n);
                return List.of(new Obs("", p, ci[0], ci[1], n, k + " of " + scope + " " + status));
            }
            case "bound" -> {
                String kind = (String) c.target().get("kind");
                if (bounds == null) {
                    return List.of(new Obs("", Double.NaN, Double.NaN, Double.NaN, n, "no bounds table"));
                }
                List<Row> b = bounds.where(col("bound").equalTo(kind)).join(sel.select("run_id"), "run_id")
                        .select("holds", "slack").collectAsList();
                long applies = b.stream().filter(x -> !x.isNullAt(0)).count();
                long holds = b.stream().filter(x -> !x.isNullAt(0) && x.getBoolean(0)).count();
                double[] slack = b.stream().filter(x -> !x.isNullAt(1)).mapToDouble(x -> x.getDouble(1)).toArray();
                double p = applies == 0 ? Double.NaN : (double) holds / applies;
                double[] ci = wilson(holds, applies);
                return List.of(new Obs("", p, ci[0], ci[1], applies, kind + " holds in " + holds + " of " + applies
                        + " runs where it applies (" + scope + "); median slack " + fmt(Bootstrap.median(slack))));
            }
            case "rate" -> {
                Dataset<Row> r = rateRows(c, rates, sel);
                List<Double> vals = new ArrayList<>();
                for (Row row : r.select("value").collectAsList()) {
                    if (!row.isNullAt(0) && Double.isFinite(row.getDouble(0))) vals.add(row.getDouble(0));
                }
                double[] v = vals.stream().mapToDouble(Double::doubleValue).toArray();
                double[] ci = Bootstrap.medianInterval(v, fit.bootstrap(), fit.level(), Bootstrap.seedOf(c.name()));
                String what = c.target().get("metric") + "/" + c.target().get("kind")
                        + (c.target().containsKey("eps") ? " at eps " + c.target().get("eps") : "");
                return List.of(new Obs("", Bootstrap.median(v), ci[0], ci[1], n, "median " + what + " over "
                        + v.length + " of " + scope));
            }
            default -> {
                String metric = (String) c.target().get("metric");
                String axis = (String) c.target().get("axis");
                Dataset<Row> selRates = rates.join(sel.select("run_id"), "run_id");
                Dataset<Row> selCurves = curves == null ? null : curves.join(sel.select("run_id"), "run_id");
                List<Row> laws = ScalingLaws.compute(sel, selRates, selCurves, fit, links)
                        .where(col("metric").equalTo(metric).and(col("axis").equalTo(axis)))
                        .orderBy("group_key").collectAsList();
                if (laws.isEmpty()) {
                    return List.of(new Obs("", Double.NaN, Double.NaN, Double.NaN, n, "no law of " + metric
                            + " against " + axis + " among " + scope + " (needs two positive values at two "
                            + "values of the axis)"));
                }
                List<Obs> out = new ArrayList<>();
                for (Row l : laws) {
                    String g = l.getString(l.fieldIndex("group_key"));
                    out.add(new Obs(g, l.getDouble(l.fieldIndex("exponent")), val(l, "exponent_ci_low"),
                            val(l, "exponent_ci_high"), l.getLong(l.fieldIndex("n_points")),
                            "exponent of " + metric + " against " + axis + (g.isEmpty() ? "" : " for " + g)
                                    + ", r2 " + fmt(val(l, "r2")) + ", " + l.getInt(l.fieldIndex("n_seeds"))
                                    + " seeds, " + l.getInt(l.fieldIndex("n_values")) + " values"));
                }
                return out;
            }
        }
    }

    /** "min .. max" of a sorted, non-empty array. */
    private static String range(double[] sorted) {
        return fmt(sorted[0]) + " .. " + fmt(sorted[sorted.length - 1]);
    }

    /** The per-run numbers, NaN dropped, in increasing order. */
    private static double[] values(Dataset<Row> v) {
        return v.select("value").collectAsList().stream().filter(r -> !r.isNullAt(0))
                .mapToDouble(r -> r.getDouble(0)).filter(x -> !Double.isNaN(x)).sorted().toArray();
    }

    static boolean satisfies(double x, String cmp, double t) {
        return switch (cmp) {
            case "below" -> x < t;
            case "above" -> x > t;
            case "at_most" -> x <= t;
            default -> x >= t;
        };
    }

    /** Normal-approximation 95% interval of a mean (NaN for fewer than two values). */
    static double[] meanInterval(double[] v) {
        if (v.length < 2) return new double[] {Double.NaN, Double.NaN};
        double m = java.util.Arrays.stream(v).average().getAsDouble();
        double ss = 0;
        for (double x : v) ss += (x - m) * (x - m);
        double half = 1.959963984540054 * Math.sqrt(ss / (v.length - 1) / v.length);
        return new double[] {m - half, m + half};
    }

    static Dataset<Row> rateRows(CheckSpec c, Dataset<Row> rates, Dataset<Row> sel) {
        Column cond = col("metric").equalTo(c.target().get("metric")).and(col("kind").equalTo(c.target().get("kind")));
        if (c.target().containsKey("eps")) {
            double eps = (Double) c.target().get("eps");
            cond = cond.and(functions.abs(col("eps").minus(eps)).leq(1e-12 * eps));
        }
        return rates.where(cond).join(sel.select("run_id"), "run_id");
    }

    /** A run filter from a {@code where:} mapping over config paths and status. */
    static Column where(Map<String, Object> where) {
        Column all = lit(true);
        for (Map.Entry<String, Object> e : where.entrySet()) {
            Column field = e.getKey().equals("status") ? col("status")
                    : functions.get_json_object(col("config_json"), "$." + e.getKey());
            List<?> vals = e.getValue() instanceof List<?> l ? l : List.of(e.getValue());
            Column any = lit(false);
            for (Object v : vals) {
                any = any.or(v instanceof Number num ? field.cast("double").equalTo(num.doubleValue())
                        : field.equalTo(String.valueOf(v)));
            }
            all = all.and(any);
        }
        return all;
    }

    private static String describe(Map<String, Object> where) {
        if (where.isEmpty()) return "";
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Object> e : where.entrySet()) {
            b.append(e.getKey()).append('=').append(e.getValue()).append(' ');
        }
        return b.append(": ").toString();
    }

    /** Wilson score interval (95%) for k successes in n trials. */
    static double[] wilson(long k, long n) {
        if (n == 0) return new double[] {Double.NaN, Double.NaN};
        double z = 1.959963984540054;
        double p = (double) k / n;
        double den = 1 + z * z / n;
        double mid = (p + z * z / (2.0 * n)) / den;
        double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / den;
        return new double[] {Math.max(0, mid - half), Math.min(1, mid + half)};
    }

    private static double val(Row r, String f) {
        int i = r.fieldIndex(f);
        return r.isNullAt(i) ? Double.NaN : ((Number) r.get(i)).doubleValue();
    }

    private static Double nan(double d) {
        return Double.isNaN(d) ? null : d;
    }

    static String fmt(double d) {
        return Double.isNaN(d) ? "n/a" : String.format("%.4g", d);
    }
}
