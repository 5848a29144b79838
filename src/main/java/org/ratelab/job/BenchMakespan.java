package org.ratelab.job;

import static org.ratelab.job.Bench.load;
import static org.ratelab.job.Bench.plan;
import static org.ratelab.job.Bench.seeds;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.ratelab.grid.Plan;
import org.ratelab.grid.Scheduler;
import org.ratelab.train.RunConfig;
import org.ratelab.train.Trainer;

/**
 * The {@code makespan} section of {@code ratelab bench}: {@code makespan_skewed}, a grid of widths 16 … 4096
 * through Spark; {@code ratio} = measured makespan / (sum of measured run times / cores).
 */
final class BenchMakespan {
    private final boolean quick;

    private BenchMakespan(boolean quick) {
        this.quick = quick;
    }

    /** The section, its rows added to the bench's. */
    static void run(Bench bench, SparkSession spark) throws Exception {
        new BenchMakespan(bench.quick()).makespan(spark, bench.work(), bench.rows(), bench.out());
    }

    private void makespan(SparkSession spark, Path work, List<BenchRow> rows, PrintWriter o) throws Exception {
        Plan plan = plan(work, "bench_skewed", """
                seed: 0
                data: {kind: teacher_student, n: 256, d: 32, teacher: two_layer, teacher_width: 4}
                model: {kind: two_layer, width: 16, activation: tanh}
                optimizer: {name: gd, lr: 0.1}
                """ + "train: {steps: " + (quick ? 20 : 60) + ", loss_threshold: 0, record: {log_points: 10}}\n"
                + "grid: {model.width: [16, 32, 64, 128, 256, 512, 1024, 2048, 4096], seed: "
                + seeds(quick ? 2 : 4) + "}\n");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int cores = jsc.defaultParallelism();
        int parts = Math.max(1, cores * 2);
        List<List<RunConfig>> buckets = Scheduler.assign(plan.runs(), parts);
        long origin = System.nanoTime();
        // each task: [start, end, sum of its runs' times] in ns since origin (local mode: one clock)
        List<long[]> spans = jsc.parallelize(buckets, buckets.size())
                .map(bucket -> {
                    long s = System.nanoTime();
                    long sum = 0;
                    for (RunConfig c : bucket) {
                        long t = System.nanoTime();
                        Trainer.train(c);
                        sum += System.nanoTime() - t;
                    }
                    return new long[] {s, System.nanoTime(), sum};
                })
                .collect();
        long end = System.nanoTime();
        long start = Long.MAX_VALUE;
        long finish = 0;
        long work1 = 0;
        for (long[] s : spans) {
            start = Math.min(start, s[0]);
            finish = Math.max(finish, s[1]);
            work1 += s[2];
        }
        double makespan = (finish - start) / 1e9;
        double ideal = work1 / 1e9 / cores;
        double l = load();
        double est = Scheduler.makespanRatio(buckets);
        rows.add(new BenchRow("makespan_skewed", null, null, null, null, makespan / ideal, makespan, "s", l,
                String.format(Locale.ROOT, "%d runs, widths 16..4096, %d partitions on %d cores: makespan %.2f s vs "
                        + "ideal %.2f s (measured run times / cores); job wall %.2f s; estimated-cost LPT ratio %.3f",
                        plan.runs().size(), parts, cores, makespan, ideal, (end - origin) / 1e9, est)));
        o.printf("  makespan: %.2f s vs ideal %.2f s: %.3f x (load %.1f)%n", makespan, ideal, makespan / ideal, l);
        o.flush();
    }
}
