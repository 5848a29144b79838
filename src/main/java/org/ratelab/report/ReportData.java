package org.ratelab.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.ratelab.laws.ScalingLaws;
import org.ratelab.table.OutputDir;
import org.ratelab.table.Schemas;

/**
 * The report's Spark side: every table of an output directory is read with Spark and aggregated there; only
 * the aggregated series (one row per group, width and recorded step), the law points (one per run and
 * metric) and small summaries reach the driver. Views are registered under {@code ratelab_report_*} names so
 * a shared session's own views are left alone.
 */
final class ReportData {
    /** The run statuses, in the order the report shows them. */
    static final List<String> STATUSES = List.of("converged", "max_steps", "diverged", "failed");

    /** The columns of the checks table (issue 6), shown in this order when present. */
    static final List<String> CHECK_COLUMNS = List.of("experiment", "check", "predicted", "observed", "ci_low",
            "ci_high", "passed", "detail");

    /** An experiment: its name, how many widths its grid has, and whether F* is known for its runs. */
    record Experiment(String name, long widths, boolean optimalKnown) {}

    /**
     * One series of a convergence panel: per recorded step, the median, min and max over seeds of
     * F − F* (F* = 0 where unknown); only positive finite values count.
     */
    record Band(String experiment, String group, int width, double[] step, double[] oracleCalls,
                double[] median, double[] min, double[] max, long maxSeeds) {}

    /** One point of a width law: a run's value of a law metric. */
    record LawPoint(String experiment, String group, String metric, int width, long seed, double value) {}

    /** A row of the laws table. */
    record Law(String experiment, String group, String metric, Double exponent, Double prefactor, Double r2,
               long nPoints, long nWidths, Integer widthMin, Integer widthMax, Double ciLow, Double ciHigh) {}

    /** A rendered table: header and rows of display text. */
    record Table(List<String> columns, List<List<String>> rows) {}

    final SparkSession spark;
    final OutputDir out;
    private final FileSystem fs;

    ReportData(SparkSession spark, OutputDir out) throws IOException {
        this.spark = spark;
        this.out = out;
        this.fs = out.root().getFileSystem(spark.sparkContext().hadoopConfiguration());
        for (String t : List.of("runs", "curves", "rates", "laws")) {
            if (!has(t)) throw new IOException("no " + t + "/ table under " + out.uri());
            Schemas.read(spark, t, out.table(t)).createOrReplaceTempView(view(t));
        }
        for (String t : List.of("checks", Particles.TABLE)) {
            if (has(t)) spark.read().parquet(out.table(t)).createOrReplaceTempView(view(t));
        }
        if (!has(Particles.TABLE) && List.of(sql("SELECT * FROM {curves}").columns()).contains("particles")) {
            sql(Particles.FROM_CURVES).createOrReplaceTempView(view(Particles.TABLE));
            particlesFromCurves = true;
        }
    }

    /** True when the particles view was derived from {@code curves.particles} (the particles probe). */
    boolean particlesFromCurves;

    static String view(String table) { return "ratelab_report_" + table; }

    boolean has(String table) throws IOException {
        return (table.equals(Particles.TABLE) && particlesFromCurves) || fs.exists(new Path(out.table(table)));
    }

    Dataset<Row> sql(String text) {
        return spark.sql(text.replace("{runs}", view("runs")).replace("{curves}", view("curves"))
                .replace("{rates}", view("rates")).replace("{laws}", view("laws"))
                .replace("{checks}", view("checks")).replace("{particles}", view(Particles.TABLE)));
    }

    List<Experiment> experiments() {
        List<Experiment> out = new ArrayList<>();
        for (Row r : sql("SELECT experiment, count(DISTINCT width), max(optimal_loss IS NOT NULL) FROM {runs} "
                + "GROUP BY experiment ORDER BY experiment").collectAsList()) {
            out.add(new Experiment(r.getString(0), r.getLong(1), r.getBoolean(2)));
        }
        return out;
    }

    /** Median and min–max over seeds per experiment, group, width and step, aggregated in Spark. */
    List<Band> bands() {
        String q = "WITH p AS (SELECT r.experiment, r.group_key, r.width, c.step, c.oracle_calls, "
                + "c.loss - coalesce(r.optimal_loss, 0D) AS y FROM {curves} c JOIN {runs} r ON c.run_id = r.run_id) "
                + "SELECT experiment, group_key, width, step, median(oracle_calls), median(y), min(y), max(y), "
                + "count(*) FROM p WHERE y > 0 AND NOT isnan(y) AND y < double('Infinity') "
                + "GROUP BY experiment, group_key, width, step ORDER BY experiment, group_key, width, step";
        List<Band> bands = new ArrayList<>();
        List<Row> rows = sql(q).collectAsList();
        int i = 0;
        while (i < rows.size()) {
            Row first = rows.get(i);
            int j = i;
            while (j < rows.size() && sameSeries(first, rows.get(j))) j++;
            int n = j - i;
            double[] step = new double[n], oc = new double[n], med = new double[n], lo = new double[n],
                    hi = new double[n];
            long seeds = 0;
            for (int k = 0; k < n; k++) {
                Row r = rows.get(i + k);
                step[k] = r.getLong(3);
                oc[k] = r.getDouble(4);
                med[k] = r.getDouble(5);
                lo[k] = r.getDouble(6);
                hi[k] = r.getDouble(7);
                seeds = Math.max(seeds, r.getLong(8));
            }
            bands.add(new Band(first.getString(0), first.getString(1), first.getInt(2), step, oc, med, lo, hi,
                    seeds));
            i = j;
        }
        return bands;
    }

    private static boolean sameSeries(Row a, Row b) {
        return a.getString(0).equals(b.getString(0)) && a.getString(1).equals(b.getString(1))
                && a.getInt(2) == b.getInt(2);
    }

    /** Every run's value of every law metric (positive finite values, width > 0), as the laws table fits. */
    List<LawPoint> lawPoints() {
        StringBuilder stack = new StringBuilder("stack(" + ScalingLaws.RUN_METRICS.size());
        for (String m : ScalingLaws.RUN_METRICS) stack.append(", '").append(m).append("', CAST(").append(m).append(" AS DOUBLE)");
        stack.append(") AS (metric, value)");
        String q = "SELECT experiment, group_key, metric, width, seed, value FROM (SELECT experiment, group_key, "
                + "width, seed, " + stack + " FROM {runs} WHERE width > 0) WHERE value > 0 AND NOT isnan(value) "
                + "AND value < double('Infinity') ORDER BY experiment, metric, group_key, width, seed";
        List<LawPoint> out = new ArrayList<>();
        for (Row r : sql(q).collectAsList()) {
            out.add(new LawPoint(r.getString(0), r.getString(1), r.getString(2), r.getInt(3), r.getLong(4),
                    r.getDouble(5)));
        }
        return out;
    }

    List<Law> laws() {
        List<Law> out = new ArrayList<>();
        for (Row r : sql("SELECT experiment, group_key, metric, exponent, prefactor, r2, n_points, n_values, "
                + "CAST(axis_min AS INT), CAST(axis_max AS INT), exponent_ci_low, exponent_ci_high FROM {laws} "
                + "WHERE axis = 'model.width' ORDER BY experiment, metric, group_key").collectAsList()) {
            out.add(new Law(r.getString(0), r.getString(1), r.getString(2), dbl(r, 3), dbl(r, 4), dbl(r, 5),
                    r.getLong(6), r.getInt(7), r.isNullAt(8) ? null : r.getInt(8),
                    r.isNullAt(9) ? null : r.getInt(9), dbl(r, 10), dbl(r, 11)));
        }
        return out;
    }

    /** Run counts by status (every status, zeros included), the total, and training time summed over runs. */
    Map<String, Long> statusCounts(String experiment) {
        Map<String, Long> c = new LinkedHashMap<>();
        for (String s : STATUSES) c.put(s, 0L);
        for (Row r : sql("SELECT status, count(*) FROM {runs} WHERE experiment = " + lit(experiment)
                + " GROUP BY status").collectAsList()) {
            c.put(r.getString(0), r.getLong(1));
        }
        return c;
    }

    /**
     * The distinct messages of the experiment's failed runs with how many runs ended with each, most frequent
     * first, at most {@code limit} of them.
     */
    Table failures(String experiment, int limit) {
        List<List<String>> rows = new ArrayList<>();
        for (Row r : sql("SELECT coalesce(message, '(no message)') m, count(*) c, min(steps) FROM {runs} WHERE "
                + "experiment = " + lit(experiment) + " AND status = 'failed' GROUP BY m ORDER BY c DESC, m LIMIT "
                + limit).collectAsList()) {
            rows.add(List.of(r.getString(0), String.valueOf(r.getLong(1)), String.valueOf(r.get(2))));
        }
        return new Table(List.of("message", "runs", "earliest step"), rows);
    }

    /** Training time summed over the experiment's runs, in ms. */
    long trainingMs(String experiment) {
        Row r = sql("SELECT coalesce(sum(wall_ms), 0L) FROM {runs} WHERE experiment = " + lit(experiment)).first();
        return r.getLong(0);
    }

    /** The rates table summarised over seeds: per group, width, metric and kind, the median and range. */
    Table rates(String experiment) {
        String q = "SELECT r.group_key, r.width, q.metric, CASE WHEN q.eps IS NULL THEN q.kind ELSE "
                + "concat(q.kind, '@', CAST(q.eps AS STRING)) END, median(q.value), min(q.value), max(q.value), "
                + "median(q.value_per_oracle_call), median(q.r2), count(q.value), count(*) "
                + "FROM {rates} q JOIN {runs} r ON q.run_id = r.run_id WHERE r.experiment = " + lit(experiment)
                + " GROUP BY r.group_key, r.width, q.metric, q.kind, q.eps "
                + "ORDER BY q.metric, q.kind, q.eps, r.group_key, r.width";
        List<List<String>> rows = new ArrayList<>();
        for (Row r : sql(q).collectAsList()) {
            rows.add(List.of(groupLabel(r.getString(0)), String.valueOf(r.getInt(1)), r.getString(2),
                    r.getString(3), num(r, 4), num(r, 5), num(r, 6), num(r, 7), num(r, 8),
                    r.getLong(9) + " / " + r.getLong(10)));
        }
        return new Table(List.of("group", "width", "metric", "kind", "median", "min", "max",
                "median per oracle call", "median r²", "runs fitted"), rows);
    }

    /** The checks rows of an experiment, every column of the table (known ones first), or null when absent. */
    Table checks(String experiment) throws IOException {
        if (!has("checks")) return null;
        Dataset<Row> t = sql("SELECT * FROM {checks}");
        List<String> cols = new ArrayList<>();
        List<String> present = List.of(t.columns());
        for (String c : CHECK_COLUMNS) if (present.contains(c)) cols.add(c);
        for (String c : present) if (!cols.contains(c)) cols.add(c);
        if (present.contains("experiment")) t = t.where(t.col("experiment").equalTo(experiment));
        if (present.contains("check")) t = t.orderBy("check");
        List<List<String>> rows = new ArrayList<>();
        for (Row r : t.selectExpr(cols.stream().map(c -> "`" + c + "`").toArray(String[]::new)).collectAsList()) {
            List<String> row = new ArrayList<>();
            for (int i = 0; i < cols.size(); i++) row.add(r.isNullAt(i) ? "" : text(r.get(i)));
            rows.add(row);
        }
        return new Table(cols, rows);
    }

    /** Whether an experiment's runs use the mean-field parameterization (then particle plots apply). */
    boolean meanField(String experiment) {
        return sql("SELECT 1 FROM {runs} WHERE experiment = " + lit(experiment)
                + " AND get_json_object(config_json, '$.model.parameterization') = 'meanfield' LIMIT 1")
                .count() > 0;
    }

    static String groupLabel(String groupKey) {
        return groupKey == null || groupKey.isEmpty() ? "all runs" : groupKey;
    }

    /**
     * A group key for a legend: each {@code a.b.key=value} as {@code key=value} (the last path segment), or
     * the full key when two segments would read alike.
     */
    static String shortLabel(String groupKey) {
        if (groupKey == null || groupKey.isEmpty()) return "all runs";
        List<String> keys = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        for (String kv : groupKey.split(",")) {
            int eq = kv.indexOf('=');
            String k = eq < 0 ? kv : kv.substring(0, eq);
            String last = k.substring(k.lastIndexOf('.') + 1);
            if (keys.contains(last)) return groupKey;
            keys.add(last);
            parts.add(last + (eq < 0 ? "" : kv.substring(eq)));
        }
        return String.join(", ", parts);
    }

    static String lit(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static Double dbl(Row r, int i) {
        return r.isNullAt(i) ? null : ((Number) r.get(i)).doubleValue();
    }

    private static String num(Row r, int i) {
        return r.isNullAt(i) ? "" : fmt(((Number) r.get(i)).doubleValue());
    }

    static String text(Object o) {
        if (o instanceof Double d) return fmt(d);
        if (o instanceof Float f) return fmt(f);
        return String.valueOf(o);
    }

    /** Four significant digits, plain notation where readable. */
    static String fmt(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return String.valueOf(v);
        if (v == 0) return "0";
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e5) {
            return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros()
                    .toPlainString();
        }
        return String.format(java.util.Locale.ROOT, "%.3e", v);
    }
}
