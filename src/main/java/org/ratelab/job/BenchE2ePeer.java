package org.ratelab.job;

import static org.ratelab.job.Bench.median;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code e2e_peer} section of {@code ratelab bench} (issue 17, target 1): the quickstart end to end,
 * {@code jobs/ratelab run conf/experiments/quickstart.yaml} in a fresh process (planning, Spark, training, the
 * tables, the analysis and the report), against {@code ../shared/peers/quickstart_torch.py}, the same grid
 * written as a PyTorch script with a multiprocessing pool of 2. The peer trains each run for the steps
 * ratelab's own run took, read from ratelab's runs table (a CSV of {@code optimizer,width,seed,steps} written
 * once by {@code ratelab sql --to}, not timed), so both do the same work. One round that is not counted, then
 * alternating rounds (3, 1 with {@code --quick}) in turns of who goes first; {@code ratio} = median ratelab
 * time / median peer time (goal ≤ 0.75). Skipped, with a note, when python, torch or the peer is missing.
 */
final class BenchE2ePeer {
    private BenchE2ePeer() {}

    /** The section, its rows added to the bench's; {@code python} null: skipped (--no-peer). */
    static void run(Bench bench, String python) throws IOException, InterruptedException {
        PrintWriter o = bench.out();
        Path home = Path.of(System.getProperty("ratelab.home", ".")).toAbsolutePath();
        Path launcher = home.resolve("jobs").resolve("ratelab");
        Path spec = home.resolve("conf/experiments/quickstart.yaml");
        Path peer = home.resolve("../shared/peers/quickstart_torch.py").normalize();
        String missing = python == null ? "--no-peer"
                : !Files.isExecutable(launcher) ? launcher + " not found (run through jobs/ratelab)"
                : !Files.isRegularFile(peer) ? "peer script not found: " + peer
                : !torch(python, bench.work()) ? python + " cannot import torch" : null;
        if (missing != null) {
            bench.rows().add(new BenchRow("e2e_peer", null, null, null, null, null, null, null, Bench.load(),
                    "skipped: " + missing));
            o.println("  e2e_peer: skipped: " + missing);
            o.flush();
            return;
        }
        Path work = Files.createDirectories(bench.work().resolve("e2e_peer"));
        Path steps = work.resolve("steps.csv");
        List<String> ratelab = List.of(launcher.toString(), "run", spec.toString(), "--out",
                work.resolve("quickstart").toString(), "--overwrite");
        List<String> torch = List.of(python, peer.toString(), steps.toString(), work.resolve("peer.csv").toString());
        // the round that is not counted: archives, caches and the steps the peer reads
        LatencyBenchCommand.run(work, "ratelab-warm", ratelab);
        LatencyBenchCommand.run(work, "steps", List.of(launcher.toString(), "sql", "--out",
                work.resolve("quickstart").toString(), "SELECT optimizer, width, seed, steps FROM runs "
                        + "ORDER BY run_index", "--to", steps.toString()));
        LatencyBenchCommand.run(work, "peer-warm", torch);
        int rounds = bench.quick() ? 1 : 3;
        double[] rs = new double[rounds];
        double[] ps = new double[rounds];
        List<Double> loads = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            for (int turn = 0; turn < 2; turn++) {
                boolean ours = (turn + r) % 2 == 0;
                double before = Bench.load();
                double s = LatencyBenchCommand.run(work, (ours ? "ratelab-" : "peer-") + r, ours ? ratelab : torch);
                loads.add((before + Bench.load()) / 2);
                if (ours) rs[r] = s;
                else ps[r] = s;
                o.printf(Locale.ROOT, "  e2e_peer round %d: %-7s %6.2f s%n", r + 1, ours ? "ratelab" : "peer", s);
                o.flush();
            }
        }
        double l = LatencyBenchCommand.median(loads);
        double ratio = median(rs) / median(ps);
        bench.rows().add(new BenchRow("e2e_peer", "tanh", null, null, null, ratio, median(rs), "s (ratelab)", l,
                String.format(Locale.ROOT, "quickstart (24 runs) end to end, report included: ratelab %.2f s "
                        + "(%.2f-%.2f) vs %s %.2f s (%.2f-%.2f), each a fresh process, alternating, median of %d; "
                        + "ratio = ratelab / peer (goal <= 0.75)", median(rs), min(rs), max(rs),
                        peer.getFileName(), median(ps), min(ps), max(ps), rounds)));
        o.printf(Locale.ROOT, "  e2e_peer: ratelab %.2f s, PyTorch peer %.2f s: %.2f x (load %.1f)%n", median(rs),
                median(ps), ratio, l);
        o.flush();
    }

    /** Whether {@code python} imports torch. */
    private static boolean torch(String python, Path work) throws InterruptedException {
        try {
            LatencyBenchCommand.run(work, "torch-check", List.of(python, "-c", "import torch"));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) m = Math.min(m, x);
        return m;
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) m = Math.max(m, x);
        return m;
    }
}
