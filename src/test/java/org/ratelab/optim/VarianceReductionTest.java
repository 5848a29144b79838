package org.ratelab.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * THEORY.md claim 7 on a strongly convex ℓ2-regularized logistic problem, n = 1000, κ = L/μ = 100: SVRG and
 * SAGA reach F − F* ≤ 1e-8 with ≥ 10× fewer per-sample gradient evaluations than GD (theory: n·κ vs n + κ,
 * ~90×). Step sizes from THEORY.md: GD 1/L, SAGA 1/(3L_max), SVRG 0.2/L_max with m = 2n (default).
 */
class VarianceReductionTest {
    static final int N = 1000;
    static final double EPS = 1e-8;
    /** Feature scales before row normalization: small trailing scales leave μ the binding curvature. */
    static double[] scales = {1.0, 0.3, 0.1, 0.03, 0.01};
    static TestOracles.Logistic problem;
    static double fStar;
    static double lFull;
    static double lMax;

    @BeforeAll
    static void setUp() {
        TestOracles.Logistic probe = new TestOracles.Logistic(N, scales, 0.0, 7, 0);
        double lData = probe.smoothness(); // μ = 0: λ_max(XᵀX/n)/4
        double mu = lData / 99;             // κ = (lData + μ)/μ = 100
        problem = new TestOracles.Logistic(N, scales, mu, 7, 0);
        lFull = problem.smoothness();
        lMax = problem.sampleSmoothness();
        fStar = problem.optimum();
    }

    /** Per-sample gradient evaluations until F − F* ≤ EPS (checked every `every` steps), or -1. */
    static long costToReach(OptimizerSpec spec, long maxSteps, int every, long seed) {
        TestOracles.Logistic oracle = new TestOracles.Logistic(N, scales,
                problem.mu, 7, seed);
        Optimizer opt = spec.instantiate(oracle.dim(), oracle.n(), 1.0);
        double[] w = new double[oracle.dim()];
        java.util.Arrays.fill(w, 1.0);
        for (long k = 0; k < maxSteps; k++) {
            opt.step(k, w, oracle);
            if ((k + 1) % every == 0) {
                double gap = oracle.fullLoss(w) - fStar;
                if (!(gap == gap)) return -1; // NaN: diverged
                if (gap <= EPS) return oracle.calls();
            }
        }
        return -1;
    }

    @Test
    void kappaIsAboutHundred() {
        assertTrue(Math.abs(lFull / problem.mu - 100) < 1e-6, "kappa=" + lFull / problem.mu);
    }

    @Test
    void svrgAndSagaBeatGdTenfold() {
        long gd = costToReach(TestOracles.spec("name", "gd", "lr", 1 / lFull), 100_000, 1, 1);
        long svrg = costToReach(TestOracles.spec("name", "svrg", "lr", 0.2 / lMax), 2_000_000, 100, 1);
        long saga = costToReach(TestOracles.spec("name", "saga", "lr", 1 / (3 * lMax)), 2_000_000, 100, 1);
        long sag = costToReach(TestOracles.spec("name", "sag", "lr", 1 / (3 * lMax)), 2_000_000, 100, 1);
        System.out.printf("VR: L=%.4g Lmax=%.4g mu=%.4g; gd=%d svrg=%d (%.1fx) saga=%d (%.1fx) sag=%d%n", lFull,
                lMax, problem.mu, gd, svrg, (double) gd / svrg, saga, (double) gd / saga, sag);
        assertTrue(gd > 0 && svrg > 0 && saga > 0, "gd=" + gd + " svrg=" + svrg + " saga=" + saga);
        assertTrue(gd >= 10 * svrg, "gd=" + gd + " svrg=" + svrg);
        assertTrue(gd >= 10 * saga, "gd=" + gd + " saga=" + saga);
        assertTrue(sag > 0, "sag did not reach " + EPS);
    }

    /** Mean F − F* over the last quarter of 20000 steps of batch-10 stochastic steps at lr 0.5/L_max. */
    static double stationaryGap(OptimizerSpec spec, long seed) {
        TestOracles.Logistic oracle = new TestOracles.Logistic(N, scales, problem.mu, 7, seed);
        Optimizer opt = spec.instantiate(oracle.dim(), N, 1.0);
        double[] w = {1, 1, 1, 1, 1};
        double acc = 0;
        int steps = 20_000;
        for (int k = 0; k < steps; k++) {
            opt.step(k, w, oracle);
            if (k >= steps * 3 / 4) acc += oracle.fullLoss(w) - fStar;
        }
        long expected = spec.name().equals("storm") ? 10 + 2L * 10 * (steps - 1) : 10L * steps;
        assertTrue(oracle.calls() == expected, spec.name() + " calls " + oracle.calls() + ", expected " + expected);
        return acc / (steps / 4);
    }

    @Test
    void stormReducesTheNoiseFloorOfSgd() {
        double lr = 0.5 / lMax;
        double storm = stationaryGap(TestOracles.spec("name", "storm", "lr", lr, "batch_size", 10), 5);
        double sgd = stationaryGap(TestOracles.spec("name", "sgd", "lr", lr, "batch_size", 10), 5);
        double adaptive = stationaryGap(TestOracles.spec("name", "storm", "lr", lr, "batch_size", 10,
                "adaptive", true), 5);
        System.out.printf("STORM gap %.3g, SGD gap %.3g, adaptive STORM %.3g%n", storm, sgd, adaptive);
        assertTrue(storm < 0.75 * sgd, "storm " + storm + " vs sgd " + sgd);
        assertTrue(adaptive < 0.1, "adaptive storm gap " + adaptive);
    }
}
