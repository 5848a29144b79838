package org.ratelab.job;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.ratelab.grid.Plan;
import org.ratelab.grid.Planner;
import org.ratelab.spec.SpecLoader;

/**
 * What every section of {@code ratelab bench} shares: {@code --quick}, the scratch directory its specs and
 * tables go to, the rows measured so far, the console; and the helpers the sections time and plan with.
 */
record Bench(boolean quick, Path work, List<BenchRow> rows, PrintWriter out) {
    /** The spec {@code body} written as experiment {@code name} under {@code work}, planned. */
    static Plan plan(Path work, String name, String body) throws IOException {
        Path f = work.resolve(name + ".yaml");
        Files.writeString(f, "experiment: " + name + "\n" + body);
        return Planner.plan(SpecLoader.load(f, null));
    }

    /** The seed list [1, 2, …, count]. */
    static String seeds(int count) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 1; i <= count; i++) b.append(i == 1 ? "" : ", ").append(i);
        return b.append(']').toString();
    }

    /** Tiny two-layer runs (width 16), the grid and curves sections' unit of work. */
    static final String TINY = """
            seed: 0
            data: {kind: teacher_student, n: 128, d: 16, teacher: two_layer, teacher_width: 4}
            model: {kind: two_layer, width: 16, activation: tanh}
            optimizer: {name: gd, lr: 0.5}
            limits: {max_runs: 100000}
            """;

    /** Seconds for k runs of body. */
    static double time(Runnable body, int k) {
        long t0 = System.nanoTime();
        for (int i = 0; i < k; i++) body.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    /** The 1-minute load average (NaN when unreadable). */
    static double load() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
