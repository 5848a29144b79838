package org.ratelab.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import org.ratelab.data.Dataset;
import org.ratelab.grid.Planner;
import org.ratelab.model.Model;
import org.ratelab.optim.Oracle;
import org.ratelab.probes.CurvePoint;
import org.ratelab.probes.Metrics;
import org.ratelab.spec.SpecLoader;
import org.ratelab.train.RunConfig;
import org.ratelab.train.RunResult;
import org.ratelab.train.RunStatus;
import org.ratelab.train.Seeds;
import org.ratelab.train.Trainer;

/**
 * The kit's plumbing: runs planned from spec YAML through {@link SpecLoader} and {@link Planner} (the parser
 * and validation of {@code jobs/ratelab run}), trained by {@link Trainer}, and compared bit for bit.
 */
final class KitRuns {
    private KitRuns() {}

    /** The probes section with every switchable probe off. */
    static final String PROBES_OFF = "{test_loss: {enabled: false}, param_norm: {enabled: false}, dist: {enabled: false},"
            + " update_norm: {enabled: false}, pl: {enabled: false}, effective_lr: {enabled: false}}";

    /** Every probe on at every recorded point, expensive ones included (particles: two-layer models only). */
    static String probesOn(boolean particles) {
        return "{escape_radius: 0.5, hessian: {enabled: true, max_iter: 20}, ntk: {enabled: true},"
                + " noise: {enabled: true}" + (particles ? ", particles: {enabled: true}" : "") + "}";
    }

    /**
     * The runs of a spec made of these sections, one per seed, planned as {@code jobs/ratelab run} plans them:
     * {@code steps} steps, every step recorded, never converged (threshold 0).
     */
    static List<RunConfig> plan(Problem p, String optimizer, String probes, long steps, long... seeds) {
        StringBuilder s = new StringBuilder();
        s.append("experiment: conformance\nseed: ").append(seeds[0]).append('\n');
        section(s, "data", p.data());
        section(s, "model", p.model());
        section(s, "optimizer", optimizer);
        s.append("train: {steps: ").append(steps).append(", loss_threshold: 0, record: {every: 1}}\n");
        if (probes != null) section(s, "probes", probes);
        if (seeds.length > 1) {
            s.append("grid:\n  seed: [");
            for (int i = 0; i < seeds.length; i++) s.append(i == 0 ? "" : ", ").append(seeds[i]);
            s.append("]\n");
        }
        Path f = null;
        try {
            f = Files.createTempFile("ratelab-conformance-", ".yaml");
            Files.writeString(f, s.toString());
            return Planner.plan(SpecLoader.load(f, "default")).runs();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (f != null) f.toFile().delete();
        }
    }

    static RunConfig one(Problem p, String optimizer, String probes, long steps, long seed) {
        return plan(p, optimizer, probes, steps, seed).get(0);
    }

    private static void section(StringBuilder s, String key, String yaml) {
        s.append(key).append(":\n");
        for (String line : yaml.strip().split("\n")) s.append("  ").append(line).append('\n');
    }

    /** Trains on a fresh thread (no thread-local state may leak into a run). */
    static RunResult trainOnAnotherThread(RunConfig c) {
        AtomicReference<RunResult> out = new AtomicReference<>();
        Thread t = new Thread(() -> out.set(Trainer.train(c)), "conformance-replay");
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return out.get();
    }

    /** Fails unless the run trained (a failed run is the plug-in's bug, reported with its message). */
    static RunResult trained(RunResult r, String what) {
        assertTrue(r.status() != RunStatus.FAILED, what + ": the run failed: " + r.message());
        return r;
    }

    /**
     * Same trajectory: status, steps, oracle_calls, and at every recorded point the step, oracle_calls and
     * every metric measured in both (loss and grad_norm_sq always), bit for bit.
     */
    static void assertSameTrajectory(RunResult a, RunResult b, boolean allMetrics, String what) {
        assertEquals(a.status(), b.status(), what + ": status");
        assertEquals(a.steps(), b.steps(), what + ": steps");
        assertEquals(a.oracleCalls(), b.oracleCalls(), what + ": oracle_calls");
        assertEquals(a.curve().size(), b.curve().size(), what + ": recorded points");
        for (int i = 0; i < a.curve().size(); i++) {
            CurvePoint p = a.curve().get(i);
            CurvePoint q = b.curve().get(i);
            assertEquals(p.step(), q.step(), what);
            assertEquals(p.oracleCalls(), q.oracleCalls(), what + ": oracle_calls at step " + p.step());
            for (int m = 0; m < Metrics.count(); m++) {
                boolean core = m == Metrics.LOSS || m == Metrics.GRAD_NORM_SQ;
                if (!core && !(allMetrics && p.has(m) && q.has(m))) continue;
                assertEquals(Double.doubleToRawLongBits(p.get(m)), Double.doubleToRawLongBits(q.get(m)),
                        what + ": " + Metrics.NAMES.get(m) + " differs at step " + p.step() + " (" + p.get(m)
                                + " vs " + q.get(m) + ")");
            }
            if (allMetrics) assertEquals(p.measured(), q.measured(), what + ": metrics measured at step " + p.step());
        }
        assertEquals(Double.doubleToRawLongBits(a.finalLoss()), Double.doubleToRawLongBits(b.finalLoss()),
                what + ": final loss");
    }

    /** The data set and model of a run, as the trainer builds them. */
    static Model model(RunConfig c) {
        Dataset data = c.data().build(Seeds.derive(c.seed(), "data"));
        return c.model().instantiate(data);
    }

    /** The initial point of a run, as the trainer draws it. */
    static double[] init(RunConfig c, Model m) {
        double[] theta = new double[m.dim()];
        m.init(theta, Seeds.rng(c.seed(), "init"));
        return theta;
    }

    /** Bytes a warmed-up round may allocate (a few objects' worth of measurement noise, as StepAllocationTest). */
    static final long ALLOWED_BYTES = 64;

    /**
     * Bytes allocated by {@code body} on this thread after warm-up: rounds are repeated until one allocates at
     * most {@link #ALLOWED_BYTES}, for at least 5 rounds and at most 10 s, and the least round is returned.
     * Warm-up is not a fixed count: until C2 has compiled the kernels (later on a loaded machine), the
     * interpreter and C1 box Vector API values, which the compiled code never does.
     */
    static long allocated(Runnable body) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long least = Long.MAX_VALUE;
        long deadline = System.nanoTime() + 10_000_000_000L;
        for (int round = 0; round < 5 || (least > ALLOWED_BYTES && System.nanoTime() < deadline); round++) {
            long b0 = mx.getThreadAllocatedBytes(tid);
            body.run();
            least = Math.min(least, mx.getThreadAllocatedBytes(tid) - b0);
        }
        return least;
    }

    /** An {@link Oracle} over a model that counts per-sample gradients, as the trainer's does. */
    static final class CountingOracle implements Oracle {
        private final Model model;
        private final RandomGenerator rng;
        long calls;

        CountingOracle(Model model, RandomGenerator rng) {
            this.model = model;
            this.rng = rng;
        }

        @Override public int dim() { return model.dim(); }
        @Override public int n() { return model.n(); }
        @Override public RandomGenerator rng() { return rng; }
        @Override public long calls() { return calls; }
        @Override public double l1Penalty() { return model.l1Penalty(); }

        @Override
        public double fullGrad(double[] theta, double[] grad) {
            calls += model.n();
            return model.lossGrad(theta, null, 0, grad);
        }

        @Override
        public double batchGrad(double[] theta, int[] idx, int count, double[] grad) {
            calls += count;
            return model.lossGrad(theta, idx, count, grad);
        }

        @Override public double fullLoss(double[] theta) { return model.loss(theta, null, 0); }

        private java.util.List<org.ratelab.optim.Block> blocks;

        /** The model's layout, as the trainer's oracle hands it (made once). */
        @Override
        public java.util.List<org.ratelab.optim.Block> blocks() {
            if (blocks == null) {
                java.util.List<org.ratelab.optim.Block> out = new java.util.ArrayList<>();
                for (org.ratelab.model.ParamBlock b : model.blocks()) {
                    out.add(new org.ratelab.optim.Block(b.offset(), b.rows(), b.cols(), b.trainable()));
                }
                blocks = java.util.List.copyOf(out);
            }
            return blocks;
        }
    }
}
