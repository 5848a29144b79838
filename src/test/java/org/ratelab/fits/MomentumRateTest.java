package org.ratelab.fits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.grid.Planner;
import org.ratelab.probes.Metrics;
import org.ratelab.spec.SpecException;
import org.ratelab.spec.SpecLoader;
import org.ratelab.train.RunResult;
import org.ratelab.train.Trainer;

/**
 * The linear rate of momentum methods. Tuned heavy ball on a quadratic contracts like k·ρ^k per coordinate
 * (a repeated eigenvalue of its iteration at both ends of the spectrum), so the loss gap is ∝ k²·ρ^{2k}: a
 * log-linear fit is biased by the k² factor; the fit with the polynomial factor gives ρ² to 1e-3. Gradient
 * descent's curves (sums of geometric modes, no polynomial factor) keep exactly the fit they had.
 */
class MomentumRateTest {
    @TempDir Path dir;

    record Curve(long[] steps, double[] gap) {}

    Curve train(String yaml) throws Exception {
        Path spec = Files.createTempFile(dir, "spec", ".yaml");
        Files.writeString(spec, yaml);
        RunResult r = Trainer.train(Planner.plan(SpecLoader.load(spec, null)).runs().get(0));
        long[] steps = new long[r.curve().size()];
        double[] y = new double[steps.length];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = r.curve().get(i).step();
            y[i] = r.curve().get(i).get(Metrics.LOSS) - r.optimalLoss();
        }
        return new Curve(steps, y);
    }

    static FitSpec model(String linearModel) {
        return FitSpec.parse(Map.of("linear_model", linearModel));
    }

    @Test
    void tunedHeavyBallOnAKappa1000QuadraticFitsRhoSquaredWithin1e3() throws Exception {
        double kappa = 1000;
        double rho = (Math.sqrt(kappa) - 1) / (Math.sqrt(kappa) + 1);
        double lr = 4 / Math.pow(1 + Math.sqrt(1 / kappa), 2);       // 4/(√L + √μ)², L = 1
        Curve c = train("""
                experiment: hb
                data: {kind: none}
                model: {kind: quadratic, dim: 10, kappa: %s, spectrum: two_point, init: gaussian}
                optimizer: {name: heavy_ball, lr: %s, momentum: %s}
                train: {steps: 400, record: {every: 1}}
                """.formatted(kappa, lr, rho * rho));
        double want = rho * rho;                                      // 0.88114...
        Fit auto = Rates.linear(c.steps(), c.gap(), FitSpec.DEFAULT);
        Fit exp = Rates.linear(c.steps(), c.gap(), model("exponential"));
        Fit poly = Rates.linear(c.steps(), c.gap(), model("polynomial"));
        assertEquals(want, Math.exp(auto.slope()), 1e-3 * want, "auto takes the polynomial factor here");
        assertEquals(poly, auto);
        assertTrue(Math.exp(exp.slope()) - want > 1e-2, "the log-linear fit is biased by k²: " + Math.exp(exp.slope()));
        assertEquals(exp.from(), poly.from(), "the same window");
        assertEquals(exp.to(), poly.to());
        RateFitter.Poly p = RateFitter.polynomial(c.steps(), c.gap(), exp.from(), exp.to());
        assertEquals(2.0, p.power(), 0.05, "loss ∝ k² ρ^(2k)");
    }

    @Test
    void gradientDescentKeepsTheExponentialFitExactly() throws Exception {
        for (String spectrum : new String[] {"two_point", "geometric", "linear"}) {
            Curve c = train("""
                    experiment: gd
                    data: {kind: none}
                    model: {kind: quadratic, dim: 10, kappa: 50, spectrum: %s, init: gaussian}
                    optimizer: {name: gd, lr: 1.0}
                    train: {steps: 3000, record: {log_points: 200}}
                    """.formatted(spectrum));
            Fit exp = Rates.linear(c.steps(), c.gap(), model("exponential"));
            assertEquals(exp, Rates.linear(c.steps(), c.gap(), FitSpec.DEFAULT), spectrum);
            assertEquals(RateFitter.longest(c.steps(), c.gap(), false, 0.999, true), exp, spectrum + ": as before");
            RateFitter.Poly p = RateFitter.polynomial(c.steps(), c.gap(), exp.from(), exp.to());
            assertTrue(p.power() < FitSpec.POLYNOMIAL_MIN_POWER, spectrum + ": p = " + p.power());
        }
    }

    @Test
    void closedFormCurves() {
        int n = 120;
        long[] k = new long[n];
        double[] poly = new double[n];
        double[] geo = new double[n];
        double[] twoPhase = new double[n];
        for (int i = 0; i < n; i++) {
            k[i] = i;
            poly[i] = 3.0 * k[i] * k[i] * Math.pow(0.9, k[i]) + (i == 0 ? 1 : 0);
            geo[i] = 2.0 * Math.pow(0.95, k[i]);
            twoPhase[i] = k[i] < 20 ? Math.pow(0.5, k[i]) : Math.pow(0.5, 20) * Math.pow(0.9, k[i] - 20);
        }
        Fit p = Rates.linear(k, poly, FitSpec.DEFAULT);
        assertEquals(Math.log(0.9), p.slope(), 1e-12);
        assertEquals(Math.log(3.0), p.intercept(), 1e-9);
        Fit g = Rates.linear(k, geo, FitSpec.DEFAULT);
        assertEquals(Math.log(0.95), g.slope(), 1e-13);
        assertEquals(RateFitter.longest(k, geo, false, 0.999, true), g, "no polynomial factor: the fit as before");
        Fit w = Rates.linear(k, twoPhase, FitSpec.parse(Map.of("linear_from", 30, "linear_to", 80)));
        assertEquals(Math.log(0.9), w.slope(), 1e-12);
        assertEquals(30, w.from());
        assertEquals(80, w.to());
        assertEquals(51, w.points());
        Fit tail = Rates.linear(k, twoPhase, FitSpec.parse(Map.of("linear_from", 25)));
        assertEquals(Math.log(0.9), tail.slope(), 1e-12);
        assertEquals(119, tail.to(), "linear_to 0: the last recorded step");
    }

    @Test
    void badFitKeysAreRefusedAtTheirPath() {
        SpecException e = assertThrows(SpecException.class, () -> FitSpec.parse(Map.of("linear_model", "cubic")));
        assertTrue(e.getMessage().contains("fits.linear_model") && e.getMessage().contains("auto, exponential, polynomial"),
                e.getMessage());
        e = assertThrows(SpecException.class, () -> FitSpec.parse(Map.of("linear_from", 50, "linear_to", 40)));
        assertTrue(e.getMessage().contains("fits.linear_to: must be > linear_from (50), got 40"), e.getMessage());
        e = assertThrows(SpecException.class, () -> FitSpec.parse(Map.of("linear_from", -1)));
        assertTrue(e.getMessage().contains("fits.linear_from"), e.getMessage());
    }
}
