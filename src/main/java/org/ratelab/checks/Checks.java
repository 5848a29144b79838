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
import org.apache.spark.sql.types.StructType;
import org.ratelab.fits.FitSpec;
import org.ratelab.fits.Rates;
import org.ratelab.grid.Plan;
import org.ratelab.laws.ScalingLaws;
import org.ratelab.spec.SpecException;
import org.ratelab.table.Schemas;

/**
 * Evaluates declared checks over the runs and rates tables and yields the checks table: one row per check
 * (one per group for a law over several groups). Each check's kind ({@link CheckKind}) validates its section
 * at plan time and observes its number over the check's {@link Selection}; this class selects, turns the
 * observed numbers into verdict rows, and holds the helpers the kinds share (intervals, formatting, rate
 * names). Selection and aggregation run in Spark; only the observed numbers of the selected runs reach the
 * driver.
 */
public final class Checks {
    private Checks() {}

    /** The {@code checks/} table: {@link Schemas#CHECKS}. */
    public static final StructType SCHEMA = Schemas.CHECKS;

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

    /** A check's {@code where} keys, then its kind's own validation, at {@code p} ({@code checks[2]}). */
    static void validate(CheckSpec c, String p, Map<String, Object> config, Plan plan, FitSpec fit) {
        for (String k : c.where().keySet()) {
            if (k.equals("status")) continue;
            Object cur = setting(config, k);
            if (cur == null) cur = settingOfAnyRun(plan, k);
            if (cur == null || cur instanceof Map<?, ?>) {
                throw new SpecException(plan.spec().file(), p + ".where." + k,
                        "no such setting in the runs' configuration (see runs.config_json)");
            }
        }
        c.target().validate(new PlanContext(p + "." + c.kind(), config, plan, fit));
    }

    /**
     * The value at a dotted path of the first run's configuration that has it, or null: a key only some runs
     * have (the {@code optimizer.base} section of sam's runs) selects those. Read only when the first run
     * lacks the key.
     */
    @SuppressWarnings("unchecked")
    static Object settingOfAnyRun(Plan plan, String dotted) {
        ObjectMapper json = new ObjectMapper();
        for (org.ratelab.train.RunConfig r : plan.runs()) {
            try {
                Object v = setting(json.readValue(r.configJson(), Map.class), dotted);
                if (v != null) return v;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return null;
    }

    /**
     * The plan-time checks of a per-run number ({@code value} and {@code fraction} checks): a runs column the
     * table has, a {@code times} factor that is a numeric column or setting, a rate the rates table holds.
     */
    static void validatePerRun(PlanContext ctx, MetricRef metric, String times) {
        if (metric instanceof MetricRef.Column c && !RUN_COLUMNS.contains(c.name())) {
            throw ctx.error("metric", "'" + c.name() + "' is not a column of the runs table; name a curve statistic "
                    + "as X.max, X.min, X.first, X.final or X.at_step@k, or a rate as metric.kind");
        }
        if (times != null) {
            boolean column = !times.contains(".") && RUN_COLUMNS.contains(times);
            if (!column && !(ctx.setting(times) instanceof Number)) {
                throw ctx.error("times", "'" + times
                        + "' is neither a numeric runs column nor a numeric setting of the runs' configuration");
            }
        }
        if (metric instanceof MetricRef.Rate r) {
            String problem = rateProblem(r.metric(), r.tableKind(), r.eps(), ctx.fit());
            if (problem != null) throw ctx.error("metric", problem);
        }
    }

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
    static String rateNames(FitSpec fit) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : new java.util.TreeMap<>(Rates.KINDS).entrySet()) {
            for (String k : e.getValue()) out.add(e.getKey() + "." + k + (Rates.EPS_KINDS.contains(k) ? "@eps" : ""));
        }
        out.add("loss.linear_gap");
        return "(" + String.join(", ", out) + "; eps one of fits.eps: " + epsList(fit) + ")";
    }

    /** Every metric the laws table can hold for this fits section ({@link ScalingLaws}), typed. */
    static java.util.Set<MetricRef> lawMetrics(FitSpec fit) {
        java.util.Set<MetricRef> out = new java.util.HashSet<>();
        for (String m : ScalingLaws.RUN_METRICS) out.add(new MetricRef.Column(m));
        for (Map.Entry<String, List<String>> e : Rates.KINDS.entrySet()) {
            for (String k : e.getValue()) {
                if (Rates.EPS_KINDS.contains(k)) {
                    for (double eps : fit.eps()) out.add(new MetricRef.Rate(e.getKey(), k, eps));
                } else {
                    out.add(new MetricRef.Rate(e.getKey(), k, null));
                }
                if (k.equals("linear")) out.add(new MetricRef.Rate(e.getKey(), "linear_gap", null));
            }
        }
        for (String m : org.ratelab.probes.Metrics.NAMES) {
            out.add(new MetricRef.CurveStat(m, "max"));
            out.add(new MetricRef.CurveStat(m, "min"));
            for (double k : fit.atSteps()) out.add(new MetricRef.AtStep(m, (long) k));
        }
        return out;
    }

    private static final List<String> RUN_COLUMNS =
            java.util.Arrays.asList(org.ratelab.table.Schemas.RUNS.fieldNames());

    /** The value at a dotted path of a run's configuration map, or null. */
    @SuppressWarnings("unchecked")
    static Object setting(Map<String, Object> config, String path) {
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
        Map<String, java.util.Set<String>> zip = links == null ? Map.of() : links;
        List<List<Observed>> observed = inOrder(checks,
                c -> new Selection(c, runs, rates, curves, bounds, fit, zip).observe());
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < checks.size(); i++) {
            CheckSpec c = checks.get(i);
            List<Observed> obs = observed.get(i);
            for (Observed o : obs) {
                String name = obs.size() > 1 ? c.name() + " [" + o.label() + "]" : c.name();
                rows.add(row(experiment, name, c, o.value(), o.lo(), o.hi(), o.runs(), o.detail()));
            }
        }
        return spark.createDataFrame(rows, SCHEMA);
    }

    /**
     * How many checks are observed at once: each is a few small Spark queries, planned on the driver. Two at
     * once took a 9-check smoke job from 9.8 s to 9.2 s end to end (farm-bench, 6 pairs); four gained no more.
     */
    static final int CONCURRENT = 2;

    /** {@code observe} of every check, in the checks' order, {@value #CONCURRENT} at a time ({@link #inOrder(List, int, String, java.util.function.Function)}). */
    static <C, T> List<T> inOrder(List<C> items, java.util.function.Function<C, T> observe) {
        return inOrder(items, CONCURRENT, "ratelab-checks", observe);
    }

    /**
     * {@code work} applied to every item, at most {@code threads} at a time, the results in the items' order:
     * one piece's Spark queries are planned on the driver while another's run. Every piece ends before the
     * first failure in the items' order is thrown, so no query is left running behind it. The analysis's
     * concurrent queries ({@code job.GridJob}) and the checks' observations both run through here.
     */
    public static <C, T> List<T> inOrder(List<C> items, int threads, String threadName,
                                         java.util.function.Function<C, T> work) {
        if (items.size() < 2 || threads < 2) {
            List<T> out = new ArrayList<>();
            for (C c : items) out.add(work.apply(c));
            return out;
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                Math.min(threads, items.size()), r -> {
                    Thread t = new Thread(r, threadName);
                    t.setDaemon(true);
                    return t;
                });
        try {
            List<java.util.concurrent.Future<T>> futures = new ArrayList<>();
            for (C c : items) futures.add(pool.submit(() -> work.apply(c)));
            List<T> out = new ArrayList<>();
            Throwable first = null;
            for (java.util.concurrent.Future<T> f : futures) {
                try {
                    out.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    if (first == null) first = e.getCause();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            if (first instanceof RuntimeException re) throw re;
            if (first instanceof Error err) throw err;
            if (first != null) throw new IllegalStateException(first);
            return out;
        } finally {
            pool.shutdownNow();
        }
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

    /** "min .. max" of a sorted, non-empty array. */
    public static String range(double[] sorted) {
        return fmt(sorted[0]) + " .. " + fmt(sorted[sorted.length - 1]);
    }

    /** The per-run numbers of (run_id, value) rows, NaN dropped, in increasing order. */
    public static double[] values(Dataset<Row> v) {
        return v.select("value").collectAsList().stream().filter(r -> !r.isNullAt(0))
                .mapToDouble(r -> r.getDouble(0)).filter(x -> !Double.isNaN(x)).sorted().toArray();
    }

    /** Normal-approximation 95% interval of a mean (NaN for fewer than two values). */
    public static double[] meanInterval(double[] v) {
        if (v.length < 2) return new double[] {Double.NaN, Double.NaN};
        double m = java.util.Arrays.stream(v).average().getAsDouble();
        double ss = 0;
        for (double x : v) ss += (x - m) * (x - m);
        double half = 1.959963984540054 * Math.sqrt(ss / (v.length - 1) / v.length);
        return new double[] {m - half, m + half};
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

    static String describe(Map<String, Object> where) {
        if (where.isEmpty()) return "";
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Object> e : where.entrySet()) {
            b.append(e.getKey()).append('=').append(e.getValue()).append(' ');
        }
        return b.append(": ").toString();
    }

    /** Wilson score interval (95%) for k successes in n trials. */
    public static double[] wilson(long k, long n) {
        if (n == 0) return new double[] {Double.NaN, Double.NaN};
        double z = 1.959963984540054;
        double p = (double) k / n;
        double den = 1 + z * z / n;
        double mid = (p + z * z / (2.0 * n)) / den;
        double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / den;
        return new double[] {Math.max(0, mid - half), Math.min(1, mid + half)};
    }

    static double val(Row r, String f) {
        int i = r.fieldIndex(f);
        return r.isNullAt(i) ? Double.NaN : ((Number) r.get(i)).doubleValue();
    }

    private static Double nan(double d) {
        return Double.isNaN(d) ? null : d;
    }

    /** A number in details: 4 significant digits, "n/a" for NaN. */
    public static String fmt(double d) {
        return Double.isNaN(d) ? "n/a" : String.format("%.4g", d);
    }
}
