package org.ratelab.train;

import org.ratelab.probes.CurvePoint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.TestSpecs;
import org.ratelab.data.Dataset;
import org.ratelab.grid.Plan;
import org.ratelab.grid.Planner;
import org.ratelab.model.Model;
import org.ratelab.model.ModelSpec;
import org.ratelab.probes.Metrics;
import org.ratelab.spec.SpecLoader;

class TrainerTest {
    @TempDir Path dir;

    static final String LSQ = """
            experiment: lsq
            seed: 3
            data: {kind: teacher_student, n: 200, d: 10, teacher: linear, noise: 0.1}
            model: {kind: linear_regression}
            optimizer: {name: gd, lr: 0.2}
            train: {steps: 400, record: {every: 25}}
            """;

    Plan plan(String text) {
        return Planner.plan(SpecLoader.load(TestSpecs.write(dir, "s.yaml", text), "default"));
    }

    @Test
    void gdOnLeastSquaresRecordsTheScheduleAndCountsGradients() {
        RunConfig c = plan(LSQ).runs().get(0);
        RunResult r = Trainer.train(c);
        assertEquals(RunStatus.MAX_STEPS, r.status());
        assertEquals(400, r.steps());
        assertEquals(200L * 400, r.oracleCalls(), "GD counts n per step");
        List<CurvePoint> curve = r.curve();
        assertEquals(400 / 25 + 1, curve.size());
        assertEquals(0, curve.get(0).step());
        assertEquals(400, curve.get(curve.size() - 1).step());
        for (int i = 0; i < curve.size(); i++) {
            CurvePoint p = curve.get(i);
            assertEquals(p.step() * 200, p.oracleCalls());
            if (i > 0) assertTrue(p.get(Metrics.LOSS) <= curve.get(i - 1).get(Metrics.LOSS));
            assertTrue(!p.has(Metrics.TEST_LOSS), "no test split, so test_loss is not measured");
            assertTrue(!p.has(Metrics.REL_CHANGE), "theta_0 = 0, so rel_change is undefined");
        }
        // F* is known in closed form and the final loss approaches it from above
        assertTrue(r.optimalLoss() > 0);
        assertTrue(r.finalLoss() >= r.optimalLoss() - 1e-12);
        assertTrue(r.finalLoss() - r.optimalLoss() < 1e-6 * r.initialLoss(), r.finalLoss() + " vs " + r.optimalLoss());
    }

    @Test
    void convergenceDivergenceAndMinibatchAccounting() {
        RunResult conv = Trainer.train(plan(LSQ.replace("train: {steps: 400,",
                "train: {steps: 400, loss_threshold: 0.05,")).runs().get(0));
        assertEquals(RunStatus.CONVERGED, conv.status());
        assertTrue(conv.stepsToThreshold() > 0 && conv.stepsToThreshold() < 400);
        assertEquals(conv.stepsToThreshold(), conv.steps());
        assertTrue(conv.finalLoss() <= 0.05);
        assertEquals(conv.steps(), conv.curve().get(conv.curve().size() - 1).step(), "last step recorded");

        // step size far above 2/L: GD diverges, the step is recorded, the run is not masked
        RunResult div = Trainer.train(plan(LSQ.replace("lr: 0.2", "lr: 50")).runs().get(0));
        assertEquals(RunStatus.DIVERGED, div.status());
        assertTrue(div.divergedStep() > 0 && div.divergedStep() < 400);
        assertEquals(div.divergedStep(), div.steps());

        RunResult sgd = Trainer.train(plan(LSQ.replace("{name: gd, lr: 0.2}",
                "{name: sgd, lr: 0.05, batch_size: 8}")).runs().get(0));
        assertEquals(8L * 400, sgd.oracleCalls(), "a minibatch of B counts B");
        assertTrue(sgd.finalLoss() < 0.5 * sgd.initialLoss());
    }

    @Test
    void aThrowingRunEndsFailedWithItsMessage() {
        RunConfig ok = plan(LSQ).runs().get(0);
        ModelSpec broken = new Broken();
        RunConfig bad = new RunConfig(ok.runId(), ok.experiment(), 0, ok.seed(), ok.data(), broken,
                ok.optimizer(), ok.train(), ok.axes(), ok.groupKey(), ok.configJson(), ok.cost());
        RunResult r = Trainer.train(bad);
        assertEquals(RunStatus.FAILED, r.status());
        assertEquals("IllegalStateException: boom at step 3", r.message());
        assertEquals(3, r.steps());
        assertEquals(1, r.curve().size(), "the point recorded before the failure (step 0) is kept");
        assertNotNull(r.blas());
        assertNull(Trainer.train(ok).message());
    }

    @Test
    void sameRunSameTrajectory() {
        RunConfig c = plan(TestSpecs.SMALL).runs().get(5);
        RunResult a = Trainer.train(c);
        RunResult b = Trainer.train(c);
        assertEquals(a.curve().size(), b.curve().size());
        for (int i = 0; i < a.curve().size(); i++) {
            assertEquals(a.curve().get(i).step(), b.curve().get(i).step());
            for (int m = 0; m < Metrics.count(); m++) {
                assertEquals(Double.doubleToLongBits(a.curve().get(i).get(m)),
                        Double.doubleToLongBits(b.curve().get(i).get(m)));
            }
        }
    }

    /** A model that throws at its fourth gradient: exercises the failed status. */
    record Broken() implements ModelSpec {
        @Override public String kind() { return "broken"; }
        @Override public double flopsPerSample(int d) { return 1; }
        @Override public double parameters(double d) { return 1; }
        @Override public List<Buffer> buffers(double n, double nTest, double d, boolean hvp) { return List.of(); }

        @Override
        public Model instantiate(Dataset data) {
            return new Model() {
                int calls;
                @Override public int dim() { return 1; }
                @Override public int n() { return data.n(); }
                @Override public void init(double[] theta, java.util.random.RandomGenerator rng) { theta[0] = 1; }
                @Override public double loss(double[] t, int[] idx, int count) { return t[0] * t[0]; }
                @Override public double testLoss(double[] t) { return Double.NaN; }
                @Override public List<org.ratelab.model.ParamBlock> blocks() {
                    return List.of(new org.ratelab.model.ParamBlock("x", 0, 1));
                }
                @Override
                public void hvp(double[] t, int[] idx, int count, double[] v, double[] out) { out[0] = 2 * v[0]; }
                @Override
                public void jacobian(double[] t, int[] idx, int count, double[] out) {
                    java.util.Arrays.fill(out, 0, idx == null ? data.n() : count, 1.0);
                }
                @Override
                public void outputs(double[] t, int[] idx, int count, double[] out) {
                    java.util.Arrays.fill(out, 0, idx == null ? data.n() : count, t[0]);
                }
                @Override
                public double lossGrad(double[] t, int[] idx, int count, double[] g) {
                    if (calls++ == 3) throw new IllegalStateException("boom at step 3");
                    g[0] = 2 * t[0];
                    return t[0] * t[0];
                }
            };
        }
    }
}
