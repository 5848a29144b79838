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
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.ratelab.grid.Plan;
import org.ratelab.grid.Scheduler;
import org.ratelab.table.Rows;
import org.ratelab.table.Schemas;
import org.ratelab.train.RunConfig;
import org.ratelab.train.Trainer;

/**
 * The {@code curves} section of {@code ratelab bench}: {@code curve_rows_parquet}, curve rows written per
 * second to Parquet (GridJob's schema and partitioning), training excluded.
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
        int runs = quick ? 300 : 1000;
        Plan plan = plan(work, "bench_curves", TINY + "train: {steps: 100, loss_threshold: 0, record: {every: 1}}\n"
                + "grid: {seed: " + seeds(runs) + "}\n");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<List<RunConfig>> buckets = Scheduler.assign(plan.runs(), Math.max(1, jsc.defaultParallelism() * 2));
        JavaRDD<Row> curveRows = jsc.parallelize(buckets, buckets.size())
                .flatMap(bucket -> {
                    List<Row> rs = new ArrayList<>();
                    for (RunConfig c : bucket) rs.addAll(Rows.curve(Trainer.train(c)));
                    return rs.iterator();
                })
                .persist(StorageLevel.MEMORY_ONLY());
        long count = curveRows.count();
        int reps = quick ? 2 : 3;
        double[] rate = new double[reps];
        for (int q = 0; q < reps; q++) {
            String path = work.resolve("curves" + q).toString();
            long t0 = System.nanoTime();
            spark.createDataFrame(curveRows, Schemas.CURVES).write().mode(SaveMode.ErrorIfExists)
                    .partitionBy("experiment", "optimizer").parquet(path);
            rate[q] = count / ((System.nanoTime() - t0) / 1e9);
        }
        curveRows.unpersist(false);
        double l = load();
        rows.add(new BenchRow("curve_rows_parquet", null, null, null, null, null, median(rate), "rows/s", l,
                count + " curve rows (GridJob schema, partitioned by experiment, optimizer), training excluded"));
        o.printf("  curves: %d rows to Parquet at %.0f rows/s (load %.1f)%n", count, median(rate), l);
        o.flush();
    }
}
