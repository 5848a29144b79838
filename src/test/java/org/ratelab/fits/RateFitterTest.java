package org.ratelab.fits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RateFitterTest {
    @Test
    void recoversAGeometricRateAndIgnoresTheRoundOffFloor() {
        int n = 120;
        long[] steps = new long[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            steps[i] = 10L * i;
            // 0.9801 per step (GD at eta = 1/L, kappa = 100) until it hits machine precision at 1e-16
            y[i] = Math.max(3.0 * Math.pow(0.9801, steps[i]), 1e-16);
        }
        Fit f = RateFitter.linear(steps, y);
        assertNotNull(f);
        assertEquals(0.9801, Math.exp(f.slope()), 1e-9);
        assertTrue(f.r2() > 0.999999);
        assertEquals(0, f.from());
        assertTrue(f.to() < 2000, "the flat floor is not part of the window: " + f.to());
    }

    @Test
    void recoversAPowerLawExponentUnderNoise() {
        SplittableRandom rng = new SplittableRandom(11);
        int n = 80;
        long[] steps = new long[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            steps[i] = Math.round(Math.pow(10, 4.0 * i / (n - 1)));
            y[i] = 5.0 * Math.pow(steps[i], -0.75) * Math.exp(0.01 * rng.nextGaussian());
        }
        Fit f = RateFitter.power(steps, y, 0.99);
        assertNotNull(f);
        assertEquals(-0.75, f.slope(), 0.02);
    }

    @Test
    void noWindowOnAFlatOrIncreasingCurve() {
        long[] steps = {0, 1, 2, 3, 4, 5};
        assertNull(RateFitter.linear(steps, new double[] {1, 2, 4, 8, 16, 32}));
        assertNull(RateFitter.linear(steps, new double[] {1, 1, 1, 1, 1, 1}));
    }
}
