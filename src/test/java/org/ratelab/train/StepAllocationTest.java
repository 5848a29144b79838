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
 * warm-up (as long as the JIT needs: a round that allocates nothing ends it).
 */
class StepAllocationTest {
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
        // The first rounds warm up (JIT, lazy initialization). The Vector API kernels allocate a box per lane
        // operation until C2 has compiled them, and in a JVM that has just run Spark the compile queue can hold
        // them back for seconds: keep going until a round allocates nothing or 30 s have passed. A step that
        // really allocates does so in every round, so the minimum still catches it.
        long deadline = System.nanoTime() + 30_000_000_000L;
        for (int round = 0; round < 5 || bytes > 64 && System.nanoTime() < deadline; round++) {
            long b0 = mx.getThreadAllocatedBytes(tid);
            for (int k = 0; k < steps; k++) {
                oracle.measure(theta);
                opt.step(k, theta, oracle);
                oracle.invalidate();
            }
            bytes = Math.min(bytes, mx.getThreadAllocatedBytes(tid) - b0);
        }
        assertTrue(bytes <= 64, activation + " bias=" + bias + ": " + bytes + " bytes over " + steps + " steps");
    }
}
