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
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.ratelab.grid.Plan;
import org.ratelab.grid.Scheduler;
import org.ratelab.table.Rows;
import org.ratelab.train.RunConfig;
import org.ratelab.train.RunResult;
import org.ratelab.train.Trainer;

/**
 * The {@code grid} section of {@code ratelab bench}: {@code grid_overhead}, tiny runs (width 16, 100 steps)
 * trained through Spark with GridJob's partitioning, against the same runs in a plain two-thread loop;
 * {@code ratio} = Spark / plain time.
 */
final class BenchGrid {
    private final boolean quick;

    private BenchGrid(boolean quick) {
        this.quick = quick;
    }

    /** The section, its rows added to the bench's. */
    static void run(Bench bench, SparkSession spark) throws Exception {
        new BenchGrid(bench.quick()).grid(spark, bench.work(), bench.rows(), bench.out());
    }

    private void grid(SparkSession spark, Path work, List<BenchRow> rows, PrintWriter o) throws Exception {
        int runs = quick ? 500 : 2000;
        Plan plan = plan(work, "bench_grid", TINY + "train: {steps: 100, loss_threshold: 0, record: {log_points: 20}}\n"
                + "grid: {seed: " + seeds(runs) + "}\n");
        Plan warm = plan(work, "bench_grid_warm", TINY + "train: {steps: 100, loss_threshold: 0, record: {log_points: 20}}\n"
                + "grid: {seed: " + seeds(200) + "}\n");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int parts = Math.max(1, jsc.defaultParallelism() * 2);   // GridJob's default
        int threads = jsc.defaultParallelism();
        sparkTrain(jsc, warm.runs(), parts);
        plainTrain(warm.runs(), threads);
        int reps = quick ? 2 : 3;
        double[] sp = new double[reps];
        double[] pl = new double[reps];
        double[] ratio = new double[reps];
        for (int q = 0; q < reps; q++) {
            pl[q] = plainTrain(plan.runs(), threads);
            sp[q] = sparkTrain(jsc, plan.runs(), parts);
            ratio[q] = sp[q] / pl[q];
        }
        double l = load();
        double r = median(ratio);
        rows.add(new BenchRow("grid_overhead", "tanh", 16, null, null, r, median(sp), "s (spark)", l,
                String.format(Locale.ROOT, "%d runs x 100 steps: Spark %s (%d partitions) %.2f s vs plain %d-thread loop "
                        + "%.2f s; ratio = Spark / plain, median of %d", runs, spark.sparkContext().master(), parts,
                        median(sp), threads, median(pl), reps)));
        o.printf("  grid: %d tiny runs: Spark %.2f s, plain %d threads %.2f s: overhead %.1f%% (load %.1f)%n", runs,
                median(sp), threads, median(pl), 100 * (r - 1), l);
        o.flush();
    }

    /** Trains the runs through Spark as GridJob does (LPT buckets, one task each), rows built; seconds. */
    static double sparkTrain(JavaSparkContext jsc, List<RunConfig> runs, int parts) {
        List<List<RunConfig>> buckets = Scheduler.assign(runs, parts);
        long t0 = System.nanoTime();
        long rows = jsc.parallelize(buckets, buckets.size())
                .map(bucket -> {
                    long n = 0;
                    for (RunConfig c : bucket) n += rowsOf(Trainer.train(c));
                    return n;
                })
                .reduce(Long::sum);
        if (rows <= 0) throw new IllegalStateException("no rows");
        return (System.nanoTime() - t0) / 1e9;
    }

    private static long rowsOf(RunResult r) {
        Rows.run(r);
        return 1 + Rows.curve(r).size();
    }

    /**
     * The same runs in a plain loop of {@code threads} threads, each taking the next run from a shared queue
     * (longest first): the best a hand-written loop does, and robust to one thread being descheduled; seconds.
     */
    static double plainTrain(List<RunConfig> runs, int threads) throws InterruptedException {
        List<RunConfig> queue = new ArrayList<>(runs);
        queue.sort(java.util.Comparator.comparingDouble(RunConfig::cost).reversed());
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        long t0 = System.nanoTime();
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                for (int j; (j = next.getAndIncrement()) < queue.size(); ) rowsOf(Trainer.train(queue.get(j)));
            });
            t.start();
            ts.add(t);
        }
        for (Thread t : ts) t.join();
        return (System.nanoTime() - t0) / 1e9;
    }
}
