package org.ratelab.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * SGD on f = (λ/2)x² with gradient λx + σξ (gd + gaussian noise injection), against THEORY.md:
 * constant η gives E f − f* → ησ²/(2(2−ηλ)); Robbins–Monro η_k = γ/(k+n₀)^q gives E x² ∝ k^{−q}
 * (q = 1 needs 2λγ &gt; 1); Langevin has stationary E x² = 2τ/(λ(2−ηλ)).
 */
class NoisyQuadraticTest {
    static final double LAMBDA = 1.0;
    static final double SIGMA = 1.0;

    @Test
    void constantStepStationaryLevel() {
        double eta = 0.1;
        double sum = 0;
        long count = 0;
        for (int seed = 0; seed < 10; seed++) {
            TestOracles.Quadratic q = new TestOracles.Quadratic(new double[] {LAMBDA}, 100 + seed);
            Optimizer opt = TestOracles.spec("name", "gd", "lr", eta,
                    "noise", java.util.Map.of("kind", "gaussian", "scale", SIGMA)).instantiate(1, 1, 1.0);
            double[] x = {3.0};
            for (int k = 0; k < 30_000; k++) {
                opt.step(k, x, q);
                if (k >= 300) {
                    sum += q.fullLoss(x);
                    count++;
                }
            }
        }
        double want = eta * SIGMA * SIGMA / (2 * (2 - eta * LAMBDA));
        assertEquals(want, sum / count, 0.05 * want);
    }

    @Test
    void langevinStationaryLevel() {
        double eta = 0.1;
        double tau = 0.3;
        double sum = 0;
        long count = 0;
        for (int seed = 0; seed < 10; seed++) {
            TestOracles.Quadratic q = new TestOracles.Quadratic(new double[] {LAMBDA}, 200 + seed);
            Optimizer opt = TestOracles.spec("name", "langevin", "lr", eta, "temperature", tau)
                    .instantiate(1, 1, 1.0);
            double[] x = {0.0};
            for (int k = 0; k < 30_000; k++) {
                opt.step(k, x, q);
                if (k >= 300) {
                    sum += x[0] * x[0];
                    count++;
                }
            }
        }
        double want = 2 * tau / (LAMBDA * (2 - eta * LAMBDA));
        assertEquals(want, sum / count, 0.05 * want);
    }

    /** Fitted exponent of E x_k² over log-spaced windows k ∈ [500, 16000]. */
    static double exponent(double lr, double q, double n0, int seeds) {
        int steps = 17_600;
        int[] centers = {500, 1000, 2000, 4000, 8000, 16000};
        double[] sums = new double[centers.length];
        int[] counts = new int[centers.length];
        for (int seed = 0; seed < seeds; seed++) {
            TestOracles.Quadratic oracle = new TestOracles.Quadratic(new double[] {LAMBDA}, 1000 + seed);
            Optimizer opt = TestOracles.spec("name", "gd", "lr", lr,
                    "schedule", java.util.Map.of("kind", "robbins_monro", "q", q, "n0", n0),
                    "noise", java.util.Map.of("kind", "gaussian", "scale", SIGMA)).instantiate(1, 1, 1.0);
            double[] x = {0.0};
            for (int k = 0; k < steps; k++) {
                opt.step(k, x, oracle);
                int t = k + 1; // x now holds x_t
                for (int c = 0; c < centers.length; c++) {
                    if (t >= 0.9 * centers[c] && t <= 1.1 * centers[c]) {
                        // weight by k^q inside the window so the window average estimates e at its center
                        sums[c] += x[0] * x[0] * Math.pow((double) t / centers[c], q);
                        counts[c]++;
                    }
                }
            }
        }
        org.apache.commons.math3.stat.regression.SimpleRegression fit =
                new org.apache.commons.math3.stat.regression.SimpleRegression();
        for (int c = 0; c < centers.length; c++) fit.addData(Math.log(centers[c]), Math.log(sums[c] / counts[c]));
        return fit.getSlope();
    }

    @Test
    void robbinsMonroExponentHalf() {
        // γ = lr·n0^q = 0.5
        assertEquals(-0.5, exponent(0.5, 0.5, 1.0, 300), 0.05);
    }

    @Test
    void robbinsMonroExponentThreeQuarters() {
        assertEquals(-0.75, exponent(0.5, 0.75, 1.0, 300), 0.05);
    }

    @Test
    void robbinsMonroExponentOne() {
        // γ = lr·n0 = 2, 2λγ = 4 > 1; η_0 = lr = 0.5 keeps the first steps stable
        assertEquals(-1.0, exponent(0.5, 1.0, 4.0, 600), 0.05);
    }
}
