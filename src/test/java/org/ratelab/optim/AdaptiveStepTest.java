package org.ratelab.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The effective-lr view (AdaptiveStep) of the Adam family: what it reports, and that reading it changes nothing. */
class AdaptiveStepTest {
    static final double[] LAMBDA = {1.0, 10.0};

    static double[] run(OptimizerSpec spec, int steps, double[] eta) {
        TestOracles.Quadratic q = new TestOracles.Quadratic(LAMBDA, 1);
        Optimizer opt = spec.instantiate(2, 1, 1.0);
        AdaptiveStep a = (AdaptiveStep) opt;
        assertFalse(a.effectiveLr(new double[2]), "no step yet");
        double[] theta = {1.0, 1.0};
        for (int k = 0; k < steps; k++) {
            opt.step(k, theta, q);
            assertTrue(a.effectiveLr(eta));
            double[] again = new double[2];
            a.effectiveLr(again);
            assertArrayEquals(eta, again, 0.0, "reading twice gives the same");
        }
        return theta;
    }

    @ParameterizedTest
    @ValueSource(strings = {"adamw", "nadam", "radam", "adamax", "prodigy"})
    void positiveAndReadOnly(String name) {
        double[] eta = new double[2];
        double[] withReads = run(TestOracles.spec("name", name, "lr", 0.1), 10, eta);
        for (double e : eta) assertTrue(e > 0 && Double.isFinite(e), name + ": " + e);
        // the same trajectory as stepping without reading
        TestOracles.Quadratic q = new TestOracles.Quadratic(LAMBDA, 1);
        Optimizer opt = TestOracles.spec("name", name, "lr", 0.1).instantiate(2, 1, 1.0);
        double[] theta = {1.0, 1.0};
        for (int k = 0; k < 10; k++) opt.step(k, theta, q);
        assertArrayEquals(theta, withReads, 0.0);
    }

    @Test
    void adamwWithoutDecayIsAdam() {
        double[] a = new double[2];
        double[] w = new double[2];
        double[] ta = run(TestOracles.spec("name", "adam", "lr", 0.1), 7, a);
        double[] tw = run(TestOracles.spec("name", "adamw", "lr", 0.1, "weight_decay", 0.0), 7, w);
        assertArrayEquals(ta, tw, 0.0);
        assertArrayEquals(a, w, 0.0);
    }

    @Test
    void radamIsUnadaptedUntilRectified() {
        // beta2 = 0.999: ρ_t ≤ 5 for t ≤ 5, so the first five steps are lr·m̂ and report η_i = lr
        double[] eta = new double[2];
        run(TestOracles.spec("name", "radam", "lr", 0.1), 5, eta);
        assertArrayEquals(new double[] {0.1, 0.1}, eta, 0.0);
        run(TestOracles.spec("name", "radam", "lr", 0.1), 6, eta);
        assertTrue(eta[0] != 0.1 && eta[1] != 0.1);
    }

    @Test
    void adamaxAfterOneStep() {
        // u = |g| + ε after the first step: η_i = lr/(λ_i + ε) at θ₀ = (1, 1)
        double[] eta = new double[2];
        run(TestOracles.spec("name", "adamax", "lr", 0.1), 1, eta);
        assertEquals(0.1 / (1.0 + 1e-8), eta[0], 0.0);
        assertEquals(0.1 / (10.0 + 1e-8), eta[1], 0.0);
    }
}
