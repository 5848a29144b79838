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
                Arguments.of(Map.of("name", "storm", "lr", 0.05, "batch_size", 2), 2L + 4L * (STEPS - 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void oracleCallsAreExactUnderTheTrainer(Map<String, Object> optimizer, long expected) {
        RunResult r = train(optimizer, STEPS);
        assertNull(r.message(), String.valueOf(r.message()));
        assertEquals(RunStatus.MAX_STEPS, r.status());
        assertEquals(expected, r.oracleCalls());
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
