package org.ratelab.fits;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.ratelab.table.Schemas;

/**
 * The rates table, computed by Spark over the curves table: runs are grouped by {@code run_id} on the
 * executors (never collected to the driver) and each run's curve is fitted by {@link RateFitter}.
 *
 * <p>Rows per run: {@code loss/linear} (per-step contraction of F − F*, with F* the run's
 * {@code optimal_loss} when known, else 0; {@code value_per_oracle_call} is the same contraction per
 * per-sample gradient), {@code loss/power} and {@code grad_norm_sq/power} (exponents against the step).
 */
public final class Rates {
    private Rates() {}

    public static Dataset<Row> compute(Dataset<Row> curves, Dataset<Row> runs) {
        Dataset<Row> pts = curves
                .join(runs.select(col("run_id"), col("optimal_loss")), "run_id")
                .select(col("run_id"), col("experiment"), col("optimizer"), col("step"), col("oracle_calls"),
                        col("loss"), col("grad_norm_sq"), functions.coalesce(col("optimal_loss"),
                                functions.lit(0.0)).as("f_star"));
        return pts.groupByKey((MapFunction<Row, String>) r -> r.getString(0), Encoders.STRING())
                .flatMapGroups((FlatMapGroupsFunction<String, Row, Row>) Rates::fitRun,
                        Encoders.row(Schemas.RATES));
    }

    static Iterator<Row> fitRun(String runId, Iterator<Row> it) {
        List<Row> rows = new ArrayList<>();
        while (it.hasNext()) rows.add(it.next());
        rows.sort((a, b) -> Long.compare(a.getLong(3), b.getLong(3)));
        int n = rows.size();
        long[] steps = new long[n];
        long[] calls = new long[n];
        double[] gap = new double[n];
        double[] gradSq = new double[n];
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            steps[i] = r.getLong(3);
            calls[i] = r.getLong(4);
            double loss = r.isNullAt(5) ? Double.NaN : r.getDouble(5);
            gap[i] = loss - r.getDouble(7);
            gradSq[i] = r.isNullAt(6) ? Double.NaN : r.getDouble(6);
        }
        String experiment = rows.get(0).getString(1);
        String optimizer = rows.get(0).getString(2);
        List<Row> out = new ArrayList<>();
        Fit lin = RateFitter.linear(steps, gap);
        Double perCall = null;
        if (lin != null) {
            long c0 = calls[indexOf(steps, lin.from())];
            long c1 = calls[indexOf(steps, lin.to())];
            if (c1 > c0) perCall = Math.exp(lin.slope() * (lin.to() - lin.from()) / (double) (c1 - c0));
        }
        out.add(row(runId, experiment, optimizer, "loss", "linear", lin, lin == null ? null
                : Math.exp(lin.slope()), perCall));
        Fit pl = RateFitter.power(steps, gap, 0.99);
        out.add(row(runId, experiment, optimizer, "loss", "power", pl, pl == null ? null : pl.slope(), null));
        Fit pg = RateFitter.power(steps, gradSq, 0.99);
        out.add(row(runId, experiment, optimizer, "grad_norm_sq", "power", pg, pg == null ? null : pg.slope(),
                null));
        return out.iterator();
    }

    private static int indexOf(long[] steps, long s) {
        for (int i = 0; i < steps.length; i++) if (steps[i] == s) return i;
        throw new IllegalStateException("step " + s + " not in curve");
    }

    private static Row row(String runId, String experiment, String optimizer, String metric, String kind,
                           Fit f, Double value, Double perCall) {
        return RowFactory.create(runId, experiment, optimizer, metric, kind, value,
                f == null ? null : f.r2(), f == null ? null : f.from(), f == null ? null : f.to(),
                f == null ? null : f.points(), perCall);
    }
}
