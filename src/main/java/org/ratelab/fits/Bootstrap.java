package org.ratelab.fits;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Percentile bootstrap (Efron 1979) for intervals over seeds: the median of a sample, and the slope of a
 * log–log fit whose points are grouped by seed (a resample draws whole seeds, with replacement). Resamples
 * use a generator seeded from the group, so intervals are reproducible.
 */
public final class Bootstrap {
    private Bootstrap() {}

    /** Median of the values (NaN for none); {@code v} is not modified. */
    public static double median(double[] v) {
        return v.length == 0 ? Double.NaN : medianInPlace(v.clone());
    }

    /**
     * [low, high] percentile interval of the median; NaNs for fewer than two values. Each resample draws n
     * indices from the group's stream and takes the median of the values drawn: found by counting how often
     * each value's rank is drawn and walking the ranks in sorted order (linear, no reordering), which gives
     * exactly the median of the drawn values that a sort would.
     */
    public static double[] medianInterval(double[] v, int resamples, double level, long seed) {
        if (v.length < 2) return new double[] {Double.NaN, Double.NaN};
        int n = v.length;
        double[] sorted = v.clone();
        Arrays.sort(sorted);
        int[] rank = new int[n];   // a position of v[i] in sorted (equal values share one: they are one value)
        for (int i = 0; i < n; i++) rank[i] = Arrays.binarySearch(sorted, v[i]);
        int lower = n % 2 == 1 ? n / 2 : n / 2 - 1;   // 0-based order statistics of the median
        int upper = n / 2;
        SplittableRandom rng = new SplittableRandom(seed);
        double[] stats = new double[resamples];
        int[] count = new int[n];
        for (int b = 0; b < resamples; b++) stats[b] = resampleMedian(sorted, rank, count, lower, upper, rng);
        return percentiles(stats, level);
    }

    /**
     * One resample of {@link #medianInterval}: n ranks drawn from {@code rng}, counted in {@code count}, and the
     * median of the drawn values. A method of its own (as {@link #resampleSlope}), so that the JIT compiles the
     * resample's loops as a method called a thousand times, ahead of the analysis ({@link #warmUp}), instead of
     * as one long loop of a method called once per summary, which ran in profiling code until the optimizing
     * compiler's queue reached it.
     */
    private static double resampleMedian(double[] sorted, int[] rank, int[] count, int lower, int upper,
                                         SplittableRandom rng) {
        int n = rank.length;
        Arrays.fill(count, 0);
        for (int i = 0; i < n; i++) count[rank[draw(rng, n)]]++;
        double lo = 0;
        boolean haveLo = false;
        int seen = 0;
        for (int p = 0; ; p++) {
            seen += count[p];
            if (!haveLo && seen > lower) {
                lo = sorted[p];
                haveLo = true;
            }
            if (seen > upper) return n % 2 == 1 ? sorted[p] : 0.5 * (lo + sorted[p]);
        }
    }

    /**
     * The median of {@code s} (length ≥ 1), reordering it: exactly the value that sorting with
     * {@link Arrays#sort(double[])} and taking the middle element (or the mean of the middle two) gives, in
     * the same total order ({@link Double#compare}: −0.0 before 0.0, NaN last), found by selection in linear
     * expected time instead of a sort (the bootstrap takes thousands of medians of thousands of values).
     */
    static double medianInPlace(double[] s) {
        int n = s.length;
        int hi = n / 2;
        select(s, hi);
        if (n % 2 == 1) return s[hi];
        // s[0..hi) are all <= s[hi] after selecting it: the lower middle is their maximum
        double lo = s[0];
        for (int i = 1; i < hi; i++) if (Double.compare(s[i], lo) > 0) lo = s[i];
        return 0.5 * (lo + s[hi]);
    }

    /**
     * Reorders {@code a} so that {@code a[k]} is the element a sort would put there, everything before it
     * compares ≤ and everything after it ≥ (Hoare's selection with a median-of-three pivot, in the order of
     * {@link Double#compare}).
     */
    static void select(double[] a, int k) {
        int lo = 0;
        int hi = a.length - 1;
        while (hi > lo) {
            int mid = (lo + hi) >>> 1;
            if (Double.compare(a[mid], a[lo]) < 0) swap(a, mid, lo);
            if (Double.compare(a[hi], a[lo]) < 0) swap(a, hi, lo);
            if (Double.compare(a[hi], a[mid]) < 0) swap(a, hi, mid);
            double pivot = a[mid];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (Double.compare(a[i], pivot) < 0) i++;
                while (Double.compare(a[j], pivot) > 0) j--;
                if (i <= j) swap(a, i++, j--);
            }
            if (k <= j) hi = j;
            else if (k >= i) lo = i;
            else return;
        }
    }

    private static void swap(double[] a, int i, int j) {
        double t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    /**
     * Least-squares slope of y on x over the points of the chosen groups (a group may be drawn several times).
     * Returns {slope, intercept, r2}; NaN slope when x does not vary.
     */
    public static double[] fit(double[][] xs, double[][] ys, int[] groups) {
        double[] s = new double[5];
        long k = accumulate(xs, ys, groups, s);
        double sx = s[0], sy = s[1], sxx = s[2], sxy = s[3], syy = s[4];
        double vx = sxx - sx * sx / k;
        double vy = syy - sy * sy / k;
        double cxy = sxy - sx * sy / k;
        if (k < 2 || vx <= 1e-12 * Math.max(1, sxx)) return new double[] {Double.NaN, Double.NaN, Double.NaN};
        double slope = cxy / vx;
        double intercept = (sy - slope * sx) / k;
        double r2 = vy <= 0 ? 1.0 : Math.max(0, Math.min(1, cxy * cxy / (vx * vy)));
        return new double[] {slope, intercept, r2};
    }

    /**
     * The sums of x, y, x², xy and y² over the points of the chosen groups, in group order then point order,
     * into {@code out}; the number of points. The slope resamples sum with {@link #accumulateSlope}, also a
     * method of its own with no branch but its loops' (and one that cannot change a value): the JIT compiles
     * the hot loop of a bootstrap there, and a rare branch of the slope's arithmetic after it (a degenerate
     * resample, first met in the middle of a big grid's law fits) no longer throws the compiled loop away. In a
     * 10^5-run grid that was 2 s of fits and then 8 s more in slower code until the JIT had compiled the loop
     * again.
     */
    private static long accumulate(double[][] xs, double[][] ys, int[] groups, double[] out) {
        long k = accumulateSlope(xs, ys, groups, out);
        double syy = 0;   // its own sum in the same order: the same bits as summed alongside the others
        for (int g : groups) {
            double[] gy = ys[g];
            for (int i = 0; i < gy.length; i++) syy += gy[i] * gy[i];
        }
        out[4] = syy;
        return k;
    }

    /** Percentile interval of the slope, resampling whole groups; NaNs for fewer than two groups. */
    public static double[] slopeInterval(double[][] xs, double[][] ys, int resamples, double level, long seed) {
        int g = xs.length;
        if (g < 2) return new double[] {Double.NaN, Double.NaN};
        SplittableRandom rng = new SplittableRandom(seed);
        double[] stats = new double[resamples];
        int[] pick = new int[g];
        double[] sums = new double[4];
        int used = 0;
        for (int b = 0; b < resamples; b++) {
            double s = resampleSlope(xs, ys, pick, sums, rng);
            if (!Double.isNaN(s)) stats[used++] = s;
        }
        if (used < resamples / 2) return new double[] {Double.NaN, Double.NaN};
        return percentiles(Arrays.copyOf(stats, used), level);
    }

    /**
     * One resample of {@link #slopeInterval}: g groups drawn from {@code rng} into {@code pick}, and their
     * slope, the one {@link #fit} gives for them: the same sums in the same order and the same arithmetic,
     * without the sum of y² (the slope does not use it).
     */
    private static double resampleSlope(double[][] xs, double[][] ys, int[] pick, double[] sums,
                                        SplittableRandom rng) {
        int g = pick.length;
        for (int i = 0; i < g; i++) pick[i] = draw(rng, g);
        long k = accumulateSlope(xs, ys, pick, sums);
        double sx = sums[0], sy = sums[1], sxx = sums[2], sxy = sums[3];
        double vx = sxx - sx * sx / k;
        double cxy = sxy - sx * sy / k;
        if (k < 2 || vx <= 1e-12 * Math.max(1, sxx)) return Double.NaN;
        return cxy / vx;
    }

    /** How far ahead {@link #accumulateSlope} reads the group it will sum (measured: 4 to 16 do as well). */
    private static final int AHEAD = 8;

    /** Written by {@link #accumulateSlope} so that the JIT keeps its look-ahead reads; the value means nothing. */
    @SuppressWarnings("unused")
    private static long lookedAhead;

    /**
     * {@link #accumulate}'s sums of x, y, x² and xy, in the same order, while reading the first x and y of the
     * group {@value #AHEAD} draws ahead: a resample's groups are drawn at random from a law's thousands (12,500
     * seeds × 8 points: 1.6 MB, more than a core's cache), so each group's arrays were a cache miss the sums
     * waited for; read ahead, they are on their way while earlier groups are summed. One resample of a
     * 12,500-seed law: 0.11 ms instead of 0.18 (the same bits; BootstrapTest).
     */
    private static long accumulateSlope(double[][] xs, double[][] ys, int[] groups, double[] out) {
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        long k = 0;
        long ahead = 0;
        int n = groups.length;
        for (int q = 0; q < n; q++) {
            int next = groups[Math.min(q + AHEAD, n - 1)];
            double[] nx = xs[next];
            double[] ny = ys[next];
            if (nx.length > 0) ahead += Double.doubleToRawLongBits(nx[0]) ^ Double.doubleToRawLongBits(ny[0]);
            double[] gx = xs[groups[q]];
            double[] gy = ys[groups[q]];
            for (int i = 0; i < gx.length; i++) {
                double x = gx[i];
                double y = gy[i];
                sx += x;
                sy += y;
                sxx += x * x;
                sxy += x * y;
            }
            k += gx.length;
        }
        lookedAhead = ahead;
        out[0] = sx;
        out[1] = sy;
        out[2] = sxx;
        out[3] = sxy;
        return k;
    }

    /**
     * {@code rng.nextInt(bound)}, the same value from the same stream (the JDK's bounded draw: a mask for a
     * power of two, else the remainder of the top 31 bits, redrawn while the candidate would be
     * over-represented), called on the final class itself: the JDK's own goes through an interface method shared
     * by every generator of the JVM (training's too), whose call to {@code nextInt()} the JIT then cannot inline,
     * and the bootstraps of a big grid ran 2-4 times slower in the job than alone.
     */
    static int draw(SplittableRandom rng, int bound) {
        int m = bound - 1;
        int r = rng.nextInt();
        if ((bound & m) == 0) return r & m;
        int u = r >>> 1;
        while (u + m - (r = u % bound) < 0) u = rng.nextInt() >>> 1;
        return r;
    }

    /**
     * Runs both bootstraps a few thousand times on small synthetic samples, degenerate ones included (a single
     * x, so {@link #fit} takes its NaN branch), and returns a sum of the results (so none is dead code). A job
     * whose derived tables bootstrap thousands of seeds calls it on a spare thread while it trains: the JIT
     * then compiles these loops with both branches profiled before the analysis needs them, instead of during
     * it, where the optimizing compiler's one thread competes with the tasks for the cores (a 10^5-run grid's
     * law fits ran their first 6 s in profiling code, then lost their compiled code to a branch the profile had
     * not seen and waited 15 s more for it). Every branch a real sample can take is taken here: group counts
     * that are and are not powers of two, samples of odd and even size, and {@link #draw}'s redraw, which a
     * bound of thousands takes about once in 10^5 draws (enough to stop a compiled bootstrap mid-grid) and a
     * bound just over 2^30 about every other draw. It changes no value: every draw comes from its own generator.
     */
    public static double warmUp() {
        double[][][] sample = groups(63, 8, 1);
        double[][][] flat = groups(64, 2, 0);
        SplittableRandom rng = new SplittableRandom(1);
        double[] odd = new double[501];
        for (int i = 0; i < odd.length; i++) odd[i] = rng.nextDouble();
        double[] even = Arrays.copyOf(odd, 500);
        double sum = 0;
        for (int r = 0; r < 40; r++) {
            sum += slopeInterval(sample[0], sample[1], 200, 0.95, r)[0];
            if (r % 4 == 0) sum += Double.isNaN(slopeInterval(flat[0], flat[1], 200, 0.95, r)[0]) ? 1 : 0;
            sum += medianInterval(r % 2 == 0 ? odd : even, 200, 0.95, r)[0];
            for (int i = 0; i < 2_000; i++) sum += draw(rng, (1 << 30) + 1) & 1;
        }
        return sum;
    }

    /** {@code count} groups of {@code points} points, x the logs of 0.1 ... and y linear in x with noise (times {@code slope}, 0 for flat x). */
    private static double[][][] groups(int count, int points, double slope) {
        SplittableRandom rng = new SplittableRandom(count);
        double[][] xs = new double[count][points];
        double[][] ys = new double[count][points];
        for (int g = 0; g < count; g++) {
            for (int i = 0; i < points; i++) {
                xs[g][i] = slope == 0 ? 0.0 : Math.log(0.1 * (i + 1));
                ys[g][i] = slope * (0.5 * xs[g][i] + 0.1 * rng.nextDouble());
            }
        }
        return new double[][][] {xs, ys};
    }

    static double[] percentiles(double[] stats, double level) {
        Arrays.sort(stats);
        double a = (1 - level) / 2;
        return new double[] {quantile(stats, a), quantile(stats, 1 - a)};
    }

    /** Linear-interpolation quantile of sorted values. */
    static double quantile(double[] sorted, double p) {
        double pos = p * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /** A stable 64-bit seed from a text key (for per-group resampling streams). */
    public static long seedOf(String key) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < key.length(); i++) {
            h ^= key.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
