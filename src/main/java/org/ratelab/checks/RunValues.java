package org.ratelab.checks;

import static org.apache.spark.sql.functions.col;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.ratelab.laws.ScalingLaws;
import org.ratelab.probes.Metrics;

/**
 * One number per run, named by a {@link MetricRef}: the (run_id, value) rows a {@code value:} check
 * aggregates and a {@code fraction: {metric}} check counts.
 *
 * <ul>
 *   <li>a numeric column of the runs table: {@code final_loss}, {@code L_hat}, {@code mu_hat},
 *       {@code kappa_hat}, {@code escaped_step}, {@code rel_change}, {@code steps_to_threshold}, …;</li>
 *   <li>a curve metric over the trajectory: {@code X.max}, {@code X.min} (NaN points ignored),
 *       {@code X.first} (step 0), {@code X.final} (last recorded step), {@code X.at_step@k} (the last recorded
 *       step ≤ k), for X any column of {@link Metrics#NAMES} (e.g. {@code hess_min_eig.min},
 *       {@code sharpness.final}, {@code loj_condition.first});</li>
 *   <li>a per-run rate of the rates table, {@code metric.kind} or {@code metric.kind@eps} (e.g.
 *       {@code loss.linear}, {@code loss.steps_to_eps@1.0E-8}), and {@code metric.linear_gap} = 1 − ρ̂.</li>
 * </ul>
 * With {@code times}, each value is multiplied by a second per-run number: a runs column or a dotted
 * configuration path (e.g. {@code optimizer.lr}, so that {@code sharpness.final} times it is η·λ_max).
 * Runs without the value (never measured, or null) have no row.
 */
public final class RunValues {
    private RunValues() {}

    /**
     * Why {@code metric} cannot name a per-run value, or null when it can (checked at spec load): a curve
     * statistic of a curves metric, or a rate of a known kind. A runs column is checked against the table
     * when the plan is known.
     */
    public static String problem(MetricRef metric) {
        if (metric instanceof MetricRef.CurveStat c) return curveProblem(c.metric());
        if (metric instanceof MetricRef.AtStep a) return curveProblem(a.metric());
        if (metric instanceof MetricRef.Rate r && !r.kind().equals("linear_gap") && !RateCheck.KINDS.contains(r.kind())) {
            return "'" + r.kind() + "' is neither a curve statistic (" + String.join(", ", MetricRef.CURVE_STATS)
                    + ", at_step@k) nor a rate kind (" + String.join(", ", RateCheck.KINDS) + ", linear_gap)";
        }
        return null;
    }

    private static String curveProblem(String x) {
        return Metrics.NAMES.contains(x) ? null
                : "'" + x + "' is not a curves metric; metrics: " + String.join(", ", Metrics.NAMES);
    }

    /** Why {@code text} cannot name a per-run value (its form or its names), or null when it can. */
    public static String problem(String text) {
        try {
            return problem(MetricRef.parse(text));
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /**
     * (run_id, value) for the given runs. {@code curves} and {@code rates} may be null when the metric does
     * not need them.
     */
    public static Dataset<Row> of(MetricRef metric, String times, Dataset<Row> runs, Dataset<Row> rates,
                                  Dataset<Row> curves) {
        Dataset<Row> v = base(metric, runs, rates, curves);
        v = v.join(runs.select("run_id"), "run_id");
        if (times != null) {
            Dataset<Row> t = runs.select(col("run_id"), runNumber(times, runs).as("factor"));
            v = v.join(t, "run_id").select(col("run_id"), col("value").multiply(col("factor")).as("value"));
        }
        return v.where(col("value").isNotNull());
    }

    private static Dataset<Row> base(MetricRef metric, Dataset<Row> runs, Dataset<Row> rates, Dataset<Row> curves) {
        if (metric instanceof MetricRef.Column c) {
            if (!Arrays.asList(runs.columns()).contains(c.name())) {
                throw new IllegalArgumentException("'" + c.name() + "' is not a column of the runs table");
            }
            return runs.select(col("run_id"), col(c.name()).cast("double").as("value"));
        }
        if (metric instanceof MetricRef.AtStep a) {
            return needCurves(curves, metric).groupBy("run_id")
                    .agg(ScalingLaws.atStep(a.metric(), a.step()).cast("double").as("value"));
        }
        if (metric instanceof MetricRef.CurveStat s) {
            String x = s.metric();
            Column agg = switch (s.stat()) {
                case "max" -> ScalingLaws.curveMax(x);
                case "min" -> ScalingLaws.curveMin(x);
                case "first" -> functions.min_by(col(x), col("step"));
                default -> functions.max_by(col(x), col("step"));
            };
            return needCurves(curves, metric).groupBy("run_id").agg(agg.cast("double").as("value"));
        }
        MetricRef.Rate r = (MetricRef.Rate) metric;
        if (rates == null) throw new IllegalArgumentException(metric.print() + " needs the rates table");
        boolean gap = r.kind().equals("linear_gap");
        Column cond = col("metric").equalTo(r.metric()).and(col("kind").equalTo(r.tableKind()));
        if (r.eps() != null) {
            double eps = r.eps();
            cond = cond.and(functions.abs(col("eps").minus(eps)).leq(1e-12 * eps));
        }
        Column value = gap ? functions.lit(1.0).minus(col("value")) : col("value");
        return rates.where(cond).select(col("run_id"), value.as("value"));
    }

    private static Dataset<Row> needCurves(Dataset<Row> curves, MetricRef metric) {
        if (curves == null) throw new IllegalArgumentException(metric.print() + " needs the curves table");
        return curves;
    }

    /** A runs column or a dotted configuration path, as a double column of the runs table. */
    static Column runNumber(String name, Dataset<Row> runs) {
        if (!name.contains(".") && Arrays.asList(runs.columns()).contains(name)) return col(name).cast("double");
        return functions.get_json_object(col("config_json"), "$." + name).cast("double");
    }
}
