package org.ratelab.grid;

import org.ratelab.train.RunConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import org.ratelab.spec.SpecLoader;

/**
 * Makespan against the ideal (total estimated work / cores) for ways of placing a grid's runs on Spark
 * tasks, computed from the runs' cost estimates: round robin in plan order (the naive placement), LPT in
 * one job, and LPT in committed batches the way {@code GridJob} runs them. {@code main} prints the table for
 * a skewed two-layer grid with widths 16 … 4096 (or for a spec given as the first argument); the bench
 * command of issue #10 can call {@link #table}.
 */
public final class Makespan {
    private Makespan() {}

    /** The grid of the benchmark: widths 16 … 4096, 16 seeds, GD and SGD (288 runs). */
    public static final String SKEWED_SPEC = """
            experiment: makespan
            data: {kind: teacher_student, n: 256, d: 16, teacher: two_layer, teacher_width: 4}
            model: {kind: two_layer, activation: tanh, parameterization: ntk}
            train: {steps: 1000, record: {log_points: 30}}
            optimizers:
              - {name: gd, lr: 1.0}
              - {name: sgd, lr: 0.5, batch_size: 32}
            grid:
              model.width: [16, 32, 64, 128, 256, 512, 1024, 2048, 4096]
              seed: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]
            """;

    /** One row: makespan / ideal of each placement, on {@code cores} cores. */
    public record Row(int cores, int runs, double bound, double contiguous, double roundRobin, double lptOneJob,
                      double lptBatched) {
    }

    /**
     * Makespan / ideal on {@code cores} cores with {@code 2 × cores} partitions (the default), for round
     * robin and LPT in one job, and for LPT in batches of {@code batchRuns} runs, {@code inFlight} at a time.
     */
    public static Row row(List<RunConfig> runs, int cores, int batchRuns, int inFlight) {
        int parts = 2 * cores;
        double ideal = total(runs) / cores;
        double maxRun = 0;
        for (RunConfig r : runs) maxRun = Math.max(maxRun, r.cost());
        double contiguous = Scheduler.listMakespan(Scheduler.loads(contiguous(runs, parts)), cores) / ideal;
        double rr = Scheduler.listMakespan(Scheduler.loads(Scheduler.roundRobin(runs, parts)), cores) / ideal;
        double lpt = Scheduler.listMakespan(Scheduler.loads(Scheduler.assign(runs, parts)), cores) / ideal;
        List<RunConfig> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingDouble(RunConfig::cost).reversed().thenComparingInt(RunConfig::index));
        List<double[]> batches = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i += batchRuns) {
            batches.add(Scheduler.loads(Scheduler.assign(sorted.subList(i, Math.min(sorted.size(), i + batchRuns)),
                    parts)));
        }
        double batched = batchedMakespan(batches, cores, inFlight) / ideal;
        return new Row(cores, runs.size(), Math.max(1.0, maxRun / ideal), contiguous, rr, lpt, batched);
    }

    /** Runs in plan order cut into contiguous slices, as {@code parallelize(runs, p)} slices a list. */
    public static List<List<RunConfig>> contiguous(List<RunConfig> runs, int partitions) {
        int p = Math.max(1, Math.min(partitions, runs.size()));
        List<List<RunConfig>> out = new ArrayList<>();
        for (int i = 0; i < p; i++) {
            out.add(new ArrayList<>(runs.subList((int) ((long) i * runs.size() / p),
                    (int) ((long) (i + 1) * runs.size() / p))));
        }
        return out;
    }

    /**
     * Discrete-event simulation of batches run as Spark jobs: at most {@code inFlight} batches submitted at
     * once (the next one when one finishes), their tasks queued in submission order, each task on the first
     * free core.
     */
    public static double batchedMakespan(List<double[]> batches, int cores, int inFlight) {
        record Running(double end, int batch) {}
        PriorityQueue<Running> running = new PriorityQueue<>(Comparator.comparingDouble(Running::end));
        java.util.ArrayDeque<double[]> queue = new java.util.ArrayDeque<>();  // {cost, batch}
        int[] left = new int[batches.size()];
        int submitted = 0;
        int active = 0;
        int free = Math.max(1, cores);
        double now = 0;
        while (true) {
            while (active < inFlight && submitted < batches.size()) {
                double[] tasks = batches.get(submitted);
                left[submitted] = tasks.length;
                for (double t : tasks) queue.add(new double[] {t, submitted});
                active++;
                submitted++;
            }
            while (free > 0 && !queue.isEmpty()) {
                double[] t = queue.poll();
                running.add(new Running(now + t[0], (int) t[1]));
                free--;
            }
            if (running.isEmpty()) return now;
            Running done = running.poll();
            now = done.end();
            free++;
            if (--left[done.batch()] == 0) active--;
        }
    }

    static double total(List<RunConfig> runs) {
        double s = 0;
        for (RunConfig r : runs) s += r.cost();
        return s;
    }

    /** The benchmark table for the runs, on 2, 8 and 32 cores, batches as GridJob cuts them by default. */
    public static String table(List<RunConfig> runs) {
        StringBuilder b = new StringBuilder();
        double max = 0;
        double min = Double.MAX_VALUE;
        for (RunConfig r : runs) {
            max = Math.max(max, r.cost());
            min = Math.min(min, r.cost());
        }
        b.append(String.format(Locale.ROOT, "%d runs, costliest / cheapest run = %.0f; makespan / ideal "
                + "(ideal = total estimated work / cores; lower bound: the costliest run; partitions = 2 x cores)%n", runs.size(), max / min));
        b.append(String.format(Locale.ROOT, "%6s %12s %12s %12s %12s %12s%n", "cores", "lower bound", "contiguous",
                "round-robin", "LPT 1 job", "LPT batched"));
        for (int cores : new int[] {2, 8, 32}) {
            int batchRuns = Math.max(2 * 2 * cores, (runs.size() + 49) / 50);
            Row r = row(runs, cores, batchRuns, 2);
            b.append(String.format(Locale.ROOT, "%6d %12.3f %12.3f %12.3f %12.3f %12.3f%n", cores, r.bound(),
                    r.contiguous(), r.roundRobin(), r.lptOneJob(), r.lptBatched()));
        }
        return b.toString();
    }

    public static void main(String[] args) throws Exception {
        Path spec;
        if (args.length > 0) {
            spec = Path.of(args[0]);
        } else {
            spec = Files.createTempFile("makespan", ".yaml");
            Files.writeString(spec, SKEWED_SPEC);
            spec.toFile().deleteOnExit();
        }
        System.out.print(table(Planner.plan(SpecLoader.load(spec, "default")).runs()));
    }
}
