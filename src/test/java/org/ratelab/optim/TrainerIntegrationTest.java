package org.ratelab.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratelab.train.RunConfig;
import org.ratelab.grid.RunBinder;
import org.ratelab.train.RunResult;
import org.ratelab.train.RunStatus;
import org.ratelab.train.Trainer;

/**
 * Every method through the real trainer (linear regression on a linear teacher, n = 32): the run's
 * oracle_calls equal the method's exact count (the trainer's own measurements are free), and a blow-up is
 * recorded as {@code diverged}.
 */
class TrainerIntegrationTest {
    static final int N = 32;
    static final int STEPS = 40;

    static RunResult train(Map<String, Object> optimizer, long steps) {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("seed", 3);
        tree.put("data", Map.of("kind", "teacher_student", "n", N, "d", 4));
        tree.put("model", Map.of("kind", "linear_regression"));
        tree.put("optimizer", optimizer);
        tree.put("train", Map.of("steps", steps));
        RunBinder.Bound b = RunBinder.bind("optim-it", tree);
        RunConfig cfg = new RunConfig("it", "optim-it", 0, b.seed(), b.data(), b.model(), b.optimizer(), b.train(),
                Map.of(), "it", "{}", 0);
        return Trainer.train(cfg);
    }

    static Stream<Arguments> methods() {
        long full = (long) STEPS * N;
        return Stream.of(
                Arguments.of(Map.of("name", "gd", "lr", 0.1), full),
                Arguments.of(Map.of("name", "gd", "lr", 0.1, "noise", Map.of("kind", "ml", "scale", 0.1)), full),
                Arguments.of(Map.of("name", "sgd", "lr", 0.05, "batch_size", 4, "momentum", 0.5), 4L * STEPS),
                Arguments.of(Map.of("name", "heavy_ball", "lr", 0.05, "momentum", 0.5), full),
                Arguments.of(Map.of("name", "nesterov", "lr", 0.05, "momentum", 0.5), full),
                Arguments.of(Map.of("name", "adam", "lr", 0.01, "batch_size", 8), 8L * STEPS),
                Arguments.of(Map.of("name", "adagrad", "lr", 0.1), full),
                Arguments.of(Map.of("name", "rmsprop", "lr", 0.01, "centered", true), full),
                Arguments.of(Map.of("name", "adamw", "lr", 0.01, "batch_size", 8), 8L * STEPS),
                Arguments.of(Map.of("name", "nadam", "lr", 0.01), full),
                Arguments.of(Map.of("name", "radam", "lr", 0.01), full),
                Arguments.of(Map.of("name", "adamax", "lr", 0.01, "batch_size", 4), 4L * STEPS),
                Arguments.of(Map.of("name", "rprop", "lr", 0.01), full),
                Arguments.of(Map.of("name", "asgd", "lr", 0.05, "t0", 10.0), full),
                // one evaluation a step, the first at θ_k, which the trainer has measured and hands over
                Arguments.of(Map.of("name", "lbfgs", "lr", 0.5, "max_iter", 1), full),
                Arguments.of(Map.of("name", "adagrad_norm", "lr", 0.5), full),
                Arguments.of(Map.of("name", "langevin", "lr", 0.05, "temperature", 1e-4), full),
                Arguments.of(Map.of("name", "prox_l1", "lr", 0.05), full),
                Arguments.of(Map.of("name", "svrg", "lr", 0.05, "inner_loop", 10), 4L * N + 2L * STEPS),
                Arguments.of(Map.of("name", "saga", "lr", 0.05), N + (long) STEPS),
                Arguments.of(Map.of("name", "sag", "lr", 0.05, "batch_size", 2), N + 2L * STEPS),
                Arguments.of(Map.of("name", "storm", "lr", 0.05, "batch_size", 2), 2L + 4L * (STEPS - 1)),
                // one gradient a step, at y (not at θ = x): the trainer's measurements at x are free
                Arguments.of(Map.of("name", "schedule_free_sgd", "lr", 0.05), full),
                Arguments.of(Map.of("name", "schedule_free_adamw", "lr", 0.01, "batch_size", 8), 8L * STEPS),
                Arguments.of(Map.of("name", "prodigy", "batch_size", 4), 4L * STEPS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void oracleCallsAreExactUnderTheTrainer(Map<String, Object> optimizer, long expected) {
        RunResult r = train(optimizer, STEPS);
        assertNull(r.message(), String.valueOf(r.message()));
        assertEquals(RunStatus.MAX_STEPS, r.status());
        assertEquals(expected, r.oracleCalls());
    }

    /**
     * Schedule-free runs record the loss at the evaluation point x (θ), not at the gradient point y: every
     * recorded loss is F at the x of a replay of the same run outside the trainer, and differs from F(y).
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"schedule_free_sgd", "schedule_free_adamw"})
    void scheduleFreeRecordsTheLossAtTheAverage(String name) {
        RunResult r = train(Map.of("name", name, "lr", name.equals("schedule_free_sgd") ? 0.05 : 0.01), STEPS);
        assertEquals(RunStatus.MAX_STEPS, r.status());
        RunConfig c = r.config();
        org.ratelab.model.Model m = c.model().instantiate(c.data().build(org.ratelab.train.Seeds.derive(c.seed(), "data")));
        double[] x = new double[m.dim()];
        m.init(x, org.ratelab.train.Seeds.rng(c.seed(), "init"));
        java.util.List<double[]> ys = new java.util.ArrayList<>();
        Oracle o = new Oracle() {
            final java.util.SplittableRandom rng = org.ratelab.train.Seeds.rng(c.seed(), "optim");
            long calls;
            @Override public int dim() { return m.dim(); }
            @Override public int n() { return m.n(); }
            @Override public java.util.random.RandomGenerator rng() { return rng; }
            @Override public long calls() { return calls; }
            @Override public double fullLoss(double[] theta) { return m.loss(theta, null, 0); }
            @Override public double batchGrad(double[] t, int[] idx, int count, double[] g) { throw new AssertionError(); }
            @Override public double fullGrad(double[] theta, double[] grad) {
                calls += m.n();
                ys.add(theta.clone());
                return m.lossGrad(theta, null, 0, grad);
            }
        };
        Optimizer opt = c.optimizer().instantiate(m.dim(), m.n(), m.lrScale());
        java.util.Map<Long, Double> recorded = new java.util.HashMap<>();
        for (org.ratelab.probes.CurvePoint p : r.curve()) recorded.put(p.step(), p.values()[org.ratelab.probes.Metrics.LOSS]);
        int compared = 0;
        for (int k = 0; k < STEPS; k++) {
            opt.step(k, x, o);
            Double loss = recorded.get((long) k + 1);
            if (loss == null) continue;
            double fx = m.loss(x, null, 0);
            double fy = m.loss(ys.get(k), null, 0);
            assertEquals(fx, loss, 1e-12 * Math.abs(fx), name + " step " + (k + 1) + ": F(x)");
            org.junit.jupiter.api.Assertions.assertTrue(Math.abs(fy - fx) > 1e-9 * Math.abs(fx),
                    name + " step " + (k + 1) + ": F(y) = " + fy + " should differ from F(x) = " + fx);
            compared++;
        }
        org.junit.jupiter.api.Assertions.assertTrue(compared >= 3, "recorded steps compared: " + compared);
        assertEquals(m.loss(x, null, 0), r.finalLoss(), 1e-12 * Math.abs(r.finalLoss()), "runs.final_loss is F(x)");
    }

    static Stream<Arguments> blowUps() {
        return Stream.of(
                Arguments.of(Map.of("name", "gd", "lr", 100.0)),
                Arguments.of(Map.of("name", "adam", "lr", 1e6)),
                Arguments.of(Map.of("name", "adamw", "lr", 1e6, "weight_decay", 0.0)),
                Arguments.of(Map.of("name", "lbfgs", "lr", 1e6, "max_iter", 1)),
                Arguments.of(Map.of("name", "nesterov", "lr", 100.0)),
                Arguments.of(Map.of("name", "saga", "lr", 1e3)),
                Arguments.of(Map.of("name", "svrg", "lr", 1e3)),
                Arguments.of(Map.of("name", "storm", "lr", 1e3)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blowUps")
    void blowUpsAreRecordedAsDiverged(Map<String, Object> optimizer) {
        RunResult r = train(optimizer, 3000);
        assertEquals(RunStatus.DIVERGED, r.status(), "final loss " + r.finalLoss());
    }
}
