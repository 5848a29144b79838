package org.ratelab.fits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BootstrapTest {
    @Test
    void medianOfOddAndEvenSamples() {
        assertEquals(2.0, Bootstrap.median(new double[] {3, 1, 2}));
        assertEquals(2.5, Bootstrap.median(new double[] {4, 1, 3, 2}));
        assertTrue(Double.isNaN(Bootstrap.median(new double[0])));
    }

    /** Log–log slope with seed-level noise: the 95% interval covers the true exponent about 95% of the time. */
    @Test
    void slopeIntervalCoversTheTruthAtAboutTheNominalRate() {
        SplittableRandom rng = new SplittableRandom(2024);
        double[] widths = {16, 64, 256, 1024};
        int trials = 300;
        int covered = 0;
        double truth = -0.5;
        for (int t = 0; t < trials; t++) {
            int seeds = 12;
            double[][] xs = new double[seeds][widths.length];
            double[][] ys = new double[seeds][widths.length];
            for (int s = 0; s < seeds; s++) {
                double seedShift = 0.1 * rng.nextGaussian();   // each seed its own prefactor
                for (int i = 0; i < widths.length; i++) {
                    xs[s][i] = Math.log(widths[i]);
                    ys[s][i] = Math.log(2.0) + truth * xs[s][i] + seedShift + 0.1 * rng.nextGaussian();
                }
            }
            double[] ci = Bootstrap.slopeInterval(xs, ys, 400, 0.95, t);
            if (ci[0] <= truth && truth <= ci[1]) covered++;
        }
        double rate = (double) covered / trials;
        // percentile bootstrap with 12 groups runs a little narrow; 300 trials give ±2.5% of noise
        assertTrue(rate > 0.85 && rate <= 1.0, "coverage " + rate);
    }

    @Test
    void medianIntervalCoversTheTruthAtAboutTheNominalRate() {
        SplittableRandom rng = new SplittableRandom(7);
        int trials = 300;
        int covered = 0;
        for (int t = 0; t < trials; t++) {
            double[] v = new double[25];
            for (int i = 0; i < v.length; i++) v[i] = 3.0 + rng.nextGaussian();
            double[] ci = Bootstrap.medianInterval(v, 400, 0.95, t);
            if (ci[0] <= 3.0 && 3.0 <= ci[1]) covered++;
        }
        double rate = (double) covered / trials;
        assertTrue(rate > 0.88 && rate <= 1.0, "coverage " + rate);
    }

    @Test
    void exactFitOnNoiselessLaw() {
        double[][] xs = {{Math.log(16), Math.log(64)}, {Math.log(256)}};
        double[][] ys = new double[2][];
        ys[0] = new double[] {Math.log(3) - 0.5 * xs[0][0], Math.log(3) - 0.5 * xs[0][1]};
        ys[1] = new double[] {Math.log(3) - 0.5 * xs[1][0]};
        double[] f = Bootstrap.fit(xs, ys, new int[] {0, 1});
        assertEquals(-0.5, f[0], 1e-12);
        assertEquals(3.0, Math.exp(f[1]), 1e-12);
        assertEquals(1.0, f[2], 1e-12);
    }

    /**
     * The selection median is the sort median bit for bit, in Arrays.sort's total order: odd and even
     * lengths, heavy ties, -0.0 beside 0.0, NaNs (last, so a median can be NaN), infinities.
     */
    @Test
    void selectionMedianIsTheSortMedianBitForBit() {
        SplittableRandom rng = new SplittableRandom(17);
        double[] pool = {-0.0, 0.0, 1.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 2.5};
        for (int trial = 0; trial < 20_000; trial++) {
            int n = 1 + rng.nextInt(trial < 10_000 ? 12 : 400);
            double[] v = new double[n];
            int kind = trial % 3;
            for (int i = 0; i < n; i++) {
                v[i] = kind == 0 ? rng.nextGaussian() : kind == 1 ? pool[rng.nextInt(pool.length)]
                        : rng.nextInt(4);
            }
            double[] sorted = v.clone();
            java.util.Arrays.sort(sorted);
            double want = n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
            double[] copy = v.clone();
            double got = Bootstrap.median(v);
            assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got),
                    () -> java.util.Arrays.toString(copy));
            assertTrue(java.util.Arrays.equals(copy, v), "median must not modify its input");
            double[] k = v.clone();
            int at = rng.nextInt(n);
            Bootstrap.select(k, at);
            assertEquals(Double.doubleToRawLongBits(sorted[at]), Double.doubleToRawLongBits(k[at]));
            for (int i = 0; i < n; i++) {
                assertTrue(i < at ? Double.compare(k[i], k[at]) <= 0 : Double.compare(k[i], k[at]) >= 0);
            }
        }
    }

    /** The counting bootstrap of the median is the draw-and-sort one bit for bit, on ties, NaN and -0.0 too. */
    @Test
    void medianIntervalIsTheDrawAndSortBootstrapBitForBit() {
        SplittableRandom rng = new SplittableRandom(5);
        double[] pool = {-0.0, 0.0, 1.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY, 2.5};
        for (int trial = 0; trial < 600; trial++) {
            int n = 2 + rng.nextInt(trial < 300 ? 9 : 300);
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = trial % 3 == 0 ? rng.nextGaussian() : trial % 3 == 1 ? pool[rng.nextInt(pool.length)]
                        : rng.nextInt(3);
            }
            long seed = rng.nextLong();
            double[] want = reference(v, 50, 0.9, seed);
            double[] got = Bootstrap.medianInterval(v, 50, 0.9, seed);
            for (int k = 0; k < 2; k++) {
                assertEquals(Double.doubleToLongBits(want[k]), Double.doubleToLongBits(got[k]),
                        () -> java.util.Arrays.toString(v));
            }
        }
    }

    /**
     * The slope bootstrap is the straightforward one bit for bit (draw g groups, sum their points in draw order,
     * fit): on groups of unequal sizes, degenerate resamples (one x) and group counts that are and are not
     * powers of two. Its loops are split into methods for the JIT; the sums must stay in the same order.
     */
    @Test
    void slopeIntervalIsTheStraightforwardBootstrapBitForBit() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int trial = 0; trial < 300; trial++) {
            int g = 2 + rng.nextInt(trial % 2 == 0 ? 7 : 70);
            double[][] xs = new double[g][];
            double[][] ys = new double[g][];
            boolean flat = trial % 5 == 0;
            for (int k = 0; k < g; k++) {
                int m = 1 + rng.nextInt(6);
                xs[k] = new double[m];
                ys[k] = new double[m];
                for (int i = 0; i < m; i++) {
                    xs[k][i] = flat && k > 0 ? xs[0][0] : flat ? 1.0 : Math.log(0.1 + rng.nextDouble());
                    ys[k][i] = 0.7 * xs[k][i] + 0.3 * rng.nextGaussian();
                }
            }
            long seed = rng.nextLong();
            double[] want = slopeReference(xs, ys, 80, 0.9, seed);
            double[] got = Bootstrap.slopeInterval(xs, ys, 80, 0.9, seed);
            for (int k = 0; k < 2; k++) {
                assertEquals(Double.doubleToLongBits(want[k]), Double.doubleToLongBits(got[k]), "trial " + trial);
            }
        }
    }

    /** The slope bootstrap as it was written first: one loop, the JDK's bounded draw, the sums inline. */
    private static double[] slopeReference(double[][] xs, double[][] ys, int resamples, double level, long seed) {
        int g = xs.length;
        SplittableRandom rng = new SplittableRandom(seed);
        double[] stats = new double[resamples];
        int used = 0;
        for (int b = 0; b < resamples; b++) {
            double sx = 0, sy = 0, sxx = 0, sxy = 0;
            long k = 0;
            for (int j = 0; j < g; j++) {
                int pick = rng.nextInt(g);
                for (int i = 0; i < xs[pick].length; i++) {
                    sx += xs[pick][i];
                    sy += ys[pick][i];
                    sxx += xs[pick][i] * xs[pick][i];
                    sxy += xs[pick][i] * ys[pick][i];
                    k++;
                }
            }
            double vx = sxx - sx * sx / k;
            double cxy = sxy - sx * sy / k;
            if (k < 2 || vx <= 1e-12 * Math.max(1, sxx)) continue;
            stats[used++] = cxy / vx;
        }
        if (used < resamples / 2) return new double[] {Double.NaN, Double.NaN};
        return Bootstrap.percentiles(java.util.Arrays.copyOf(stats, used), level);
    }

    /** The bootstrap as it was: draw n values with replacement, sort, take the middle. */
    private static double[] reference(double[] v, int resamples, double level, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] stats = new double[resamples];
        double[] draw = new double[v.length];
        for (int b = 0; b < resamples; b++) {
            for (int i = 0; i < v.length; i++) draw[i] = v[rng.nextInt(v.length)];
            double[] s = draw.clone();
            java.util.Arrays.sort(s);
            int n = s.length;
            stats[b] = n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
        }
        return Bootstrap.percentiles(stats, level);
    }

    /**
     * The bootstrap's own bounded draw is the JDK's, value for value and stream position for stream position:
     * (2^30 + 1) rejects about half its candidates, so the redraws are held too.
     */
    @Test
    void drawIsTheJdksBoundedNextInt() {
        int[] bounds = {1, 2, 3, 7, 8, 1000, 12_500, 65_536, 1 << 30, (1 << 30) + 1, Integer.MAX_VALUE - 1,
            Integer.MAX_VALUE};
        for (long seed = 0; seed < 50; seed++) {
            SplittableRandom a = new SplittableRandom(seed);
            SplittableRandom b = new SplittableRandom(seed);
            for (int i = 0; i < 2000; i++) {
                int bound = bounds[i % bounds.length];
                assertEquals(a.nextInt(bound), Bootstrap.draw(b, bound), "seed " + seed + " draw " + i);
            }
            // both streams are at the same position: rejections consumed the same extra values
            assertEquals(a.nextLong(), b.nextLong(), "seed " + seed);
        }
    }
}
