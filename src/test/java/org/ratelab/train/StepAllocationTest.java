package org.ratelab.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ratelab.data.Dataset;
import org.ratelab.model.Model;
import org.ratelab.model.Models;
import org.ratelab.optim.Optimizer;
import org.ratelab.optim.Optimizers;
import org.ratelab.spec.Node;

/**
 * A training step allocates nothing: the trainer's measurement plus a full-batch GD step through the counting
 * oracle (the per-step path of {@link Trainer}), counted with the thread's allocated-bytes counter after
 * warm-up: the least over rounds that go on until one allocates nothing (or a minute has passed), since
 * the Vector API kernels allocate until C2 compiles them.
 */
class StepAllocationTest {
    /** How long the warm-up may take before the least allocation of a round is judged. */
    private static final long WARM_UP_LIMIT_NANOS = 60_000_000_000L;

    @ParameterizedTest
    @CsvSource({"tanh,false,64", "relu,false,64", "tanh,true,300", "relu,true,16", "softplus,true,32"})
    void gdStepAllocatesNothing(String activation, boolean bias, int width) {
        int n = 96;
        int d = 8;
        SplittableRandom r = new SplittableRandom(1);
        double[] x = new double[n * d];
        double[] y = new double[n];
        for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian();
        for (int i = 0; i < n; i++) y[i] = r.nextGaussian();
        Map<String, Object> spec = new LinkedHashMap<>(Map.of("kind", "two_layer", "width", width,
                "activation", activation, "bias", bias));
        Model model = Models.parse(new Node("model", spec)).instantiate(Dataset.of(n, d, x, y));
        double[] theta = new double[model.dim()];
        model.init(theta, new SplittableRandom(2));
        Optimizer opt = Optimizers.parse(new Node("optimizer", new LinkedHashMap<>(Map.of("name", "gd", "lr", 0.01))))
                .instantiate(model.dim(), n, model.lrScale());
        MeasuringOracle oracle = new MeasuringOracle(model, new SplittableRandom(3));
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        int steps = 200;
        long bytes = Long.MAX_VALUE;
        int rounds = 0;
        long deadline = System.nanoTime() + WARM_UP_LIMIT_NANOS;
        // The first rounds warm up (JIT, lazy initialization). The Vector API kernels allocate their vectors
        // until C2 has compiled them (escape analysis removes the boxes), and on a loaded machine the C2 threads
        // may take many rounds to get there: a fixed 5 rounds measured the interpreter/C1 code (25-250 MB).
        // So rounds go on until one allocates nothing, or the time limit is reached.
        while (rounds < 5 || (bytes > 64 && System.nanoTime() < deadline)) {
            long b0 = mx.getThreadAllocatedBytes(tid);
            for (int k = 0; k < steps; k++) {
                oracle.measure(theta);
                opt.step(k, theta, oracle);
                oracle.invalidate();
            }
            bytes = Math.min(bytes, mx.getThreadAllocatedBytes(tid) - b0);
            rounds++;
        }
        assertTrue(bytes <= 64, activation + " bias=" + bias + ": " + bytes + " bytes over " + steps
                + " steps (least of " + rounds + " rounds)");
    }
}
