package org.ratelab.job;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.ratelab.checks.CheckSpec;
import org.ratelab.checks.Bounds;
import org.ratelab.checks.Checks;
import org.ratelab.fits.FitSpec;
import org.ratelab.fits.Rates;
import org.ratelab.fits.Summaries;
import org.ratelab.grid.Plan;
import org.ratelab.grid.RunConfig;
import org.ratelab.grid.Scheduler;
import org.ratelab.laws.ScalingLaws;
import org.ratelab.spec.SpecException;
import org.ratelab.linalg.Blas;
import org.ratelab.table.OutputDir;
import org.ratelab.table.Rows;
import org.ratelab.table.Schemas;
import org.ratelab.train.RunResult;
import org.ratelab.train.Trainer;

/**
 * The grid pipeline on Spark: plan → partitions balanced by estimated cost → each task trains its runs one
 * at a time, single-threaded → runs and curves tables → rates (grouped by run in Spark) → laws and summaries
 * (grouped by law and by group in Spark) → theory bounds per run → checks → all tables moved into the
 * output directory together.
 */
public final class GridJob {
    private GridJob() {}

    /** Spark conf key: when "true", every task fails unless native BLAS is active on its executor. */
    public static final String REQUIRE_NATIVE_CONF = "spark.ratelab.requireNativeBlas";

    /** What a finished job reports. */
    public record Summary(long runs, Map<String, Long> statusCounts, long wallMs, double makespanRatio,
                          long checks, long checksFailed) {
    }

    /** The analysis sections of a plan's spec, parsed and validated against the plan (errors name keys). */
    public record Analysis(FitSpec fit, List<CheckSpec> checks) {
        public static Analysis of(Plan plan) {
            try {
                FitSpec fit = FitSpec.parse(plan.spec().sections().get("fits"));
                List<CheckSpec> checks = CheckSpec.parseAll(plan.spec().sections().get("checks"));
                Checks.validate(checks, plan);
                return new Analysis(fit, checks);
            } catch (SpecException e) {
                throw e.inFile(plan.spec().file());
            }
        }
    }

    public static Summary execute(SparkSession spark, Plan plan, OutputDir out, int partitions) throws IOException {
        return execute(spark, plan, out, partitions, (java.io.PrintStream) null);
    }

    /** Like the four-argument form, showing progress ({@link Progress}) on {@code progressTo} unless null. */
    public static Summary execute(SparkSession spark, Plan plan, OutputDir out, int partitions,
                                  java.io.PrintStream progressTo) throws IOException {
        try (Progress progress = Progress.start(spark.sparkContext(), plan, progressTo)) {
            return executeCounted(spark, plan, out, partitions, progress.counters());
        }
    }

    private static Summary executeCounted(SparkSession spark, Plan plan, OutputDir out, int partitions,
                                          Progress.Counters counters) throws IOException {
        long t0 = System.currentTimeMillis();
        Analysis analysis = Analysis.of(plan);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int parts = partitions > 0 ? partitions : Math.max(1, jsc.defaultParallelism() * 2);
        List<List<RunConfig>> buckets = Scheduler.assign(plan.runs(), parts);
        boolean requireNative = spark.sparkContext().getConf().getBoolean(REQUIRE_NATIVE_CONF, false);
        JavaRDD<RunResult> results = jsc.parallelize(buckets, buckets.size())
                .flatMap(bucket -> {
                    if (requireNative) Blas.requireNative();
                    List<RunResult> rs = new ArrayList<>(bucket.size());
                    for (RunConfig c : bucket) rs.add(counters.count(Trainer.train(c)));
                    return rs.iterator();
                })
                .persist(StorageLevel.MEMORY_AND_DISK());
        OutputDir.Staging staging = out.staging();
        try {
            Dataset<Row> runs = spark.createDataFrame(results.map(Rows::run), Schemas.RUNS);
            Dataset<Row> curves = spark.createDataFrame(results.flatMap(r -> Rows.curve(r).iterator()),
                    Schemas.CURVES);
            runs.orderBy("run_index").coalesce(1).write().mode(SaveMode.ErrorIfExists)
                    .parquet(staging.table("runs"));
            curves.write().mode(SaveMode.ErrorIfExists).partitionBy("experiment", "optimizer")
                    .parquet(staging.table("curves"));
            results.unpersist(false);
            Dataset<Row> runsT = spark.read().schema(Schemas.RUNS).parquet(staging.table("runs"));
            Dataset<Row> curvesT = spark.read().parquet(staging.table("curves"));
            Rates.compute(curvesT, runsT, analysis.fit()).write().mode(SaveMode.ErrorIfExists)
                    .parquet(staging.table("rates"));
            Dataset<Row> ratesT = spark.read().schema(Schemas.RATES).parquet(staging.table("rates"));
            ScalingLaws.compute(runsT, ratesT, curvesT, analysis.fit(), plan.zipLinks()).orderBy("experiment", "axis", "group_key", "metric")
                    .coalesce(1).write().mode(SaveMode.ErrorIfExists).parquet(staging.table("laws"));
            Summaries.compute(runsT, ratesT, analysis.fit()).orderBy("experiment", "group_key", "metric", "kind", "eps")
                    .coalesce(1).write().mode(SaveMode.ErrorIfExists).parquet(staging.table("summaries"));
            Bounds.compute(runsT, ratesT, curvesT).write().mode(SaveMode.ErrorIfExists)
                    .parquet(staging.table("bounds"));
            Dataset<Row> boundsT = spark.read().schema(Schemas.BOUNDS).parquet(staging.table("bounds"));
            Dataset<Row> checks = Checks.compute(spark, plan.spec().name(), analysis.checks(), runsT, ratesT,
                    curvesT, boundsT, analysis.fit(), plan.zipLinks());
            checks.coalesce(1).write().mode(SaveMode.ErrorIfExists).parquet(staging.table("checks"));
            Dataset<Row> checksT = spark.read().schema(Schemas.CHECKS).parquet(staging.table("checks"));
            long nChecks = checksT.count();
            long failed = checksT.where("NOT passed").count();
            Map<String, Long> counts = new TreeMap<>();
            for (Row r : runsT.groupBy("status").count().collectAsList()) counts.put(r.getString(0), r.getLong(1));
            staging.commit();
            return new Summary(plan.runs().size(), counts, System.currentTimeMillis() - t0,
                    Scheduler.makespanRatio(buckets), nChecks, failed);
        } catch (IOException | RuntimeException e) {
            try {
                staging.discard();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }
}
