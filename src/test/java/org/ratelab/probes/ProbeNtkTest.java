package org.ratelab.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ratelab.probes.ProbeFixtures.map;
import static org.ratelab.probes.ProbeFixtures.value;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ratelab.data.Dataset;
import org.ratelab.train.RunConfig;
import org.ratelab.train.Seeds;
import org.ratelab.linalg.Eigen;
import org.ratelab.model.Model;
import org.ratelab.model.ModelSpec;
import org.ratelab.model.Models;
import org.ratelab.model.NtkLimit;
import org.ratelab.spec.Node;
import org.ratelab.train.RunResult;

/** The NTK probe against a direct Jacobian product, and its infinite-width deviation against width. */
class ProbeNtkTest {
    static final double S3 = Math.sqrt(3) / 2;
    /** THEORY.md's golden inputs: d = 2, x = (1, 0), x' = (½, √3/2). */
    static final Dataset PAIR = Dataset.of(2, 2, new double[] {1, 0, 0.5, S3}, new double[] {0, 0});

    static final Map<String, Object> DATA = map("kind", "teacher_student", "n", 6, "d", 3, "teacher", "two_layer");

    @Test
    void gramAndLambdaMinMatchADirectJacobianProduct() {
        Map<String, Object> model = map("kind", "two_layer", "width", 16, "activation", "tanh", "bias", true);
        RunConfig cfg = ProbeFixtures.config(5, DATA, model, map("name", "gd", "lr", 0.2),
                map("steps", 5, "record", map("every", 1)), map("ntk", map("enabled", true)));
        // θ₀ exactly as the trainer draws it
        Dataset data = cfg.data().build(Seeds.derive(5, "data"));
        Model m = cfg.model().instantiate(data);
        int n = m.n();
        int p = m.dim();
        double[] theta = new double[p];
        m.init(theta, Seeds.rng(5, "init"));
        double[] jac = new double[n * p];
        m.jacobian(theta, null, 0, jac);
        double[] k = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int q = 0; q < p; q++) s += jac[i * p + q] * jac[j * p + q];
                k[i * n + j] = s;
            }
        }
        double[] gram = NtkProbe.gram(m, theta);
        for (int i = 0; i < n * n; i++) assertEquals(k[i], gram[i], 1e-12 * (1 + Math.abs(k[i])));
        double lmin = Eigen.symmetricValues(n, k)[0];
        // λ_min is the minimum of the Rayleigh quotient: check against a brute bound and LAPACK's own value
        assertTrue(lmin > 0 && lmin <= k[0]);

        RunResult r = org.ratelab.train.Trainer.train(cfg);
        CurvePoint p0 = r.curve().get(0);
        assertEquals(lmin, value(p0, Metrics.NTK_LAMBDA_MIN), 1e-10 * Math.max(1, lmin));
        assertEquals(0.0, value(p0, Metrics.NTK_REL_CHANGE), 0.0);
        assertTrue(value(r.curve().get(5), Metrics.NTK_REL_CHANGE) > 0, "the kernel moves under training");
        assertFalse(p0.has(Metrics.NTK_LIMIT_DEV), "tanh has no closed form here");
        assertTrue(r.probes().notes().contains("no closed-form K_inf"), r.probes().notes());
    }

    @Test
    void overBudgetGramIsSkippedWithAReason() {
        RunResult r = ProbeFixtures.run(5, DATA, map("kind", "two_layer", "width", 8), map("name", "gd", "lr", 0.1),
                map("steps", 3), map("ntk", map("enabled", true, "max_n", 4)));
        assertFalse(r.curve().get(0).has(Metrics.NTK_LAMBDA_MIN));
        assertTrue(r.probes().notes().contains("ntk: skipped, n=6 exceeds max_n 4"), r.probes().notes());
    }

    @Test
    void limitGramReproducesTheGoldenTable() {
        ModelSpec spec = Models.parse(new Node("model", map("kind", "two_layer", "activation", "relu",
                "parameterization", "ntk", "bias", true, "sigma_b", 0.1)));
        double[] k = NtkLimit.gram(spec, PAIR);
        assertEquals(0.52, k[0], 1e-14);
        assertEquals(0.254102282243404, k[1], 1e-14);
        assertEquals(k[1], k[2], 0.0);
    }

    /** ‖K_0 − K_∞‖_F/‖K_∞‖_F on the golden inputs: root mean square over seeds ∝ m^(−½). */
    @Test
    void limitDeviationShrinksLikeInverseSquareRootOfWidth() {
        int[] widths = {64, 256, 1024, 4096};
        int seeds = 24;
        double[] rms = new double[widths.length];
        ProbeSpec ntkOnly = ProbeSpec.parse(new Node("probes", map("ntk", map("enabled", true))));
        for (int w = 0; w < widths.length; w++) {
            ModelSpec spec = Models.parse(new Node("model", map("kind", "two_layer", "width", widths[w],
                    "activation", "relu", "parameterization", "ntk")));
            double s = 0;
            for (int seed = 0; seed < seeds; seed++) {
                Model m = spec.instantiate(PAIR);
                double[] theta = new double[m.dim()];
                m.init(theta, new SplittableRandom(100 + seed));
                Probes probes = new Probes(ntkOnly, m, PAIR, spec, null, 0, false, new SplittableRandom(0), theta);
                CurvePoint p = probes.point(0, 0, 1.0, new double[m.dim()], theta, true);
                double dev = value(p, Metrics.NTK_LIMIT_DEV);
                s += dev * dev;
            }
            rms[w] = Math.sqrt(s / seeds);
        }
        // least-squares slope of log rms against log m
        org.apache.commons.math3.stat.regression.SimpleRegression fit =
                new org.apache.commons.math3.stat.regression.SimpleRegression();
        for (int w = 0; w < widths.length; w++) fit.addData(Math.log(widths[w]), Math.log(rms[w]));
        assertEquals(-0.5, fit.getSlope(), 0.15, "rms deviations " + Arrays.toString(rms));
    }
}
