package org.ratelab.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Proximal gradient on a separable lasso: F = (1/n) Σ ½(x_i − b_i)² (A = I) plus λ₁‖x‖₁ has the minimizer
 * x_i* = S_{nλ₁}(b_i), with exact zeros where |b_i| ≤ nλ₁.
 */
class ProxL1Test {
    @Test
    void convergesToTheSoftThresholdedSolution() {
        int n = 4;
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) a[i][i] = 1;
        double[] b = {1.0, -0.5, 0.05, -0.1};
        TestOracles.LeastSquares oracle = new TestOracles.LeastSquares(a, b, 1);
        oracle.l1 = 0.05; // nλ₁ = 0.2
        Optimizer opt = TestOracles.spec("name", "prox_l1", "lr", 2.0).instantiate(n, n, 1.0);
        double[] x = {0.3, 0.3, 0.3, 0.3};
        for (int k = 0; k < 500; k++) opt.step(k, x, oracle);
        double[] want = {0.8, -0.3, 0.0, 0.0};
        for (int i = 0; i < n; i++) assertEquals(want[i], x[i], 1e-12, "coordinate " + i);
        assertEquals(0.0, x[2]); // exact zeros, not merely small
        assertEquals(0.0, x[3]);
        assertEquals(500L * n, oracle.calls());
    }
}
