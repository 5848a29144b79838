package org.ratelab.job;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.ratelab.checks.Bounds;
import org.ratelab.fits.FitSpec;
import org.ratelab.fits.Rates;
import org.ratelab.fits.Summaries;
import org.ratelab.grid.Plan;
import org.ratelab.laws.ScalingLaws;
import org.ratelab.probes.Metrics;
import org.ratelab.report.ParquetTables;
import org.ratelab.report.SqlAgg;
import org.ratelab.table.OutputDir;
import org.ratelab.table.ParquetFiles;
import org.ratelab.table.Schemas;

/**
 * The rates, laws, summaries and bounds tables of a small output computed on the driver in plain Java: the
 * same per-run and per-group functions the Spark queries call ({@link Rates#fitRun}, {@link Summaries#summarize},
 * {@link ScalingLaws#points} and {@link ScalingLaws#fit}, {@link Bounds#bounds}), fed the same rows in the
 * same order, so every value is the one the Spark queries give ({@code LocalAnalysisTest} holds the two side by
 * side). A cold JVM spends seconds planning and compiling Spark queries that have a few thousand rows to read;
 * here they take tens of milliseconds.
 *
 * <p>Order matters where a bootstrap draws values by position (summaries). Spark groups by key after a
 * shuffle whose partitions adaptive execution coalesces into one when the shuffled data is under
 * {@code spark.sql.adaptive.coalescePartitions.minPartitionSize} (1 MB): the group-by's sort then orders that
 * one partition, so the rates come in run_id order, and each summary's values in the order of the rates. The
 * local path is taken only where that holds: adaptive execution and its coalescing on (Spark's defaults and
 * ratelab's), and at most {@value #MAX_CURVE_ROWS} curve rows. That shuffle carries one row of 11 fields per
 * curve row: about 27 bytes after compression on a 10^4-run grid (4.9 MB for 180,000 rows, Spark's event log),
 * and about 170 bytes if nothing compressed (short experiment and optimizer names), so 3,000 rows stay under
 * half a megabyte.
 */
final class LocalAnalysis {
    private LocalAnalysis() {}

    /** The most curve rows the local path reads. */
    static final long MAX_CURVE_ROWS = 3_000;

    static final List<String> CURVE_COLUMNS = curveColumns();

    private static List<String> curveColumns() {
        List<String> c = new ArrayList<>(List.of("run_id", "experiment", "optimizer", "step", "oracle_calls"));
        c.addAll(Metrics.NAMES);
        return c;
    }

    /** Whether the derived tables of an output with this many curve rows are computed here. */
    static boolean applies(SparkSession spark, long curveRows) {
        if (curveRows > MAX_CURVE_ROWS) return false;
        if (!Boolean.parseBoolean(spark.conf().get("spark.ratelab.localAnalysis", "true"))) return false;
        return Boolean.parseBoolean(spark.conf().get("spark.sql.adaptive.enabled", "true"))
                && Boolean.parseBoolean(spark.conf().get("spark.sql.adaptive.coalescePartitions.enabled", "true"));
    }

    /**
     * Reads the runs and curves tables of {@code out}, writes rates, laws (empty unless {@code laws}), summaries
     * and bounds under {@code staging}, and returns the runs' status counts.
     */
    static Map<String, Long> write(OutputDir out, OutputDir.Staging staging, Plan plan, FitSpec fit, boolean laws,
                                   Configuration conf) throws IOException {
        try {
            return derive(out, staging, plan, fit, laws, conf);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {   // the per-run functions read config and axes JSON
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Long> derive(OutputDir out, OutputDir.Staging staging, Plan plan, FitSpec fit,
                                            boolean laws, Configuration conf) throws Exception {
        FileSystem fs = out.root().getFileSystem(conf);
        List<String> runCols = List.of(Schemas.RUNS.fieldNames());
        List<Row> runs = new ArrayList<>();
        for (Object[] r : ParquetTables.read(fs, new Path(out.table("runs")), runCols)) runs.add(RowFactory.create(r));
        int runIndex = Schemas.RUNS.fieldIndex("run_index");
        runs.sort(Comparator.comparingInt(r -> r.getInt(runIndex)));
        Map<String, List<Object[]>> curves = new HashMap<>();
        ParquetTables.scan(fs, new Path(out.table("curves")), CURVE_COLUMNS,
                c -> curves.computeIfAbsent((String) c[0], k -> new ArrayList<>()).add(c));
        Map<String, Row> byId = new HashMap<>();
        int runId = Schemas.RUNS.fieldIndex("run_id");
        for (Row r : runs) byId.put(r.getString(runId), r);

        List<Row> rates = rates(runs, curves, fit);
        Map<String, List<Row>> ratesByRun = new HashMap<>();
        for (Row r : rates) ratesByRun.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r);
        put(staging, "rates", Schemas.RATES, rates, conf);
        put(staging, "bounds", Schemas.BOUNDS, bounds(runs, ratesByRun, curves), conf);
        put(staging, "summaries", Schemas.SUMMARIES, summaries(rates, byId, fit), conf);
        put(staging, "laws", Schemas.LAWS, laws ? laws(runs, ratesByRun, curves, fit, plan.zipLinks()) : List.of(),
                conf);
        Map<String, Long> counts = new TreeMap<>();
        int status = Schemas.RUNS.fieldIndex("status");
        for (Row r : runs) counts.merge(r.getString(status), 1L, Long::sum);
        return counts;
    }

    private static void put(OutputDir.Staging staging, String table, StructType schema, List<Row> rows,
                            Configuration conf) throws IOException {
        ParquetFiles.writeRows(new Path(staging.table(table), "part-00000-local.parquet"), conf, schema, rows);
    }

    /** {@link Rates#compute}: curves joined with runs, grouped by run in run_id order. */
    static List<Row> rates(List<Row> runs, Map<String, List<Object[]>> curves, FitSpec fit) {
        int id = Schemas.RUNS.fieldIndex("run_id");
        List<Row> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparing((Row r) -> r.getString(id), SqlAgg.STRINGS));
        List<Row> out = new ArrayList<>();
        for (Row run : sorted) out.addAll(ratesOf(run, curves.get(run.getString(id)), fit));
        return out;
    }

    /**
     * One run's rates rows ({@link Rates#fitRun}) from its curve points (rows of {@link #CURVE_COLUMNS}); none
     * for a run without a point (the inner join of {@link Rates#compute}).
     */
    static List<Row> ratesOf(Row run, List<Object[]> points, FitSpec fit) {
        if (points == null || points.isEmpty()) return List.of();
        Double fStar = run.isNullAt(OPTIMAL_LOSS) ? 0.0 : run.getDouble(OPTIMAL_LOSS);
        List<Row> pts = new ArrayList<>(points.size());
        for (Object[] c : points) {
            pts.add(RowFactory.create(c[0], c[1], c[2], c[3], c[4], c[LOSS], c[GRAD_NORM_SQ], fStar,
                    run.get(BATCH_SIZE), c[TEST_LOSS]));
        }
        List<Row> out = new ArrayList<>();
        Rates.fitRun(run.getString(RUN_ID), pts.iterator(), fit).forEachRemaining(out::add);
        return out;
    }

    private static final int RUN_ID = Schemas.RUNS.fieldIndex("run_id");
    private static final int OPTIMAL_LOSS = Schemas.RUNS.fieldIndex("optimal_loss");
    private static final int BATCH_SIZE = Schemas.RUNS.fieldIndex("batch_size");
    private static final int AXES_JSON = Schemas.RUNS.fieldIndex("axes_json");
    private static final int LOSS = CURVE_COLUMNS.indexOf("loss");
    private static final int GRAD_NORM_SQ = CURVE_COLUMNS.indexOf("grad_norm_sq");
    private static final int TEST_LOSS = CURVE_COLUMNS.indexOf("test_loss");
    private static final int LOJ_ALPHA = CURVE_COLUMNS.indexOf("loj_alpha");
    private static final int NOISE_RATIO = CURVE_COLUMNS.indexOf("noise_ratio");

    /** {@link Bounds#compute}: each run with its loss/linear and loss/power rates and its curve's α and σ. */
    static List<Row> bounds(List<Row> runs, Map<String, List<Row>> rates, Map<String, List<Object[]>> curves)
            throws Exception {
        List<Row> out = new ArrayList<>();
        for (Row run : runs) {
            String id = run.getString(RUN_ID);
            out.addAll(boundsOf(run, rates.get(id), curves.get(id)));
        }
        return out;
    }

    private static final String[] BOUNDS_RUN_COLUMNS = {"run_id", "experiment", "optimizer", "lr", "lr_scale",
        "config_json", "smoothness", "pl_constant", "L_hat", "mu_hat"};
    private static final int[] BOUNDS_RUN_AT = fieldIndices(BOUNDS_RUN_COLUMNS);

    /** One run's bounds rows ({@link Bounds#bounds}), from its rates and curve points (either may be null). */
    static List<Row> boundsOf(Row run, List<Row> rates, List<Object[]> points) throws Exception {
        int n = BOUNDS_RUN_COLUMNS.length;
        Object[] v = new Object[n + 4];
        for (int i = 0; i < n; i++) v[i] = run.get(BOUNDS_RUN_AT[i]);
        v[n] = rate(rates, "linear");
        v[n + 1] = rate(rates, "power");
        v[n + 2] = points == null ? null : sqlExtreme(points, LOJ_ALPHA, false);
        v[n + 3] = points == null ? null : sqlExtreme(points, NOISE_RATIO, true);
        List<Row> out = new ArrayList<>();
        Bounds.bounds(RowFactory.create(v)).forEachRemaining(out::add);
        return out;
    }

    /** The value of a run's loss rate of this kind (a left join: null when the run has none). */
    private static Double rate(List<Row> rates, String kind) {
        if (rates == null) return null;
        for (Row r : rates) {
            if (r.getString(3).equals("loss") && r.getString(4).equals(kind)) return r.isNullAt(5) ? null : r.getDouble(5);
        }
        return null;
    }

    /**
     * Spark's {@code max} (or {@code min}) of a double column: nulls skipped, NaN the largest value, −0.0 equal
     * to 0.0 (the first of equal values kept). Written in this shape on purpose: as a for-each loop with the
     * comparison {@code max ? cmp(v, best) > 0 : cmp(v, best) < 0} in its condition, JDK 17's optimizing
     * compiler gave up on it after a second's work ("out of nodes"), and after ten seconds on the analysis task
     * that inlined it, while every other method waited in its one queue: a 10^5-run grid's law fits ran that
     * long in slower code. {@code LocalAnalysisTest} holds it to {@link SqlAgg#DOUBLES}, and
     * {@code AnalysisJitTest} to the compiler.
     */
    static Double sqlExtreme(List<Object[]> rows, int col, boolean max) {
        Double best = null;
        int n = rows.size();
        for (int i = 0; i < n; i++) {
            Double v = (Double) rows.get(i)[col];
            if (v != null && (best == null || compareDoubles(v, best) == (max ? 1 : -1))) best = v;
        }
        return best;
    }

    /** {@link SqlAgg#DOUBLES} on unboxed values: equal values (−0.0 and 0.0 too) 0, NaN after every number. */
    static int compareDoubles(double x, double y) {
        if (x == y) return 0;
        boolean xNaN = x != x;
        boolean yNaN = y != y;
        if (xNaN || yNaN) return xNaN == yNaN ? 0 : xNaN ? 1 : -1;
        return x < y ? -1 : 1;
    }

    /** {@link Summaries#compute}: rates joined with the runs' axes, grouped by key. */
    static List<Row> summaries(List<Row> rates, Map<String, Row> runs, FitSpec fit) throws Exception {
        Map<String, List<Row>> groups = new LinkedHashMap<>();
        for (Row r : rates) {
            Row run = runs.get(r.getString(0));
            if (run == null) continue;
            Row j = summaryInput(r, run);
            groups.computeIfAbsent(Summaries.key(j), k -> new ArrayList<>()).add(j);
        }
        List<Row> out = new ArrayList<>();
        for (Map.Entry<String, List<Row>> g : groups.entrySet()) {
            Summaries.summarize(g.getKey(), g.getValue().iterator(), fit).forEachRemaining(out::add);
        }
        out.sort(order(Schemas.SUMMARIES, "experiment", "group_key", "metric", "kind", "eps"));
        return out;
    }

    /**
     * A rate row of a run as {@link Summaries#summarize} takes it: (experiment, axes_json, metric, kind, eps,
     * value, run_id).
     */
    static Row summaryInput(Row rate, Row run) {
        return RowFactory.create(rate.get(1), run.get(AXES_JSON), rate.get(3), rate.get(4), rate.get(11), rate.get(5),
                rate.get(0));
    }

    /** {@link ScalingLaws#compute}: each run's rates and curve statistics as points, fitted per law. */
    static List<Row> laws(List<Row> runs, Map<String, List<Row>> rates, Map<String, List<Object[]>> curves,
                          FitSpec fit, Map<String, java.util.Set<String>> links) throws Exception {
        Map<String, List<Row>> groups = new LinkedHashMap<>();
        for (Row run : runs) {
            String id = run.getString(RUN_ID);
            Iterator<Row> pts = lawPointsOf(run, rates.get(id), curves.get(id), fit, links);
            while (pts.hasNext()) {
                Row p = pts.next();
                groups.computeIfAbsent(p.getString(0), x -> new ArrayList<>()).add(p);
            }
        }
        List<Row> out = new ArrayList<>();
        for (Map.Entry<String, List<Row>> g : groups.entrySet()) {
            ScalingLaws.fit(g.getKey(), g.getValue().iterator(), fit).forEachRemaining(out::add);
        }
        out.sort(order(Schemas.LAWS, "experiment", "axis", "group_key", "metric"));
        return out;
    }

    private static final int[] LAW_RUN_AT = lawRunColumns();

    private static int[] lawRunColumns() {
        List<String> names = new ArrayList<>(List.of("experiment", "axes_json", "seed"));
        names.addAll(ScalingLaws.RUN_METRICS);
        return fieldIndices(names.toArray(new String[0]));
    }

    /**
     * One run's law points ({@link ScalingLaws#points}: rows of (key, experiment, axis, group_key, metric, x, y, seed)) from its
     * runs row, its rates and its curve statistics ({@link #curveStats}); rates and points may be null.
     */
    static Iterator<Row> lawPointsOf(Row run, List<Row> rates, List<Object[]> points, FitSpec fit,
                                     Map<String, java.util.Set<String>> links) throws Exception {
        List<Row> ys = new ArrayList<>();
        if (rates != null) {
            for (Row r : rates) if (!r.isNullAt(5)) ys.add(RowFactory.create(r.get(3), r.get(4), r.get(11), r.get(5)));
        }
        if (points != null) ys.addAll(curveStats(points, fit));
        Object[] v = new Object[LAW_RUN_AT.length + 1];
        for (int i = 0; i < LAW_RUN_AT.length; i++) v[i] = run.get(LAW_RUN_AT[i]);
        v[LAW_RUN_AT.length] = ys.isEmpty() ? null : scala.jdk.javaapi.CollectionConverters.asScala(ys).toSeq();
        return ScalingLaws.points(RowFactory.create(v), links);
    }

    /**
     * A run's (metric, kind, eps, value) curve statistics, as {@link ScalingLaws#curveStats}: each metric's
     * largest and smallest value with NaN skipped, and its value at the last recorded step ≤ each
     * {@code fits.at_steps}; nulls left out.
     */
    static List<Row> curveStats(List<Object[]> points, FitSpec fit) {
        List<Row> out = new ArrayList<>();
        int step = CURVE_COLUMNS.indexOf("step");
        for (String m : Metrics.NAMES) {
            int c = CURVE_COLUMNS.indexOf(m);
            Double max = null;
            Double min = null;
            for (Object[] p : points) {
                Double v = (Double) p[c];
                if (v == null || Double.isNaN(v)) continue;
                if (max == null || SqlAgg.DOUBLES.compare(v, max) > 0) max = v;
                if (min == null || SqlAgg.DOUBLES.compare(v, min) < 0) min = v;
            }
            if (max != null) out.add(RowFactory.create(m, "max", null, max));
            if (min != null) out.add(RowFactory.create(m, "min", null, min));
            for (double k : fit.atSteps()) {
                long limit = (long) k;
                Object[] last = null;
                for (Object[] p : points) {
                    long s = (Long) p[step];
                    if (s <= limit && (last == null || s > (Long) last[step])) last = p;
                }
                if (last != null && last[c] != null) out.add(RowFactory.create(m, "at_step", (double) limit, last[c]));
            }
        }
        return out;
    }

    /** The runs table's indices of these columns. */
    private static int[] fieldIndices(String[] columns) {
        int[] at = new int[columns.length];
        for (int i = 0; i < columns.length; i++) at[i] = Schemas.RUNS.fieldIndex(columns[i]);
        return at;
    }

    /** Spark's ORDER BY these columns, ascending: strings by code point, nulls first, NaN last. */
    static Comparator<Row> order(StructType schema, String... columns) {
        Comparator<Row> c = (a, b) -> 0;
        for (String name : columns) {
            int i = schema.fieldIndex(name);
            Comparator<Row> one = (a, b) -> {
                Object x = a.get(i);
                Object y = b.get(i);
                if (x == null || y == null) return x == null ? (y == null ? 0 : -1) : 1;
                if (x instanceof String s) return SqlAgg.STRINGS.compare(s, (String) y);
                return SqlAgg.DOUBLES.compare(((Number) x).doubleValue(), ((Number) y).doubleValue());
            };
            c = c.thenComparing(one);
        }
        return c;
    }
}
