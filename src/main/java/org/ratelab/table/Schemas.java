package org.ratelab.table;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.ratelab.probes.Metrics;

/**
 * The output tables' schemas: the user-facing contract. Columns are only ever added, never renamed.
 * Every table is Parquet under the output directory: {@code runs/}, {@code curves/} (partitioned by
 * {@code experiment} and {@code optimizer}), {@code rates/}, {@code laws/}.
 */
public final class Schemas {
    private Schemas() {}

    public static final List<String> TABLES = List.of("runs", "curves", "rates", "laws", "summaries", "bounds", "checks");

    /** Columns by which {@code curves/} is partitioned on disk (Spark reads them last). */
    public static final List<String> CURVES_PARTITIONS = List.of("experiment", "optimizer");

    /** The schema of one of {@link #TABLES}. */
    public static StructType of(String table) {
        return switch (table) {
            case "runs" -> RUNS;
            case "curves" -> CURVES;
            case "rates" -> RATES;
            case "laws" -> LAWS;
            case "summaries" -> SUMMARIES;
            case "bounds" -> BOUNDS;
            case "checks" -> CHECKS;
            default -> throw new IllegalArgumentException("no table " + table);
        };
    }

    /**
     * Reads one of {@link #TABLES} at {@code path} with its explicit schema, never an inferred one: a table
     * with no rows (the curves of a job whose every run failed before its first point leave no Parquet
     * file at all) reads as zero rows instead of failing with {@code UNABLE_TO_INFER_SCHEMA}. Columns come
     * in the order Spark gives a non-empty partitioned table: the partition columns of {@code curves} last.
     */
    public static Dataset<Row> read(SparkSession spark, String table, String path) {
        Dataset<Row> df = spark.read().schema(of(table)).parquet(path);
        if (!table.equals("curves")) return df;
        List<Column> cols = new ArrayList<>();
        for (String c : df.columns()) if (!CURVES_PARTITIONS.contains(c)) cols.add(df.col("`" + c + "`"));
        for (String c : CURVES_PARTITIONS) cols.add(df.col(c));
        return df.select(cols.toArray(Column[]::new));
    }

    private static StructField f(String name, DataType t) {
        return DataTypes.createStructField(name, t, true);
    }

    private static StructField req(String name, DataType t) {
        return DataTypes.createStructField(name, t, false);
    }

    /** One row per planned run. */
    public static final StructType RUNS = new StructType(new StructField[] {
        req("run_id", DataTypes.StringType),
        req("experiment", DataTypes.StringType),
        req("model", DataTypes.StringType),
        req("optimizer", DataTypes.StringType),
        req("width", DataTypes.IntegerType),
        req("seed", DataTypes.LongType),
        req("lr", DataTypes.DoubleType),
        req("batch_size", DataTypes.IntegerType),
        req("status", DataTypes.StringType),
        req("steps", DataTypes.LongType),
        req("oracle_calls", DataTypes.LongType),
        f("final_loss", DataTypes.DoubleType),
        req("wall_ms", DataTypes.LongType),
        req("blas", DataTypes.StringType),
        req("config_json", DataTypes.StringType),
        req("run_index", DataTypes.IntegerType),
        req("group_key", DataTypes.StringType),
        req("axes_json", DataTypes.StringType),
        req("n", DataTypes.IntegerType),
        req("d", DataTypes.IntegerType),
        f("initial_loss", DataTypes.DoubleType),
        f("optimal_loss", DataTypes.DoubleType),
        f("steps_to_threshold", DataTypes.LongType),
        f("diverged_step", DataTypes.LongType),
        f("dist_init", DataTypes.DoubleType),
        f("rel_change", DataTypes.DoubleType),
        f("message", DataTypes.StringType),
        req("cost_estimate", DataTypes.DoubleType),
        f("L_hat", DataTypes.DoubleType),
        f("mu_hat", DataTypes.DoubleType),
        f("kappa_hat", DataTypes.DoubleType),
        f("escaped_step", DataTypes.LongType),
        f("probe_notes", DataTypes.StringType),
        f("smoothness", DataTypes.DoubleType),
        f("pl_constant", DataTypes.DoubleType),
        req("lr_scale", DataTypes.DoubleType),
        f("min_norm_dist", DataTypes.DoubleType),
    });

    /** Per-layer values: parameter block name (e.g. W, a, W1, b1) → value. */
    public static final DataType LAYER_MAP =
            DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false);

    /** Plug-in probes' metrics at a point: metric name → value (a NaN stays NaN; a metric not measured is absent). */
    public static final DataType METRIC_MAP =
            DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false);

    /**
     * One row per recorded point of every run: the scalar {@link Metrics}, then {@code layer_dist} and
     * {@code layer_rel_change} (per-layer maps), {@code particles} (two-layer |a_j|·w_j, row-major m × d) and
     * {@code extra_metrics} (the plug-in probes' metrics by name; null where none was measured). New columns
     * are only ever appended, after the last one.
     */
    public static final StructType CURVES = curves();

    private static StructType curves() {
        List<StructField> fs = new ArrayList<>(List.of(
                req("run_id", DataTypes.StringType),
                req("experiment", DataTypes.StringType),
                req("optimizer", DataTypes.StringType),
                req("step", DataTypes.LongType),
                req("oracle_calls", DataTypes.LongType)));
        for (String m : Metrics.NAMES) fs.add(f(m, DataTypes.DoubleType));
        fs.add(f("layer_dist", LAYER_MAP));
        fs.add(f("layer_rel_change", LAYER_MAP));
        fs.add(f("particles", DataTypes.createArrayType(DataTypes.DoubleType, false)));
        fs.add(f("extra_metrics", METRIC_MAP));
        return new StructType(fs.toArray(new StructField[0]));
    }

    /** Per-run empirical rates. */
    public static final StructType RATES = new StructType(new StructField[] {
        req("run_id", DataTypes.StringType),
        req("experiment", DataTypes.StringType),
        req("optimizer", DataTypes.StringType),
        req("metric", DataTypes.StringType),
        req("kind", DataTypes.StringType),
        f("value", DataTypes.DoubleType),
        f("r2", DataTypes.DoubleType),
        f("step_from", DataTypes.LongType),
        f("step_to", DataTypes.LongType),
        f("n_points", DataTypes.IntegerType),
        f("value_per_oracle_call", DataTypes.DoubleType),
        f("eps", DataTypes.DoubleType),
    });

    /** Scaling laws y ≈ prefactor · x^exponent against a numeric axis x, per group of the other axes. */
    public static final StructType LAWS = new StructType(new StructField[] {
        req("experiment", DataTypes.StringType),
        req("group_key", DataTypes.StringType),
        req("metric", DataTypes.StringType),
        f("exponent", DataTypes.DoubleType),
        f("prefactor", DataTypes.DoubleType),
        f("r2", DataTypes.DoubleType),
        req("n_points", DataTypes.LongType),
        req("axis", DataTypes.StringType),
        f("exponent_ci_low", DataTypes.DoubleType),
        f("exponent_ci_high", DataTypes.DoubleType),
        req("n_seeds", DataTypes.IntegerType),
        req("n_values", DataTypes.IntegerType),
        f("axis_min", DataTypes.DoubleType),
        f("axis_max", DataTypes.DoubleType),
    });

    /** Per run, the theory's bounds and predictions held against what the run showed. */
    public static final StructType BOUNDS = new StructType(new StructField[] {
        req("run_id", DataTypes.StringType),
        req("experiment", DataTypes.StringType),
        req("optimizer", DataTypes.StringType),
        req("bound", DataTypes.StringType),
        f("predicted", DataTypes.DoubleType),
        f("observed", DataTypes.DoubleType),
        f("holds", DataTypes.BooleanType),
        f("slack", DataTypes.DoubleType),
        req("detail", DataTypes.StringType),
    });

    /** Verdicts of the spec's declared checks. */
    public static final StructType CHECKS = new StructType(new StructField[] {
        DataTypes.createStructField("experiment", DataTypes.StringType, false),
        DataTypes.createStructField("check", DataTypes.StringType, false),
        DataTypes.createStructField("predicted", DataTypes.DoubleType, true),
        DataTypes.createStructField("observed", DataTypes.DoubleType, true),
        DataTypes.createStructField("ci_low", DataTypes.DoubleType, true),
        DataTypes.createStructField("ci_high", DataTypes.DoubleType, true),
        DataTypes.createStructField("passed", DataTypes.BooleanType, false),
        DataTypes.createStructField("detail", DataTypes.StringType, false),
        DataTypes.createStructField("expect", DataTypes.StringType, false),
        DataTypes.createStructField("n_runs", DataTypes.LongType, false),
        DataTypes.createStructField("description", DataTypes.StringType, false),
    });

    /** Per group of runs that differ only by seed: median and bootstrap interval of each per-run rate. */
    public static final StructType SUMMARIES = new StructType(new StructField[] {
        req("experiment", DataTypes.StringType),
        req("group_key", DataTypes.StringType),
        req("metric", DataTypes.StringType),
        req("kind", DataTypes.StringType),
        f("eps", DataTypes.DoubleType),
        req("n_runs", DataTypes.IntegerType),
        req("n_values", DataTypes.IntegerType),
        f("median", DataTypes.DoubleType),
        f("ci_low", DataTypes.DoubleType),
        f("ci_high", DataTypes.DoubleType),
        f("min", DataTypes.DoubleType),
        f("max", DataTypes.DoubleType),
    });
}
