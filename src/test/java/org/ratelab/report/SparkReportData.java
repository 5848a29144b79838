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
 * The reference for {@link ReportDataSparkParityTest}: the report's data as Spark SQL computed it before the
 * report stopped starting Spark (the former {@code ReportData}, its queries unchanged). Every table is read
 * with Spark and aggregated there, into {@link ReportData}'s records. Views are registered under
 * {@code ratelab_report_*} names so the shared session's own views are left alone.
 */
final class SparkReportData {
    final SparkSession spark;
    final OutputDir out;
    private final FileSystem fs;

    SparkReportData(SparkSession spark, OutputDir out) throws IOException {
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
            sql(FROM_CURVES).createOrReplaceTempView(view(Particles.TABLE));
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

    List<ReportData.Experiment> experiments() {
        List<ReportData.Experiment> out = new ArrayList<>();
        for (Row r : sql("SELECT experiment, count(DISTINCT width), max(optimal_loss IS NOT NULL) FROM {runs} "
                + "GROUP BY experiment ORDER BY experiment").collectAsList()) {
            out.add(new ReportData.Experiment(r.getString(0), r.getLong(1), r.getBoolean(2)));
        }
        return out;
    }

    /** Median and min–max over seeds per experiment, group, width and step, aggregated in Spark. */
    List<ReportData.Band> bands() {
        String q = "WITH p AS (SELECT r.experiment, r.group_key, r.width, c.step, c.oracle_calls, "
                + "c.loss - coalesce(r.optimal_loss, 0D) AS y FROM {curves} c JOIN {runs} r ON c.run_id = r.run_id) "
                + "SELECT experiment, group_key, width, step, median(oracle_calls), median(y), min(y), max(y), "
                + "count(*) FROM p WHERE y > 0 AND NOT isnan(y) AND y < double('Infinity') "
                + "GROUP BY experiment, group_key, width, step ORDER BY experiment, group_key, width, step";
        List<ReportData.Band> bands = new ArrayList<>();
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
            bands.add(new ReportData.Band(first.getString(0), first.getString(1), first.getInt(2), step, oc, med, lo, hi,
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
    List<ReportData.LawPoint> lawPoints() {
        StringBuilder stack = new StringBuilder("stack(" + ScalingLaws.RUN_METRICS.size());
        for (String m : ScalingLaws.RUN_METRICS) stack.append(", '").append(m).append("', CAST(").append(m).append(" AS DOUBLE)");
        stack.append(") AS (metric, value)");
        String q = "SELECT experiment, group_key, metric, width, seed, value FROM (SELECT experiment, group_key, "
                + "width, seed, " + stack + " FROM {runs} WHERE width > 0) WHERE value > 0 AND NOT isnan(value) "
                + "AND value < double('Infinity') ORDER BY experiment, metric, group_key, width, seed";
        List<ReportData.LawPoint> out = new ArrayList<>();
        for (Row r : sql(q).collectAsList()) {
            out.add(new ReportData.LawPoint(r.getString(0), r.getString(1), r.getString(2), r.getInt(3), r.getLong(4),
                    r.getDouble(5)));
        }
        return out;
    }

    List<ReportData.Law> laws() {
        List<ReportData.Law> out = new ArrayList<>();
        for (Row r : sql("SELECT experiment, group_key, metric, exponent, prefactor, r2, n_points, n_values, "
                + "CAST(axis_min AS INT), CAST(axis_max AS INT), exponent_ci_low, exponent_ci_high FROM {laws} "
                + "WHERE axis = 'model.width' ORDER BY experiment, metric, group_key").collectAsList()) {
            out.add(new ReportData.Law(r.getString(0), r.getString(1), r.getString(2), dbl(r, 3), dbl(r, 4), dbl(r, 5),
                    r.getLong(6), r.getInt(7), r.isNullAt(8) ? null : r.getInt(8),
                    r.isNullAt(9) ? null : r.getInt(9), dbl(r, 10), dbl(r, 11)));
        }
        return out;
    }

    /** Run counts by status (every status, zeros included), the total, and training time summed over runs. */
    Map<String, Long> statusCounts(String experiment) {
        Map<String, Long> c = new LinkedHashMap<>();
        for (String s : ReportData.STATUSES) c.put(s, 0L);
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
    ReportData.Table failures(String experiment, int limit) {
        List<List<String>> rows = new ArrayList<>();
        for (Row r : sql("SELECT coalesce(message, '(no message)') m, count(*) c, min(steps) FROM {runs} WHERE "
                + "experiment = " + lit(experiment) + " AND status = 'failed' GROUP BY m ORDER BY c DESC, m LIMIT "
                + limit).collectAsList()) {
            rows.add(List.of(r.getString(0), String.valueOf(r.getLong(1)), String.valueOf(r.get(2))));
        }
        return new ReportData.Table(List.of("message", "runs", "earliest step"), rows);
    }

    /** Training time summed over the experiment's runs, in ms. */
    long trainingMs(String experiment) {
        Row r = sql("SELECT coalesce(sum(wall_ms), 0L) FROM {runs} WHERE experiment = " + lit(experiment)).first();
        return r.getLong(0);
    }

    /** The rates table summarised over seeds: per group, width, metric and kind, the median and range. */
    ReportData.Table rates(String experiment) {
        String q = "SELECT r.group_key, r.width, q.metric, CASE WHEN q.eps IS NULL THEN q.kind ELSE "
                + "concat(q.kind, '@', CAST(q.eps AS STRING)) END, median(q.value), min(q.value), max(q.value), "
                + "median(q.value_per_oracle_call), median(q.r2), count(q.value), count(*) "
                + "FROM {rates} q JOIN {runs} r ON q.run_id = r.run_id WHERE r.experiment = " + lit(experiment)
                + " GROUP BY r.group_key, r.width, q.metric, q.kind, q.eps "
                + "ORDER BY q.metric, q.kind, q.eps, r.group_key, r.width";
        List<List<String>> rows = new ArrayList<>();
        for (Row r : sql(q).collectAsList()) {
            rows.add(List.of(ReportData.groupLabel(r.getString(0)), String.valueOf(r.getInt(1)), r.getString(2),
                    r.getString(3), num(r, 4), num(r, 5), num(r, 6), num(r, 7), num(r, 8),
                    r.getLong(9) + " / " + r.getLong(10)));
        }
        return new ReportData.Table(List.of("group", "width", "metric", "kind", "median", "min", "max",
                "median per oracle call", "median r²", "runs fitted"), rows);
    }

    /** The checks rows of an experiment, every column of the table (known ones first), or null when absent. */
    ReportData.Table checks(String experiment) throws IOException {
        if (!has("checks")) return null;
        Dataset<Row> t = sql("SELECT * FROM {checks}");
        List<String> cols = new ArrayList<>();
        List<String> present = List.of(t.columns());
        for (String c : ReportData.CHECK_COLUMNS) if (present.contains(c)) cols.add(c);
        for (String c : present) if (!cols.contains(c)) cols.add(c);
        if (present.contains("experiment")) t = t.where(t.col("experiment").equalTo(experiment));
        if (present.contains("check")) t = t.orderBy("check");
        List<List<String>> rows = new ArrayList<>();
        for (Row r : t.selectExpr(cols.stream().map(c -> "`" + c + "`").toArray(String[]::new)).collectAsList()) {
            List<String> row = new ArrayList<>();
            for (int i = 0; i < cols.size(); i++) row.add(r.isNullAt(i) ? "" : text(r.get(i)));
            rows.add(row);
        }
        return new ReportData.Table(cols, rows);
    }

    /** Whether an experiment's runs use the mean-field parameterization (then particle plots apply). */
    boolean meanField(String experiment) {
        return sql("SELECT 1 FROM {runs} WHERE experiment = " + lit(experiment)
                + " AND get_json_object(config_json, '$.model.parameterization') = 'meanfield' LIMIT 1")
                .count() > 0;
    }

    /** curves.particles exploded into (run_id, step, neuron, x, y), with d from the runs table. */
    static final String FROM_CURVES = "SELECT c.run_id, c.step, j AS neuron, element_at(c.particles, j * r.d + 1) AS x, "
            + "IF(r.d >= 2, element_at(c.particles, j * r.d + 2), 0D) AS y FROM {curves} c JOIN {runs} r "
            + "ON c.run_id = r.run_id LATERAL VIEW explode(sequence(0, CAST(size(c.particles) / r.d AS INT) - 1)) "
            + "t AS j WHERE c.particles IS NOT NULL AND size(c.particles) >= r.d";

    /** Whether the particles view exists with the columns the hook reads (the former Particles.available). */
    boolean particlesAvailable() throws IOException {
        if (!has(Particles.TABLE)) return false;
        List<String> cols = List.of(sql("SELECT * FROM {particles}").columns());
        return cols.containsAll(Particles.COLUMNS);
    }

    /** The former Particles.load: one run per group (widest, smallest seed) at up to four recorded steps. */
    List<Particles.Snapshot> particles(String experiment) {
        String runs = "SELECT run_id, group_key, width, seed FROM (SELECT run_id, group_key, width, seed, "
                + "row_number() OVER (PARTITION BY group_key ORDER BY width DESC, seed) AS rk FROM {runs} "
                + "WHERE experiment = " + lit(experiment)
                + " AND run_id IN (SELECT DISTINCT run_id FROM {particles})) WHERE rk = 1 ORDER BY group_key";
        List<Particles.Snapshot> out = new ArrayList<>();
        for (Row run : sql(runs).collectAsList()) {
            String id = lit(run.getString(0));
            List<Long> all = new ArrayList<>();
            for (Row s : sql("SELECT DISTINCT step FROM {particles} WHERE run_id = " + id + " ORDER BY step")
                    .collectAsList()) {
                all.add(((Number) s.get(0)).longValue());
            }
            List<Long> chosen = Particles.choose(all, Particles.MAX_STEPS);
            Map<Long, double[][]> steps = new LinkedHashMap<>();
            for (long step : chosen) {
                List<Row> pts = sql("SELECT CAST(x AS DOUBLE), CAST(y AS DOUBLE) FROM {particles} WHERE run_id = "
                        + id + " AND step = " + step + " ORDER BY neuron").collectAsList();
                double[][] xy = new double[2][pts.size()];
                for (int i = 0; i < pts.size(); i++) {
                    xy[0][i] = pts.get(i).isNullAt(0) ? Double.NaN : pts.get(i).getDouble(0);
                    xy[1][i] = pts.get(i).isNullAt(1) ? Double.NaN : pts.get(i).getDouble(1);
                }
                steps.put(step, xy);
            }
            out.add(new Particles.Snapshot(run.getString(0), run.getString(1), run.getInt(2), run.getLong(3), steps));
        }
        return out;
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

    private static String fmt(double v) {
        return ReportData.fmt(v);
    }
}
