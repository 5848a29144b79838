package org.ratelab.checks;

import static org.apache.spark.sql.functions.col;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.ratelab.laws.ScalingLaws;
import org.ratelab.probes.Metrics;

/**
 * One number per run, named the way checks name it: the (run_id, value) rows a {@code value:} check
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

    static final List<String> CURVE_STATS = List.of("max", "min", "first", "final");
    private static final Pattern AT_STEP = Pattern.compile("(\\w+)\\.at_step@(\\d+)");
    private static final Pattern CURVE = Pattern.compile("(\\w+)\\.(max|min|first|final)");
    private static final Pattern RATE = Pattern.compile("(\\w+)\\.(\\w+)(?:@(.+))?");

    /** Why {@code metric} cannot name a per-run value, or null when it can (checked at spec load). */
    public static String problem(String metric) {
        if (metric == null || metric.isEmpty()) return "a metric is required";
        if (metric.matches("\\w+")) return null; // a runs column: checked against the table when evaluated
        Matcher m = AT_STEP.matcher(metric);
        if (m.matches() || (m = CURVE.matcher(metric)).matches()) {
            return Metrics.NAMES.contains(m.group(1)) ? null
                    : "'" + m.group(1) + "' is not a curves metric; metrics: " + String.join(", ", Metrics.NAMES);
        }
        m = RATE.matcher(metric);
        if (m.matches()) {
            String kind = m.group(2);
            if (kind.equals("linear_gap") || CheckSpec.RATE_KINDS.contains(kind)) {
                if (m.group(3) != null) {
                    try {
                        Double.parseDouble(m.group(3));
                    } catch (NumberFormatException e) {
                        return "'" + m.group(3) + "' after @ is not a number";
                    }
                }
                return null;
            }
            return "'" + kind + "' is neither a curve statistic (" + String.join(", ", CURVE_STATS)
                    + ", at_step@k) nor a rate kind (" + String.join(", ", CheckSpec.RATE_KINDS) + ", linear_gap)";
        }
        return "expected a runs column, X.max|min|first|final, X.at_step@k or metric.kind[@eps]";
    }

    /**
     * (run_id, value) for the given runs. {@code curves} and {@code rates} may be null when the metric does
     * not need them.
     */
    public static Dataset<Row> of(String metric, String times, Dataset<Row> runs, Dataset<Row> rates,
                                  Dataset<Row> curves) {
        Dataset<Row> v = base(metric, runs, rates, curves);
        v = v.join(runs.select("run_id"), "run_id");
        if (times != null) {
            Dataset<Row> t = runs.select(col("run_id"), runNumber(times, runs).as("factor"));
            v = v.join(t, "run_id").select(col("run_id"), col("value").multiply(col("factor")).as("value"));
        }
        return v.where(col("value").isNotNull());
    }

    private static Dataset<Row> base(String metric, Dataset<Row> runs, Dataset<Row> rates, Dataset<Row> curves) {
        if (metric.matches("\\w+")) {
            if (!Arrays.asList(runs.columns()).contains(metric)) {
                throw new IllegalArgumentException("'" + metric + "' is not a column of the runs table");
            }
            return runs.select(col("run_id"), col(metric).cast("double").as("value"));
        }
        Matcher m = AT_STEP.matcher(metric);
        if (m.matches()) {
            return needCurves(curves, metric).groupBy("run_id")
                    .agg(ScalingLaws.atStep(m.group(1), Long.parseLong(m.group(2))).cast("double").as("value"));
        }
        m = CURVE.matcher(metric);
        if (m.matches()) {
            String x = m.group(1);
            Column agg = switch (m.group(2)) {
                case "max" -> ScalingLaws.curveMax(x);
                case "min" -> ScalingLaws.curveMin(x);
                case "first" -> functions.min_by(col(x), col("step"));
                default -> functions.max_by(col(x), col("step"));
            };
            return needCurves(curves, metric).groupBy("run_id").agg(agg.cast("double").as("value"));
        }
        m = RATE.matcher(metric);
        if (!m.matches()) throw new IllegalArgumentException(problem(metric));
        if (rates == null) throw new IllegalArgumentException(metric + " needs the rates table");
        boolean gap = m.group(2).equals("linear_gap");
        Column cond = col("metric").equalTo(m.group(1)).and(col("kind").equalTo(gap ? "linear" : m.group(2)));
        if (m.group(3) != null) {
            double eps = Double.parseDouble(m.group(3));
            cond = cond.and(functions.abs(col("eps").minus(eps)).leq(1e-12 * eps));
        }
        Column value = gap ? functions.lit(1.0).minus(col("value")) : col("value");
        return rates.where(cond).select(col("run_id"), value.as("value"));
    }

    private static Dataset<Row> needCurves(Dataset<Row> curves, String metric) {
        if (curves == null) throw new IllegalArgumentException(metric + " needs the curves table");
        return curves;
    }

    /** A runs column or a dotted configuration path, as a double column of the runs table. */
    static Column runNumber(String name, Dataset<Row> runs) {
        if (!name.contains(".") && Arrays.asList(runs.columns()).contains(name)) return col(name).cast("double");
        return functions.get_json_object(col("config_json"), "$." + name).cast("double");
    }
}
