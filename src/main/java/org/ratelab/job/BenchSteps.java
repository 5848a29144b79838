package org.ratelab.job;

import static org.ratelab.job.Bench.load;
import static org.ratelab.job.Bench.median;
import static org.ratelab.job.Bench.plan;
import static org.ratelab.job.Bench.time;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ratelab.data.Dataset;
import org.ratelab.grid.Plan;
import org.ratelab.linalg.Blas;
import org.ratelab.model.Model;
import org.ratelab.model.Models;
import org.ratelab.spec.Node;
import org.ratelab.train.RunConfig;
import org.ratelab.train.Seeds;
import org.ratelab.train.Trainer;

/**
 * The {@code steps} section of {@code ratelab bench}: {@code train_step}, single-thread full-batch GD steps/s
 * of the two-layer tanh and relu networks (n = 512, d = 64, float64) and the GFLOP/s that implies counting the
 * GEMM flops 4·n·d·m, {@code ratio} = step GFLOP/s / dgemm GFLOP/s, the median of per-round ratios;
 * {@code dgemm}, native dgemm on the step's two shapes, timed in the same rounds, interleaved with the steps;
 * {@code torch_peer} ({@link BenchPeer}) just before and just after; and {@code trainer_step}, the trainer's
 * own cost per step.
 */
final class BenchSteps {
    static final int N = 512;
    static final int D = 64;
    static final int[] WIDTHS = {16, 64, 256, 1024, 4096};

    private final boolean quick;

    private BenchSteps(boolean quick) {
        this.quick = quick;
    }

    /** The section; the peer (unless {@code noPeer}) runs with {@code python}. */
    static void run(Bench bench, String python, boolean noPeer) throws IOException, InterruptedException {
        BenchSteps s = new BenchSteps(bench.quick());
        List<BenchRow> rows = bench.rows();
        PrintWriter o = bench.out();
        // the peer runs alone just before and just after the steps (neither competes with the other for the
        // two cores), and its two runs are averaged: load drift during the steps is bracketed
        BenchPeer.Result before = noPeer ? null : BenchPeer.start(python, bench.quick()).finish();
        s.steps(rows, o);
        BenchPeer.Result after = noPeer || before.missing() != null ? before
                : BenchPeer.start(python, bench.quick()).finish();
        BenchPeer.rows(rows, before, after, o);
        s.trainer(bench.work(), rows, o);
    }

    // ------------------------------------------------------------------ (a) steps, (b) dgemm

    private void steps(List<BenchRow> rows, PrintWriter o) {
        SplittableRandom r = new SplittableRandom(1);
        double[] x = new double[N * D];
        double[] y = new double[N];
        for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian();
        for (int i = 0; i < N; i++) y[i] = r.nextGaussian();
        Dataset data = Dataset.of(N, D, x, y);
        int rounds = quick ? 5 : 11;
        double target = quick ? 0.2 : 0.5;     // seconds per timed batch
        for (int m : WIDTHS) {
            Model tanh = model(data, m, "tanh");
            Model relu = model(data, m, "relu");
            double[][] th = {init(tanh), init(relu)};
            double[][] g = {new double[tanh.dim()], new double[relu.dim()]};
            Model[] models = {tanh, relu};
            double[] w = new double[D * m];
            double[] z = new double[m * N];
            double[] gw = new double[D * m];
            for (int i = 0; i < w.length; i++) w[i] = r.nextGaussian() / Math.sqrt(D);
            double flops = 4.0 * N * D * m;
            // warm-up and batch size
            int k = 1;
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                for (int a = 0; a < 2; a++) gdSteps(models[a], th[a], g[a], k);
                gemms(m, w, x, z, gw, k);
                double s = (System.nanoTime() - t0) / 1e9 / 3;
                k = (int) Math.max(1, Math.min(100_000, k * target / Math.max(s, 1e-6)));
            }
            double[][] stepRate = new double[2][rounds];
            double[] gemmRate = new double[rounds];
            double[][] ratio = new double[2][rounds];
            for (int q = 0; q < rounds; q++) {
                stepRate[0][q] = k / time(() -> gdSteps(tanh, th[0], g[0], 1), k);
                gemmRate[q] = k / time(() -> gemms(m, w, x, z, gw, 1), k);
                stepRate[1][q] = k / time(() -> gdSteps(relu, th[1], g[1], 1), k);
                for (int a = 0; a < 2; a++) ratio[a][q] = stepRate[a][q] / gemmRate[q];
            }
            double l = load();
            double gr = median(gemmRate);
            rows.add(new BenchRow("dgemm", null, m, gr, gr * flops / 1e9, 1.0, null, null, l,
                    "native dgemm " + m + "x" + N + "x" + D + " (TN) + " + D + "x" + m + "x" + N + " (NT), per pair"));
            for (int a = 0; a < 2; a++) {
                double sr = median(stepRate[a]);
                rows.add(new BenchRow("train_step", a == 0 ? "tanh" : "relu", m, sr, sr * flops / 1e9,
                        median(ratio[a]), null, null, l, "ratio = step GFLOP/s / dgemm GFLOP/s, median of " + rounds
                        + " interleaved rounds of " + k + " steps"));
            }
            o.printf("  width %5d: tanh %9.1f  relu %9.1f steps/s, dgemm %6.1f GFLOP/s, tanh %.2f relu %.2f of dgemm"
                    + " (load %.1f)%n", m, median(stepRate[0]), median(stepRate[1]), gr * flops / 1e9,
                    median(ratio[0]), median(ratio[1]), l);
            o.flush();
        }
    }

    /** k full-batch GD steps. */
    private static void gdSteps(Model m, double[] theta, double[] g, int k) {
        for (int s = 0; s < k; s++) {
            m.lossGrad(theta, null, 0, g);
            Blas.axpy(theta.length, -1e-3, g, theta);
        }
    }

    private static void gemms(int m, double[] w, double[] x, double[] z, double[] gw, int k) {
        for (int s = 0; s < k; s++) {
            Blas.gemm(true, false, m, N, D, 1.0, w, D, x, D, 0.0, z, m);
            Blas.gemm(false, true, D, m, N, 1.0, x, D, z, m, 0.0, gw, D);
        }
    }

    private static Model model(Dataset data, int m, String act) {
        Map<String, Object> spec = new LinkedHashMap<>(Map.of("kind", "two_layer", "width", m, "activation", act));
        return Models.parse(new Node("model", spec)).instantiate(data);
    }

    private static double[] init(Model m) {
        double[] t = new double[m.dim()];
        m.init(t, new SplittableRandom(2));
        return t;
    }

    // ------------------------------------------------------------------ the trainer's own cost per step

    /**
     * Steps/s of full-batch GD through {@link Trainer#train} (measurement at every step, the default probes,
     * curve recording) against the bare step (lossGrad + update) on the same model, interleaved.
     */
    private void trainer(Path work, List<BenchRow> rows, PrintWriter o) throws IOException {
        int steps = quick ? 30 : 100;
        int rounds = quick ? 3 : 5;
        for (int m : quick ? new int[] {1024} : new int[] {16, 1024}) {
            Plan plan = plan(work, "bench_trainer_" + m, "seed: 0\n"
                    + "data: {kind: teacher_student, n: " + N + ", d: " + D + ", teacher: two_layer, teacher_width: 4}\n"
                    + "model: {kind: two_layer, width: " + m + ", activation: tanh}\n"
                    + "optimizer: {name: gd, lr: 0.01}\n"
                    + "train: {steps: " + steps + ", loss_threshold: 0, record: {log_points: 30}}\n");
            RunConfig cfg = plan.runs().get(0);
            Model model = cfg.model().instantiate(cfg.data().build(Seeds.derive(cfg.seed(), "data")));
            double[] theta = init(model);
            double[] g = new double[model.dim()];
            // warm-up until the run setup (data generation, init) is JIT-compiled too, as in a long grid
            long warmEnd = System.nanoTime() + (quick ? 1_000_000_000L : 3_000_000_000L);
            for (int i = 0; i < 3 || System.nanoTime() < warmEnd; i++) {
                Trainer.train(cfg);
                gdSteps(model, theta, g, steps);
            }
            double[] tr = new double[rounds];
            double[] raw = new double[rounds];
            double[] ratio = new double[rounds];
            for (int q = 0; q < rounds; q++) {
                tr[q] = steps / time(() -> Trainer.train(cfg), 1);
                raw[q] = steps / time(() -> gdSteps(model, theta, g, steps), 1);
                ratio[q] = tr[q] / raw[q];
            }
            double l = load();
            rows.add(new BenchRow("trainer_step", "tanh", m, median(tr), median(tr) * 4.0 * N * D * m / 1e9,
                    median(ratio), median(raw), "bare steps/s", l, "GD through Trainer.train (measure every step, "
                    + "default probes, " + steps + " steps incl. setup) / bare lossGrad + update; median of " + rounds));
            o.printf("  trainer width %d: %.1f steps/s through Trainer vs %.1f bare: %.3f (load %.1f)%n", m,
                    median(tr), median(raw), median(ratio), l);
            o.flush();
        }
    }
}
