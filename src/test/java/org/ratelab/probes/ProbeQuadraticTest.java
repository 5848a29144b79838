package org.ratelab.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ratelab.probes.ProbeFixtures.map;
import static org.ratelab.probes.ProbeFixtures.value;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ratelab.train.RunResult;

/**
 * GD on f = ½ Σ λ_i x_i² with a linear spectrum from μ = L/κ to L, x₀ = (1, …, 1): the Hessian probe gives
 * λ_max and λ_min exactly, the PL ratio is ≥ μ at every step, and dist_init follows the closed-form iterate
 * x_k,i = (1 − ηλ_i)^k.
 */
class ProbeQuadraticTest {
    static final int DIM = 20;
    static final double L = 2.0;
    static final double KAPPA = 50;
    static final double ETA = 0.5;
    static final int STEPS = 60;

    static double lambda(int i) { return L / KAPPA + (double) i / (DIM - 1) * (L - L / KAPPA); }

    RunResult run(Map<String, Object> probes) {
        return ProbeFixtures.run(7, map("kind", "none", "n", 1),
                map("kind", "quadratic", "dim", DIM, "kappa", KAPPA, "smoothness", L, "spectrum", "linear"),
                map("name", "gd", "lr", ETA), map("steps", STEPS, "record", map("every", 1)), probes);
    }

    @Test
    void hessianExtremesPlRatioAndDistanceMatchClosedForms() {
        RunResult r = run(map("hessian", map("enabled", true, "max_iter", 100, "tol", 1e-12), "escape_radius", 2.0));
        assertEquals(STEPS + 1, r.curve().size());
        double mu = L / KAPPA;
        for (CurvePoint p : r.curve()) {
            assertEquals(L, value(p, Metrics.SHARPNESS), 1e-8, "sharpness at step " + p.step());
            assertEquals(mu, value(p, Metrics.HESS_MIN_EIG), 1e-8, "hess_min_eig at step " + p.step());
            assertTrue(value(p, Metrics.PL_RATIO) >= mu * (1 - 1e-12), "pl_ratio < μ at step " + p.step());
            double d2 = 0;
            for (int i = 0; i < DIM; i++) {
                double e = Math.pow(1 - ETA * lambda(i), p.step()) - 1;
                d2 += e * e;
            }
            assertEquals(Math.sqrt(d2), value(p, Metrics.DIST_INIT), 1e-12, "dist_init at step " + p.step());
            assertEquals(Math.sqrt(d2 / DIM), value(p, Metrics.REL_CHANGE), 1e-12);
            assertEquals(Math.sqrt(d2), p.layerDist().values().iterator().next(), 1e-12, "one block: the whole θ");
            if (p.step() > 0) {
                double u2 = 0;
                for (int i = 0; i < DIM; i++) {
                    double a = 1 - ETA * lambda(i);
                    u2 += Math.pow(Math.pow(a, p.step()) - Math.pow(a, p.step() - 1), 2);
                }
                assertEquals(Math.sqrt(u2), value(p, Metrics.UPDATE_NORM), 1e-12, "update_norm");
            } else {
                assertFalse(p.has(Metrics.UPDATE_NORM));
            }
            assertFalse(p.has(Metrics.EFFECTIVE_LR_MEAN), "gd has no per-coordinate step");
            assertFalse(p.has(Metrics.NTK_LAMBDA_MIN), "ntk is off by default");
        }
        assertEquals(L, r.probes().lHat(), 1e-8);
        assertTrue(r.probes().muHat() >= mu * (1 - 1e-12));
        assertEquals(r.probes().lHat() / r.probes().muHat(), r.probes().kappaHat(), 1e-12);
        // escape: the first k with ‖x_k − x_0‖ > 2
        long first = -1;
        for (int k = 0; k <= STEPS && first < 0; k++) {
            double d2 = 0;
            for (int i = 0; i < DIM; i++) d2 += Math.pow(Math.pow(1 - ETA * lambda(i), k) - 1, 2);
            if (d2 > 4) first = k;
        }
        assertTrue(first > 0);
        assertEquals(first, r.probes().escapedStep());
        assertNull(r.probes().notes(), "nothing skipped: " + r.probes().notes());
    }

    @Test
    void lojasiewiczEstimatesAreRunningExtremes() {
        RunResult r = run(null);
        double f0 = r.curve().get(0).get(Metrics.LOSS);
        double inf = Double.POSITIVE_INFINITY;
        double rad = 0;
        for (CurvePoint p : r.curve()) {
            inf = Math.min(inf, p.get(Metrics.GRAD_NORM_SQ) / p.get(Metrics.LOSS));
            rad = Math.max(rad, p.get(Metrics.DIST_INIT));
            assertEquals(inf, value(p, Metrics.LOJ_ALPHA), 0.0);
            assertEquals(rad, value(p, Metrics.LOJ_RADIUS), 0.0);
            assertEquals(4 * f0 < rad * rad * inf ? 1.0 : 0.0, value(p, Metrics.LOJ_CONDITION), 0.0);
            assertFalse(p.has(Metrics.SHARPNESS), "hessian is off by default");
        }
        assertTrue(Double.isNaN(r.probes().lHat()));
    }

    @Test
    void aHessianBudgetTooSmallIsRecordedNotSilent() {
        RunResult r = run(map("hessian", map("enabled", true, "max_iter", 3, "every", 0)));
        assertTrue(r.probes().notes().contains("hessian: not converged"), r.probes().notes());
        RunResult s = run(map("hessian", map("enabled", true, "max_basis", 10)));
        assertTrue(s.probes().notes().contains("hessian: skipped"), s.probes().notes());
        assertFalse(s.curve().get(0).has(Metrics.SHARPNESS));
        // every: 0 probes the first and last points only
        long probed = r.curve().stream().filter(p -> p.has(Metrics.SHARPNESS)).count();
        assertEquals(2, probed);
    }
}
