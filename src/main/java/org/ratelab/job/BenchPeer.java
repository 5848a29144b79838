package org.ratelab.job;

import static org.ratelab.job.Bench.load;
import static org.ratelab.job.BenchSteps.D;
import static org.ratelab.job.BenchSteps.N;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PyTorch peer of the {@code steps} section: {@code ../shared/peers/torch_mlp_steps.py} run alone just
 * before and just after the step benchmark, averaged; {@code ratio} = ratelab tanh steps/s / torch steps/s.
 * Skipped, with a note, when python or torch is missing.
 */
record BenchPeer(Process process, Path script, String missing) {
    /** Starts the peer script as a child process, or records why it cannot run. */
    static BenchPeer start(String python, boolean quick) {
        Path home = Path.of(System.getProperty("ratelab.home", "."));
        Path script = home.resolve("../shared/peers/torch_mlp_steps.py").normalize();
        if (!Files.isRegularFile(script)) return new BenchPeer(null, script, "peer script not found: " + script);
        try {
            ProcessBuilder pb = new ProcessBuilder(python, script.toString(), String.valueOf(N), String.valueOf(D),
                    quick ? "60" : "200");
            pb.environment().put("OMP_NUM_THREADS", "1");
            pb.redirectErrorStream(true);
            return new BenchPeer(pb.start(), script, null);
        } catch (IOException e) {
            return new BenchPeer(null, script, "cannot start " + python + ": " + e.getMessage());
        }
    }

    /** Waits for the peer and parses its lines. */
    Result finish() throws IOException, InterruptedException {
        if (missing != null) return new Result(Map.of(), missing);
        StringBuilder text = new StringBuilder();
        try (BufferedReader br = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = br.readLine()) != null; ) text.append(line).append('\n');
        }
        if (!process.waitFor(30, TimeUnit.MINUTES)) process.destroy();
        Pattern p = Pattern.compile("width=(\\d+) torch_steps_per_s=([0-9.]+) numpy_steps_per_s=([0-9.]+)");
        Map<Integer, double[]> out = new LinkedHashMap<>();
        for (String line : text.toString().split("\n")) {
            Matcher mt = p.matcher(line);
            if (mt.find()) {
                out.put(Integer.parseInt(mt.group(1)), new double[] {Double.parseDouble(mt.group(2)),
                    Double.parseDouble(mt.group(3))});
            }
        }
        if (out.isEmpty()) {
            String t = text.toString().strip();
            return new Result(out, "peer printed no results (torch missing?): "
                    + (t.length() > 200 ? t.substring(t.length() - 200) : t).replace('\n', ' '));
        }
        return new Result(out, null);
    }

    /** The peer's per-width [torch, numpy] steps/s, or why there are none. */
    record Result(Map<Integer, double[]> perWidth, String missing) {
    }

    /** The {@code torch_peer} rows beside the {@code train_step} tanh rows; one row with the reason when missing. */
    static void rows(List<BenchRow> rows, Result before, Result after, PrintWriter o) {
        if (before == null) {
            o.println("  torch peer: skipped (--no-peer)");
            return;
        }
        String missing = before.missing() != null ? before.missing() : after.missing();
        if (missing != null) {
            o.println("  torch peer: not available: " + missing);
            rows.add(new BenchRow("torch_peer", "tanh", null, null, null, null, null, null, load(), missing));
            return;
        }
        for (BenchRow r : List.copyOf(rows)) {
            if (!r.benchmark().equals("train_step") || !"tanh".equals(r.activation())) continue;
            double[] b = before.perWidth().get(r.width());
            double[] a = after.perWidth().get(r.width());
            if (b == null || a == null) continue;
            double torch = (b[0] + a[0]) / 2;
            double numpy = (b[1] + a[1]) / 2;
            double flops = 4.0 * N * D * r.width();
            rows.add(new BenchRow("torch_peer", "tanh", r.width(), torch, torch * flops / 1e9, r.stepsPerS() / torch,
                    numpy, "numpy steps/s", load(), String.format(Locale.ROOT, "ratio = ratelab tanh steps/s / torch "
                    + "steps/s; torch alone before %.1f and after %.1f the ratelab steps, averaged", b[0], a[0])));
            o.printf("  width %5d: torch %9.1f steps/s (before %.1f, after %.1f), numpy %9.1f; ratelab/torch %.2f%n",
                    r.width(), torch, b[0], a[0], numpy, r.stepsPerS() / torch);
        }
        o.flush();
    }
}
