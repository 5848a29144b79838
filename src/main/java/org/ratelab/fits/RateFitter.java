package org.ratelab.fits;

/**
 * Empirical rates of a recorded curve.
 *
 * <ul>
 *   <li>{@link #linear}: the per-step contraction factor ρ̂ = exp(slope) of y (typically F − F*) from the
 *       longest stretch, in steps, where log y is linear in the step (r² ≥ {@code minR2}, slope &lt; 0).
 *       Points at or below the round-off floor (relative 1e-13 of the largest value) are excluded.</li>
 *   <li>{@link #power}: the exponent b of y ∝ step^b from the longest stretch, in log-steps, where log y is
 *       linear in log step (step ≥ 1).</li>
 * </ul>
 * Curves longer than {@link #MAX_POINTS} are thinned evenly before the window search (O(P²)).
 */
public final class RateFitter {
    private RateFitter() {}

    public static final int MAX_POINTS = 400;
    public static final int MIN_POINTS = 4;
    public static final double MIN_R2 = 0.999;

    /** Linear (geometric) rate of y against step; null when no window qualifies. */
    public static Fit linear(long[] steps, double[] y) {
        return longest(steps, y, false, MIN_R2, true);
    }

    /** Power-law exponent of y against step; null when no window qualifies. */
    public static Fit power(long[] steps, double[] y, double minR2) {
        return longest(steps, y, true, minR2, false);
    }

    /** Least-squares fit of log y over all the given points (x = step, or log step when logX). */
    public static Fit window(long[] steps, double[] y, boolean logX) {
        int n = steps.length;
        double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
        for (int i = 0; i < n; i++) {
            double x = logX ? Math.log(steps[i]) : steps[i];
            double l = Math.log(y[i]);
            sx += x;
            sy += l;
            sxx += x * x;
            sxy += x * l;
            syy += l * l;
        }
        double vx = sxx - sx * sx / n;
        double vy = syy - sy * sy / n;
        double cxy = sxy - sx * sy / n;
        if (vx <= 0) return null;
        double slope = cxy / vx;
        double r2 = vy <= 1e-300 ? 1.0 : Math.max(0, 1.0 - Math.max(0, vy - slope * cxy) / vy);
        return new Fit(slope, (sy - slope * sx) / n, r2, steps[0], steps[n - 1], n);
    }

    /**
     * The asymptotic rate of y ≈ C·k^p·ρ^k over the steps in [from, to] (both inclusive; points with step &lt; 1,
     * non-finite or non-positive y left out): least squares of log y on (1, k, log k), so a polynomial factor
     * such as the k·ρ^k of momentum methods (a repeated eigenvalue of the iteration) does not bias ρ. The
     * {@link Fit}'s slope is log ρ̂, its intercept log Ĉ, its r² that of the three-parameter fit; {@code power}
     * is p̂. Null with fewer than {@link #MIN_POINTS} + 1 points or a degenerate design.
     */
    public static Poly polynomial(long[] steps, double[] y, long from, long to) {
        int n = 0;
        double[] k = new double[steps.length];
        double[] lk = new double[steps.length];
        double[] ly = new double[steps.length];
        long first = -1;
        long last = -1;
        for (int i = 0; i < steps.length; i++) {
            if (steps[i] < Math.max(1, from) || steps[i] > to || !(y[i] > 0) || !Double.isFinite(y[i])) continue;
            k[n] = steps[i];
            lk[n] = Math.log(steps[i]);
            ly[n] = Math.log(y[i]);
            if (first < 0) first = steps[i];
            last = steps[i];
            n++;
        }
        if (n < MIN_POINTS + 1) return null;
        double mk = 0, ml = 0, my = 0;
        for (int i = 0; i < n; i++) {
            mk += k[i];
            ml += lk[i];
            my += ly[i];
        }
        mk /= n;
        ml /= n;
        my /= n;
        double skk = 0, sll = 0, skl = 0, sky = 0, sly = 0, syy = 0;
        for (int i = 0; i < n; i++) {
            double a = k[i] - mk, b = lk[i] - ml, c = ly[i] - my;
            skk += a * a;
            sll += b * b;
            skl += a * b;
            sky += a * c;
            sly += b * c;
            syy += c * c;
        }
        double det = skk * sll - skl * skl;
        if (!(det > 1e-12 * skk * sll)) return null;   // k and log k (nearly) collinear: too short a window
        double slope = (sky * sll - sly * skl) / det;
        double p = (sly * skk - sky * skl) / det;
        double ssRes = Math.max(0, syy - slope * sky - p * sly);
        double r2 = syy <= 1e-300 ? 1.0 : 1.0 - ssRes / syy;
        return new Poly(new Fit(slope, my - slope * mk - p * ml, r2, first, last, n), p);
    }

    /** A fit of log y = a + b·k + p·log k: {@code fit} (slope b, intercept a) and the exponent p. */
    public record Poly(Fit fit, double power) {}

    static Fit longest(long[] steps, double[] y, boolean logX, double minR2, boolean requireDecrease) {
        int n = steps.length;
        double top = 0;
        for (double v : y) if (Double.isFinite(v)) top = Math.max(top, Math.abs(v));
        double floor = top * 1e-13;
        double[] xs = new double[n];
        double[] ls = new double[n];
        long[] st = new long[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(y[i]) || y[i] <= floor || y[i] <= 0) continue;
            if (logX && steps[i] < 1) continue;
            xs[m] = logX ? Math.log(steps[i]) : steps[i];
            ls[m] = Math.log(y[i]);
            st[m] = steps[i];
            m++;
        }
        if (m > MAX_POINTS) {
            double stride = (double) (m - 1) / (MAX_POINTS - 1);
            for (int i = 0; i < MAX_POINTS; i++) {
                int j = (int) Math.round(i * stride);
                xs[i] = xs[j];
                ls[i] = ls[j];
                st[i] = st[j];
            }
            m = MAX_POINTS;
        }
        Fit best = null;
        double bestSpan = -1;
        for (int i = 0; i + MIN_POINTS <= m; i++) {
            double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
            for (int j = i; j < m; j++) {
                double x = xs[j] - xs[i];   // centred at the window start for conditioning
                double l = ls[j];
                sx += x;
                sy += l;
                sxx += x * x;
                sxy += x * l;
                syy += l * l;
                int k = j - i + 1;
                if (k < MIN_POINTS) continue;
                double vx = sxx - sx * sx / k;
                double vy = syy - sy * sy / k;
                double cxy = sxy - sx * sy / k;
                if (vx <= 0) continue;
                double slope = cxy / vx;
                double ssRes = Math.max(0, vy - slope * cxy);
                double r2 = vy <= 1e-300 ? 1.0 : 1.0 - ssRes / vy;
                if (r2 < minR2 || (requireDecrease && !(slope < 0))) continue;
                double span = xs[j] - xs[i];
                if (span > bestSpan || (span == bestSpan && best != null && r2 > best.r2())) {
                    bestSpan = span;
                    double intercept = (sy - slope * sx) / k - slope * xs[i];
                    best = new Fit(slope, intercept, r2, st[i], st[j], k);
                }
            }
        }
        return best;
    }
}
