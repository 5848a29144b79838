package org.ratelab.job;

import static org.ratelab.job.Bench.load;
import static org.ratelab.job.Bench.median;
import static org.ratelab.job.Bench.seeds;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The {@code plan} section of {@code ratelab bench}: {@code plan_scale}, {@code ratelab plan} of one spec at
 * 10^4 and at 10^6 runs, each in a fresh JVM with {@code -Xmx1g} (issue 17: the 10^6-run plan within 20 times
 * the 10^4-run one). The grid is 2 optimizers × 4 widths × 10 learning rates × a seed axis of 125 or 12,500
 * seeds; {@code ratio} = time at 10^6 / time at 10^4, JVM start included in both, medians of 3 interleaved
 * rounds (1 with {@code --quick}).
 */
final class BenchPlan {
    private BenchPlan() {}

    /** Runs per seed of {@link #spec}. */
    static final int RUNS_PER_SEED = 80;

    /** The section, its rows added to the bench's. */
    static void run(Bench bench) throws IOException, InterruptedException {
        PrintWriter o = bench.out();
        int rounds = bench.quick() ? 1 : 3;
        double[] ts = new double[rounds];
        double[] tl = new double[rounds];
        Timed small = null;
        Timed large = null;
        for (int r = 0; r < rounds; r++) {      // interleaved, so both sizes see the same load
            small = plan(bench.work(), 10_000 / RUNS_PER_SEED);
            large = plan(bench.work(), 1_000_000 / RUNS_PER_SEED);
            ts[r] = small.seconds();
            tl[r] = large.seconds();
        }
        small = new Timed(small.runs(), median(ts), small.exit(), small.output());
        large = new Timed(large.runs(), median(tl), large.exit(), large.output());
        double l = load();
        bench.rows().add(new BenchRow("plan_1e4", null, null, null, null, null, small.seconds(), "s", l,
                small.note()));
        bench.rows().add(new BenchRow("plan_scale", null, null, null, null, large.seconds() / small.seconds(),
                large.seconds(), "s", l, large.note() + "; ratio = 10^6 time / 10^4 time (goal <= 20)"));
        o.printf("  plan: 10^4 runs %.2f s, 10^6 runs %.2f s: %.1f x (load %.1f)%n", small.seconds(),
                large.seconds(), large.seconds() / small.seconds(), l);
        o.flush();
    }

    /** A timed {@code ratelab plan}: wall seconds, exit code and what it printed. */
    record Timed(int runs, double seconds, int exit, String output) {
        String note() {
            return String.format(Locale.ROOT, "%,d runs, fresh JVM -Xmx1g, exit %d, median wall time of the rounds "
                    + "(1 with --quick, else 3, interleaved with the other size)", runs, exit);
        }
    }

    /** The bench spec with {@code seedCount} seeds ({@link #RUNS_PER_SEED} runs each). */
    static String spec(String name, int seedCount) {
        return "experiment: " + name + "\n" + """
                seed: 0
                data: {kind: teacher_student, n: 128, d: 16, teacher: two_layer, teacher_width: 4}
                model: {kind: two_layer, width: 16, activation: tanh}
                train: {steps: 100}
                optimizers:
                  - {name: gd}
                  - {name: sgd, batch_size: 16}
                limits: {max_runs: 2000000}
                grid:
                  model.width: [16, 32, 64, 128]
                  optimizer.lr: [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5]
                """ + "  seed: " + seeds(seedCount) + "\n";
    }

    /** {@code ratelab plan} of {@link #spec} with {@code seedCount} seeds in a fresh JVM with -Xmx1g. */
    static Timed plan(Path work, int seedCount) throws IOException, InterruptedException {
        Path f = work.resolve("bench_plan_" + seedCount + ".yaml");
        Files.writeString(f, spec("bench_plan", seedCount));
        Path log = work.resolve("bench_plan_" + seedCount + ".out");
        ProcessBuilder pb = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "plan", f.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("ratelab plan of " + f + " did not finish in 10 minutes");
        }
        double s = (System.nanoTime() - t0) / 1e9;
        return new Timed(seedCount * RUNS_PER_SEED, s, p.exitValue(),
                Files.readString(log, StandardCharsets.UTF_8));
    }
}
