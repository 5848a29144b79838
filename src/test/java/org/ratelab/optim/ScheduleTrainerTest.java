package org.ratelab.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratelab.grid.RunBinder;
import org.ratelab.probes.CurvePoint;
import org.ratelab.probes.Metrics;
import org.ratelab.train.RunConfig;
import org.ratelab.train.RunResult;
import org.ratelab.train.RunStatus;
import org.ratelab.train.Trainer;

/**
 * A scheduled run end to end: the spec tree through {@link RunBinder} and {@link Trainer} (no Spark), full-batch
 * {@code sgd} on the one-dimensional quadratic F(x) = λx²/2 (λ = smoothness = 1, F* = 0, recorded every step).
 * Each step is x_{k+1} = (1 − η_k λ) x_k, so F_{k+1}/F_k = (1 − η_k λ)² and the step size the run really used
 * is η_k = (1 − sqrt(F_{k+1}/F_k))/λ (1 − η_k λ ≥ 0 here). It must be lr · factor(k) of the schedule's closed
 * form, written out below independently of the schedule classes, to 1e-12 · lr.
 */
class ScheduleTrainerTest {
    static final int STEPS = 200;

    interface Closed {
        double factor(long k);
    }

    static Stream<Arguments> schedules() {
        return Stream.of(
                Arguments.of("linear_warmup + cosine", 0.3, Map.of("kind", "linear_warmup", "warmup_steps", 20,
                        "start_factor", 0.1, "then", Map.of("kind", "cosine", "t_max", 180, "min_factor", 0.05)),
                        (Closed) k -> k < 20 ? 0.1 + 0.9 * k / 20.0
                                : 0.05 + 0.95 * (1 + Math.cos(Math.PI * (k - 20) / 180.0)) / 2),
                Arguments.of("cosine with restarts", 0.5, Map.of("kind", "cosine", "t_max", 30, "restarts", true,
                        "t_mult", 2), (Closed) k -> {
                            long start = k < 30 ? 0 : k < 90 ? 30 : 90;   // periods [0, 30), [30, 90), [90, 210)
                            long len = k < 30 ? 30 : k < 90 ? 60 : 120;
                            return (1 + Math.cos(Math.PI * (k - start) / len)) / 2;
                        }),
                Arguments.of("wsd", 0.4, Map.of("kind", "wsd", "warmup_steps", 10, "total_steps", 200,
                        "decay_fraction", 0.25, "decay_shape", "linear"),
                        (Closed) k -> k < 10 ? k / 10.0 : k < 150 ? 1.0 : 1 - (k - 150) / 50.0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schedules")
    void theRunStepsWithLrTimesTheClosedForm(String label, double lr, Map<String, Object> schedule, Closed closed) {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("seed", 1);
        tree.put("data", Map.of("kind", "none"));
        tree.put("model", Map.of("kind", "quadratic", "dim", 1));
        tree.put("optimizer", Map.of("name", "sgd", "lr", lr, "batch_size", 0, "schedule", schedule));
        tree.put("train", Map.of("steps", STEPS, "record", Map.of("every", 1)));
        RunBinder.Bound b = RunBinder.bind("sched", tree);
        RunConfig cfg = new RunConfig("it", "sched", 0, b.seed(), b.data(), b.model(), b.optimizer(), b.train(),
                Map.of(), "it", "{}", 0);
        RunResult r = Trainer.train(cfg);
        assertNull(r.message(), String.valueOf(r.message()));
        assertEquals(RunStatus.MAX_STEPS, r.status());
        List<CurvePoint> curve = r.curve();
        assertEquals(STEPS + 1, curve.size());
        int loss = Metrics.NAMES.indexOf("loss");
        for (int k = 0; k < STEPS; k++) {
            assertEquals(k, curve.get(k).step());
            double ratio = curve.get(k + 1).values()[loss] / curve.get(k).values()[loss];
            double eta = 1 - Math.sqrt(ratio);
            assertEquals(lr * closed.factor(k), eta, 1e-12 * lr, label + ": step size at k = " + k);
        }
    }
}
