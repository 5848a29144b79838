package org.ratelab.job;

import static org.ratelab.job.Bench.load;
import static org.ratelab.job.Bench.median;
import static org.ratelab.job.Bench.plan;
import static org.ratelab.job.Bench.seeds;
import static org.ratelab.job.Bench.TINY;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.ratelab.grid.Plan;
import org.ratelab.grid.Scheduler;
import org.ratelab.table.ParquetFiles;
import org.ratelab.table.Rows;
import org.ratelab.table.Schemas;
import org.ratelab.train.RunConfig;
import org.ratelab.train.RunResult;
import org.ratelab.train.Trainer;

/**
 * The {@code curves} section of {@code ratelab bench}: {@code curve_rows_parquet}, curve rows written per
 * second to Parquet (GridJob's schema and partitioning), training excluded: as GridJob writes them (straight
 * from the runs' results with parquet-hadoop, {@link ParquetFiles.CurveFiles}), and, alternating with it, as
 * Spark SQL's writer did before ({@code curve_rows_parquet_spark}). 4,000 runs of 101 points (300 with
 * {@code --quick}): with the 1,000 runs of before, a round of either writer was mostly its Spark job (both
 * rates were 3-4 times lower at a quarter of the rows).
 */
final class BenchCurves {
    private final boolean quick;

    private BenchCurves(boolean quick) {
        this.quick = quick;
    }

    /** The section, its rows added to the bench's. */
    static void run(Bench bench, SparkSession spark) throws Exception {
        new BenchCurves(bench.quick()).curves(spark, bench.work(), bench.rows(), bench.out());
    }

    private void curves(SparkSession spark, Path work, List<BenchRow> rows, PrintWriter o) throws Exception {
        int runs = quick ? 300 : 4000;
        Plan plan = plan(work, "bench_curves", TINY + "train: {steps: 100, loss_threshold: 0, record: {every: 1}}\n"
                + "grid: {seed: " + seeds(runs) + "}\n");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<List<RunConfig>> buckets = Scheduler.assign(plan.runs(), Math.max(1, jsc.defaultParallelism() * 2));
        JavaRDD<RunResult> results = jsc.parallelize(buckets, buckets.size())
                .flatMap(bucket -> {
                    List<RunResult> rs = new ArrayList<>();
                    for (RunConfig c : bucket) rs.add(Trainer.train(c));
                    return rs.iterator();
                })
                .persist(StorageLevel.MEMORY_ONLY());
        JavaRDD<Row> curveRows = results.flatMap(r -> Rows.curve(r).iterator()).persist(StorageLevel.MEMORY_ONLY());
        long count = curveRows.count();
        Broadcast<SerializableConfiguration> hadoop =
                SerializableConfiguration.broadcast(spark.sparkContext(), spark.sparkContext().hadoopConfiguration());
        int reps = quick ? 3 : 5;
        double[] direct = new double[reps];
        double[] viaSpark = new double[reps];
        for (int q = -1; q < reps; q++) {  // the two writers alternate, so that both see the same load; q = -1 warms up
            String path = work.resolve("curves-direct" + (q + 1)).toUri().toString();
            long t0 = System.nanoTime();
            long written = results.mapPartitionsWithIndex((index, it) -> {
                try (ParquetFiles.CurveFiles files = new ParquetFiles.CurveFiles(new org.apache.hadoop.fs.Path(path),
                        "part-" + index + ".parquet", hadoop.value().value())) {
                    while (it.hasNext()) files.write(it.next());
                    long n = 0;
                    for (ParquetFiles.DataFile f : files.finish()) n += f.rows();
                    return List.of(n).iterator();
                }
            }, true).reduce(Long::sum);
            double directRate = written / ((System.nanoTime() - t0) / 1e9);
            if (written != count) throw new IllegalStateException(written + " curve rows written of " + count);
            String sparkPath = work.resolve("curves-spark" + (q + 1)).toString();
            t0 = System.nanoTime();
            spark.createDataFrame(curveRows, Schemas.CURVES).write().mode(SaveMode.ErrorIfExists)
                    .partitionBy("experiment", "optimizer").parquet(sparkPath);
            double sparkRate = count / ((System.nanoTime() - t0) / 1e9);
            if (q >= 0) {
                direct[q] = directRate;
                viaSpark[q] = sparkRate;
            }
        }
        curveRows.unpersist(false);
        results.unpersist(false);
        double l = load();
        double ratio = median(direct) / median(viaSpark);
        rows.add(new BenchRow("curve_rows_parquet", null, null, null, null, ratio, median(direct), "rows/s", l,
                count + " curve rows from the runs' results to Parquet files as GridJob writes them (parquet-hadoop, "
                        + "partitioned by experiment, optimizer), training excluded, median of " + reps + " after a round of warm-up"
                        + "; ratio: over curve_rows_parquet_spark, alternating"));
        rows.add(new BenchRow("curve_rows_parquet_spark", null, null, null, null, 1.0, median(viaSpark), "rows/s", l,
                "the same rows, already built as Rows, through Spark SQL's Parquet writer (the writer before issue "
                        + "17), median of " + reps));
        o.printf("  curves: %d rows to Parquet at %.0f rows/s directly, %.0f rows/s through Spark SQL "
                + "(%.1fx; medians of %d, alternating; load %.1f)%n", count, median(direct), median(viaSpark), ratio,
                reps, l);
        o.flush();
    }
}
