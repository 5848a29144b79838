package org.ratelab.job;

import static org.ratelab.job.Bench.seeds;
import static org.ratelab.job.Bench.TINY;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ratelab.grid.Plan;

/**
 * The {@code grid_scale} section of {@code ratelab bench} (issue 17, target 4): 10^5 tiny runs (width 16, 100
 * steps, 8 step sizes × 12,500 seeds; 10^4 with {@code --quick}) through {@code jobs/ratelab run --master local[2]} in a fresh process whose
 * driver has {@code -Xmx2g}, against the same runs in the plain two-thread loop of {@code grid_overhead}
 * ({@link BenchGrid#plainTrain}) in the bench's JVM. {@code ratio} = the job's own wall time (what {@code run}
 * prints as "done: N runs in T s": batches, commits, the tables and the analysis; JVM start, Spark start and
 * the report excluded, and shown in the note) / the loop's. The loop goes first, so the JIT has warmed up the
 * kernels before it is timed (the fresh process has to warm up its own).
 */
final class BenchGridScale {
    private BenchGridScale() {}

    /** The section, its rows added to the bench's. */
    static void run(Bench bench) throws IOException, InterruptedException {
        PrintWriter o = bench.out();
        int runs = bench.quick() ? 10_000 : 100_000;
        String body = TINY.replace("max_runs: 100000", "max_runs: 1000000")
                + "train: {steps: 100, loss_threshold: 0, record: {log_points: 20}}\n"
                // 8 step sizes x runs/8 seeds: one axis of 10^5 values is over the spec's YAML size limit
                + "grid: {optimizer.lr: [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5], seed: " + seeds(runs / 8) + "}\n";
        Path home = Path.of(System.getProperty("ratelab.home", ".")).toAbsolutePath();
        Path launcher = home.resolve("jobs").resolve("ratelab");
        if (!Files.isExecutable(launcher)) {
            o.println("  grid_scale: skipped: " + launcher + " not found (run through jobs/ratelab)");
            bench.rows().add(new BenchRow("grid_scale", null, null, null, null, null, null, null, Bench.load(),
                    "skipped: " + launcher + " not found"));
            return;
        }
        Plan plan = Bench.plan(bench.work(), "bench_grid_scale", body);
        BenchGrid.plainTrain(Bench.plan(bench.work(), "bench_grid_scale_warm", TINY
                + "train: {steps: 100, loss_threshold: 0, record: {log_points: 20}}\ngrid: {seed: " + seeds(500)
                + "}\n").runs(), 2);
        double before = Bench.load();
        double plain = BenchGrid.plainTrain(plan.runs(), 2);
        o.printf(Locale.ROOT, "  grid_scale: plain 2-thread loop, %,d runs: %.2f s%n", runs, plain);
        o.flush();
        Path work = Files.createDirectories(bench.work().resolve("grid_scale"));
        Path spec = work.resolve("bench_grid_scale.yaml");
        Files.writeString(spec, "experiment: bench_grid_scale\n" + body);
        Path log = work.resolve("run.log");
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "run", spec.toString(), "--master", "local[2]",
                "--out", work.resolve("out").toString(), "--overwrite")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("RATELAB_JAVA_OPTS", "-Xmx2g");
        pb.environment().put("RATELAB_CDS_WAIT", "1");
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("grid_scale: ratelab run did not finish in 60 minutes (log: " + log + ")");
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        String text = Files.readString(log, StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("done: ([0-9,]+) runs in ([0-9.]+) s").matcher(text);
        if (p.exitValue() != 0 || !m.find()) {
            throw new IOException("grid_scale: ratelab run exit " + p.exitValue() + " (log: " + log + ")");
        }
        double job = Double.parseDouble(m.group(2));
        double l = (before + Bench.load()) / 2;
        bench.rows().add(new BenchRow("grid_scale", "tanh", 16, null, null, job / plain, job, "s (job)", l,
                String.format(Locale.ROOT, "%,d runs x 100 steps: ratelab run --master local[2], driver -Xmx2g: "
                        + "job %.1f s (process %.1f s with JVM, Spark and report) vs plain 2-thread loop %.1f s; "
                        + "ratio = job / loop (goal <= 1.3)", runs, job, wall, plain)));
        o.printf(Locale.ROOT, "  grid_scale: %,d runs: job %.1f s (process %.1f s), plain loop %.1f s: %.2f x "
                + "(load %.1f)%n", runs, job, wall, plain, job / plain, l);
        o.flush();
    }
}
