package org.ratelab.laws;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The laws table: y ≈ prefactor · width^exponent, fitted by least squares on log y against log width,
 * across every run (each seed a point) of a group — the runs of one experiment that share all axes but
 * {@code model.width} and {@code seed} ({@code runs.group_key}). Computed by Spark SQL aggregates
 * (regr_slope, regr_intercept, regr_r2), so it scales with the grid.
 *
 * <p>Metrics: {@code final_loss}, {@code steps_to_threshold} (converged runs only), {@code rel_change}
 * (‖θ_T − θ_0‖/‖θ_0‖) and {@code dist_init}. Only positive finite values count; a group needs two distinct
 * widths.
 */
public final class WidthLaws {
    private WidthLaws() {}

    public static final String[] METRICS = {"final_loss", "steps_to_threshold", "rel_change", "dist_init"};

    public static Dataset<Row> compute(SparkSession spark, Dataset<Row> runs) {
        runs.createOrReplaceTempView("ratelab_laws_runs");
        StringBuilder stack = new StringBuilder("stack(" + METRICS.length);
        for (String m : METRICS) stack.append(", '").append(m).append("', CAST(").append(m).append(" AS DOUBLE)");
        stack.append(") AS (metric, value)");
        String sql = "WITH m AS (SELECT experiment, group_key, width, " + stack + " FROM ratelab_laws_runs "
                + "WHERE width > 0), "
                + "p AS (SELECT experiment, group_key, metric, width, ln(width) AS x, ln(value) AS y FROM m "
                + "WHERE value > 0 AND NOT isnan(value) AND value < double('Infinity')) "
                + "SELECT experiment, group_key, metric, regr_slope(y, x) AS exponent, "
                + "exp(regr_intercept(y, x)) AS prefactor, regr_r2(y, x) AS r2, count(*) AS n_points, "
                + "count(DISTINCT width) AS n_widths, min(width) AS width_min, max(width) AS width_max "
                + "FROM p GROUP BY experiment, group_key, metric HAVING count(DISTINCT width) >= 2 "
                + "ORDER BY experiment, group_key, metric";
        return spark.sql(sql);
    }
}
