package org.ratelab.fits;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.ratelab.table.Schemas;

/**
 * The rates table, computed by Spark over the curves table: points are grouped by {@code run_id} on the
 * executors (never collected to the driver) and each run's curve is fitted here.
 *
 * <p>Rows per run (y = F − F*, F* the run's {@code optimal_loss} when known, else 0):
 * <ul>
 *   <li>{@code loss/linear}: per-step contraction ρ̂ of y from its longest log-linear stretch
 *       ({@link RateFitter#linear}) or the configured window, above a noise floor when the curve has one
 *       ({@link #aboveFloor}); with a polynomial factor when the curve has one ({@link #linear});
 *       {@code value_per_oracle_call} is the same contraction per per-sample gradient.</li>
 *   <li>{@code loss/power}, {@code grad_norm_sq/power}, {@code test_loss/power}: exponent b of y ∝ step^b
 *       over the configured window ({@code fits.power_from/power_to}) or the longest log–log stretch.</li>
 *   <li>{@code loss/steps_to_eps} and {@code loss/oracle_calls_to_eps}, one per {@code fits.eps}: the first
 *       recorded step (and its per-sample gradient count) with y ≤ eps; null when never reached. The
 *       resolution is the recording schedule.</li>
 *   <li>{@code loss/noise_floor} for stochastic runs (batch_size &gt; 0): mean of y over the last
 *       {@code fits.tail_fraction} of the recorded steps.</li>
 * </ul>
 */
public final class Rates {
    /**
     * The rates this table holds, metric → kinds (what {@code compute} emits; {@code noise_floor} only for
     * stochastic runs). Checks are validated against it before anything runs.
     */
    public static final Map<String, List<String>> KINDS = Map.of(
            "loss", List.of("linear", "power", "steps_to_eps", "oracle_calls_to_eps", "noise_floor"),
            "grad_norm_sq", List.of("power"),
            "test_loss", List.of("power"));
    /** The kinds with one row per {@code fits.eps} threshold. */
    public static final List<String> EPS_KINDS = List.of("steps_to_eps", "oracle_calls_to_eps");

    private Rates() {}

    public static Dataset<Row> compute(Dataset<Row> curves, Dataset<Row> runs, FitSpec spec) {
        Dataset<Row> pts = curves
                .join(runs.select(col("run_id"), col("optimal_loss"), col("batch_size")), "run_id")
                .select(col("run_id"), col("experiment"), col("optimizer"), col("step"), col("oracle_calls"),
                        col("loss"), col("grad_norm_sq"), functions.coalesce(col("optimal_loss"),
                                functions.lit(0.0)).as("f_star"), col("batch_size"), col("test_loss"));
        return pts.groupByKey((MapFunction<Row, String>) r -> r.getString(0), Encoders.STRING())
                .flatMapGroups((FlatMapGroupsFunction<String, Row, Row>) (k, it) -> fitRun(k, it, spec),
                        Encoders.row(Schemas.RATES));
    }

    /**
     * One run's rates rows from its curve points, in any order: rows of (run_id, experiment, optimizer, step,
     * oracle_calls, loss, grad_norm_sq, f_star, batch_size, test_loss), as {@link #compute} joins them.
     */
    public static Iterator<Row> fitRun(String runId, Iterator<Row> it, FitSpec spec) {
        List<Row> rows = new ArrayList<>();
        while (it.hasNext()) rows.add(it.next());
        rows.sort((a, b) -> Long.compare(a.getLong(3), b.getLong(3)));
        int n = rows.size();
        long[] steps = new long[n];
        long[] calls = new long[n];
        double[] gap = new double[n];
        double[] gradSq = new double[n];
        double[] test = new double[n];
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            steps[i] = r.getLong(3);
            calls[i] = r.getLong(4);
            gap[i] = (r.isNullAt(5) ? Double.NaN : r.getDouble(5)) - r.getDouble(7);
            gradSq[i] = r.isNullAt(6) ? Double.NaN : r.getDouble(6);
            test[i] = r.isNullAt(9) ? Double.NaN : r.getDouble(9);
        }
        Row first = rows.get(0);
        String experiment = first.getString(1);
        String optimizer = first.getString(2);
        boolean stochastic = first.getInt(8) > 0;
        List<Row> out = new ArrayList<>();

        Fit lin = linear(steps, aboveFloor(steps, gap, spec.tailFraction()), spec);
        Double perCall = null;
        if (lin != null) {
            long c0 = calls[indexOf(steps, lin.from())];
            long c1 = calls[indexOf(steps, lin.to())];
            if (c1 > c0) perCall = Math.exp(lin.slope() * (lin.to() - lin.from()) / (double) (c1 - c0));
        }
        out.add(row(runId, experiment, optimizer, "loss", "linear", null, lin,
                lin == null ? null : Math.exp(lin.slope()), perCall));
        for (String metric : List.of("loss", "grad_norm_sq", "test_loss")) {
            double[] y = metric.equals("loss") ? gap : metric.equals("grad_norm_sq") ? gradSq : test;
            if (metric.equals("test_loss") && Double.isNaN(test[0])) continue;
            Fit p = power(steps, y, spec);
            out.add(row(runId, experiment, optimizer, metric, "power", null, p, p == null ? null : p.slope(), null));
        }
        for (double eps : spec.eps()) {
            int hit = -1;
            for (int i = 0; i < n; i++) {
                if (gap[i] <= eps) {
                    hit = i;
                    break;
                }
            }
            Fit at = hit < 0 ? null : new Fit(Double.NaN, Double.NaN, Double.NaN, steps[hit], steps[hit], 1);
            out.add(row(runId, experiment, optimizer, "loss", "steps_to_eps", eps, at,
                    hit < 0 ? null : (double) steps[hit], null));
            out.add(row(runId, experiment, optimizer, "loss", "oracle_calls_to_eps", eps, at,
                    hit < 0 ? null : (double) calls[hit], null));
        }
        if (stochastic && n >= 2) {
            int from = Math.min(n - 1, (int) Math.floor(n * (1 - spec.tailFraction())));
            double s = 0;
            int k = 0;
            for (int i = from; i < n; i++) {
                if (Double.isFinite(gap[i])) {
                    s += gap[i];
                    k++;
                }
            }
            Fit tail = new Fit(Double.NaN, Double.NaN, Double.NaN, steps[from], steps[n - 1], n - from);
            out.add(row(runId, experiment, optimizer, "loss", "noise_floor", null, tail, k == 0 ? null : s / k,
                    null));
        }
        return out.iterator();
    }

    /**
     * The curve for the linear-rate fit, robust to a noise floor: when the tail (the last {@code tail}
     * fraction of the points) is flat (it changes by less than a factor 2 along its least-squares line) after
     * the curve dropped by more than {@value #FLOOR_DROP}x, the tail's mean is taken as the floor, subtracted,
     * and points within {@value #FLOOR_DROP}x of it are left out (NaN). Otherwise the curve is returned as is.
     */
    static double[] aboveFloor(long[] steps, double[] y, double tail) {
        int n = y.length;
        int from = Math.min(n - 1, (int) Math.floor(n * (1 - tail)));
        if (n - from < 4) return y;
        double sx = 0, sy = 0, sxx = 0, sxy = 0, mean = 0;
        int k = 0;
        for (int i = from; i < n; i++) {
            if (!(y[i] > 0) || !Double.isFinite(y[i])) return y;
            double x = steps[i];
            double l = Math.log(y[i]);
            sx += x;
            sy += l;
            sxx += x * x;
            sxy += x * l;
            mean += y[i];
            k++;
        }
        mean /= k;
        double vx = sxx - sx * sx / k;
        double slope = vx > 0 ? (sxy - sx * sy / k) / vx : 0;
        double change = Math.abs(slope) * (steps[n - 1] - steps[from]);
        double top = 0;
        for (double v : y) if (Double.isFinite(v)) top = Math.max(top, v);
        if (change >= Math.log(2) || top < FLOOR_DROP * mean) return y;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = y[i] >= FLOOR_DROP * mean ? y[i] - mean : Double.NaN;
        return out;
    }

    static final double FLOOR_DROP = 100;

    /**
     * The linear rate: over the configured window ({@code fits.linear_from/linear_to}) or the longest
     * log-linear stretch, y ∝ ρ^k; then, by {@code fits.linear_model}, y ∝ k^p ρ^k over the same points
     * ({@link RateFitter#polynomial}): always ({@code polynomial}), never ({@code exponential}), or when its p̂ is
     * at least {@link FitSpec#POLYNOMIAL_MIN_POWER} ({@code auto}).
     */
    static Fit linear(long[] steps, double[] y, FitSpec spec) {
        Fit exp;
        if (spec.linearFrom() == 0 && spec.linearTo() == 0) {
            exp = RateFitter.longest(steps, y, false, spec.linearMinR2(), true);
        } else {
            long to = spec.linearTo() == 0 ? Long.MAX_VALUE : spec.linearTo();
            double top = 0;
            for (double v : y) if (Double.isFinite(v)) top = Math.max(top, v);
            List<Integer> in = new ArrayList<>();
            for (int i = 0; i < steps.length; i++) {
                if (steps[i] >= spec.linearFrom() && steps[i] <= to && y[i] > top * 1e-13 && Double.isFinite(y[i])) {
                    in.add(i);
                }
            }
            if (in.size() < 2) return null;
            long[] s = new long[in.size()];
            double[] v = new double[in.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = steps[in.get(i)];
                v[i] = y[in.get(i)];
            }
            exp = RateFitter.window(s, v, false);
        }
        if (exp == null || spec.linearModel().equals("exponential")) return exp;
        RateFitter.Poly poly = RateFitter.polynomial(steps, y, exp.from(), exp.to());
        if (spec.linearModel().equals("polynomial")) return poly == null ? null : poly.fit();
        return poly != null && poly.power() >= FitSpec.POLYNOMIAL_MIN_POWER ? poly.fit() : exp;
    }

    /** Power-law fit over the configured window, or the longest log–log linear stretch. */
    static Fit power(long[] steps, double[] y, FitSpec spec) {
        if (spec.powerFrom() == 0 && spec.powerTo() == 0) return RateFitter.power(steps, y, spec.powerMinR2());
        long to = spec.powerTo() == 0 ? Long.MAX_VALUE : spec.powerTo();
        List<Integer> in = new ArrayList<>();
        for (int i = 0; i < steps.length; i++) {
            if (steps[i] >= Math.max(1, spec.powerFrom()) && steps[i] <= to && y[i] > 0 && Double.isFinite(y[i])) {
                in.add(i);
            }
        }
        if (in.size() < 2) return null;
        long[] s = new long[in.size()];
        double[] v = new double[in.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = steps[in.get(i)];
            v[i] = y[in.get(i)];
        }
        return RateFitter.window(s, v, true);
    }

    private static int indexOf(long[] steps, long s) {
        for (int i = 0; i < steps.length; i++) if (steps[i] == s) return i;
        throw new IllegalStateException("step " + s + " not in curve");
    }

    private static Row row(String runId, String experiment, String optimizer, String metric, String kind,
                           Double eps, Fit f, Double value, Double perCall) {
        boolean fitted = f != null && !Double.isNaN(f.r2());
        return RowFactory.create(runId, experiment, optimizer, metric, kind, value,
                fitted ? f.r2() : null, f == null ? null : f.from(), f == null ? null : f.to(),
                f == null ? null : f.points(), perCall, eps);
    }
}
