package org.ratelab.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * THEORY.md's closed-form oracles on f = ½(x₁² + 100x₂²) (κ = 100) from (1, 1): GD with η = 1/L contracts
 * f − f* by (1 − 1/κ)²; heavy ball and Nesterov (optimal constants) have spectral radius (√κ−1)/(√κ+1) and
 * 1 − 1/√κ with a double root, so the observed ratio at step k is ρ(k+1)/k.
 */
class QuadraticRatesTest {
    static final double MU = 1;
    static final double L = 100;
    static final double KAPPA = L / MU;

    static double norm(double[] x) { return Math.hypot(x[0], x[1]); }

    /** Runs the spec and returns the iterate norms ‖x_k‖ (or f for fValues) for k = 0..steps. */
    static double[] trajectory(OptimizerSpec spec, int steps, boolean fValues) {
        TestOracles.Quadratic q = new TestOracles.Quadratic(new double[] {MU, L}, 3);
        Optimizer opt = spec.instantiate(2, 1, 1.0);
        double[] x = {1, 1};
        double[] out = new double[steps + 1];
        for (int k = 0; ; k++) {
            out[k] = fValues ? q.fullLoss(x) : norm(x);
            if (k == steps) return out;
            opt.step(k, x, q);
        }
    }

    @Test
    void gdContractsByOneMinusInverseKappaSquared() {
        double[] f = trajectory(TestOracles.spec("name", "gd", "lr", 1 / L), 400, true);
        for (int k = 10; k < 400; k += 50) assertEquals(Math.pow(1 - 1 / KAPPA, 2), f[k + 1] / f[k], 1e-3);
        assertEquals(0.9801, Math.pow(f[400] / f[100], 1.0 / 300), 1e-9);
    }

    @Test
    void heavyBallRateIsSqrtKappa() {
        double s = Math.sqrt(KAPPA);
        double a = 4 / Math.pow(Math.sqrt(L) + Math.sqrt(MU), 2);
        double b = Math.pow((s - 1) / (s + 1), 2);
        double rho = (s - 1) / (s + 1);
        double[] r = trajectory(TestOracles.spec("name", "heavy_ball", "lr", a, "momentum", b), 1200, false);
        for (int k : new int[] {300, 600, 1000}) {
            double ratio = r[k + 1] / r[k];
            assertEquals(rho, ratio * k / (k + 1), 1e-3, "k=" + k);
        }
        assertEquals(rho, Math.pow(r[1200] / r[1000], 1.0 / 200), 1e-3);
    }

    @Test
    void nesterovRateIsOneMinusInverseSqrtKappa() {
        double s = Math.sqrt(KAPPA);
        double beta = (s - 1) / (s + 1);
        double rho = 1 - 1 / s;
        double[] r = trajectory(TestOracles.spec("name", "nesterov", "lr", 1 / L, "momentum", beta), 1200, false);
        for (int k : new int[] {300, 600, 1000}) {
            double ratio = r[k + 1] / r[k];
            assertEquals(rho, ratio * k / (k + 1), 1e-3, "k=" + k);
        }
        assertEquals(rho, Math.pow(r[1200] / r[1000], 1.0 / 200), 1e-3);
    }

    @Test
    void gdBeyondTwoOverLDivergesUnmasked() {
        double[] f = trajectory(TestOracles.spec("name", "gd", "lr", 2.1 / L), 2000, true);
        double last = f[2000];
        org.junit.jupiter.api.Assertions.assertTrue(!Double.isFinite(last) || last > 1e30 * f[0], "f=" + last);
    }
}
