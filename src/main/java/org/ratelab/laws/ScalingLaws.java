package org.ratelab.laws;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.ratelab.fits.Bootstrap;
import org.ratelab.fits.FitSpec;
import org.ratelab.fits.Summaries;
import org.ratelab.table.Schemas;

/**
 * The laws table: y ≈ prefactor · x^exponent fitted by least squares on log y against log x, for every
 * numeric grid axis x (width, n, batch size, κ, output scale, temperature, …; not {@code seed}) and every
 * metric y, per group of runs sharing all other axes (axes zipped with x vary with it and are not held
 * fixed). Each seed's runs are points; the exponent's interval
 * is a percentile bootstrap over seeds (whole seeds resampled). Computed by Spark: points are emitted per run
 * and fitted per group on the executors.
 *
 * <p>Metrics: the run summaries {@code final_loss}, {@code steps_to_threshold} (converged runs),
 * {@code rel_change}, {@code dist_init}, and every per-run rate as {@code metric.kind} (with
 * {@code @eps} for thresholds), e.g. {@code loss.steps_to_eps@1.0E-8}, plus {@code loss.linear_gap} = 1 − ρ̂,
 * and from the curves every metric's maximum and minimum over the trajectory ({@code rel_change.max},
 * {@code grad_norm_sq.min}: min_k ‖∇F(θ_k)‖² over the recorded steps; NaN points skipped by both, as in
 * {@link org.ratelab.checks.RunValues}) and its value at
 * each of {@code fits.at_steps} ({@code rel_change.at_step@1000}: the last recorded step ≤ 1000).
 * Only positive finite values count; a law needs two distinct values of its axis.
 */
public final class ScalingLaws {
    private ScalingLaws() {}

    public static final List<String> RUN_METRICS = List.of("final_loss", "steps_to_threshold", "rel_change",
            "dist_init");
    /**
     * The law points' schema. A method, not a constant: {@code report} reads {@link #RUN_METRICS} without
     * Spark, and a Spark schema built in this class's initializer would load Spark's types (and ICU) there.
     */
    static StructType pointsSchema() {
        return new StructType()
                .add("key", DataTypes.StringType).add("experiment", DataTypes.StringType)
                .add("axis", DataTypes.StringType).add("group_key", DataTypes.StringType)
                .add("metric", DataTypes.StringType).add("x", DataTypes.DoubleType)
                .add("y", DataTypes.DoubleType).add("seed", DataTypes.LongType);
    }
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The name a per-run rate has as a law metric. */
    public static String rateMetric(String metric, String kind, Double eps) {
        return metric + "." + kind + (eps == null ? "" : "@" + eps);
    }

    public static Dataset<Row> compute(Dataset<Row> runs, Dataset<Row> rates, FitSpec spec) {
        return compute(runs, rates, null, spec, Map.of());
    }

    /** Laws over runs, their rates and (when not null) their curves' maxima and values at fits.at_steps. */
    public static Dataset<Row> compute(Dataset<Row> runs, Dataset<Row> rates, Dataset<Row> curves, FitSpec spec) {
        return compute(runs, rates, curves, spec, Map.of());
    }

    /**
     * As above, with the zip links of the grid: {@code links.get(a)} are the axes zipped with axis a (they
     * vary together with it, e.g. a step size set to 1/L for each κ), which a law against a does not hold
     * fixed: they are left out of its group key, like the axis itself.
     */
    public static Dataset<Row> compute(Dataset<Row> runs, Dataset<Row> rates, Dataset<Row> curves, FitSpec spec,
                                       Map<String, java.util.Set<String>> links) {
        Map<String, java.util.Set<String>> zip = new java.util.HashMap<>(links);
        Dataset<Row> long_ = rates.where(col("value").isNotNull())
                .select(col("run_id"), col("metric"), col("kind"), col("eps"), col("value"));
        if (curves != null) long_ = long_.unionByName(curveStats(curves, spec));
        Dataset<Row> perRun = long_.groupBy("run_id")
                .agg(functions.collect_list(functions.struct(col("metric"), col("kind"), col("eps"), col("value")))
                        .as("rates"));
        List<String> cols = new ArrayList<>(List.of("experiment", "axes_json", "seed"));
        cols.addAll(RUN_METRICS);
        List<org.apache.spark.sql.Column> sel = new ArrayList<>();
        for (String c : cols) sel.add(col("r." + c).as(c));
        sel.add(col("p.rates").as("rates"));
        Dataset<Row> joined = runs.as("r").join(perRun.as("p"), col("r.run_id").equalTo(col("p.run_id")), "left")
                .select(sel.toArray(new org.apache.spark.sql.Column[0]));
        Dataset<Row> points = joined.flatMap((FlatMapFunction<Row, Row>) r -> points(r, zip),
                Encoders.row(pointsSchema()));
        return points.groupByKey((MapFunction<Row, String>) r -> r.getString(0), Encoders.STRING())
                .flatMapGroups((FlatMapGroupsFunction<String, Row, Row>) (k, it) -> fit(k, it, spec),
                        Encoders.row(Schemas.LAWS));
    }

    /** Aggregate over a run's curve rows: the largest value of metric m, NaN points skipped. */
    public static Column curveMax(String m) {
        return functions.max(finite(m));
    }

    /** Aggregate over a run's curve rows: the smallest value of metric m, NaN points skipped. */
    public static Column curveMin(String m) {
        return functions.min(finite(m));
    }

    /** Aggregate over a run's curve rows: metric m at the last recorded step ≤ k. */
    public static Column atStep(String m, long k) {
        Column ok = col("step").leq(k);
        return functions.max_by(functions.when(ok, col(m)), functions.when(ok, col("step")));
    }

    private static Column finite(String m) {
        return functions.when(functions.not(functions.isnan(col(m))), col(m));
    }

    /** (run_id, metric, kind, eps, value) rows: each curve metric's max and min, and its value at fits.at_steps. */
    static Dataset<Row> curveStats(Dataset<Row> curves, FitSpec spec) {
        List<org.apache.spark.sql.Column> aggs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String m : org.ratelab.probes.Metrics.NAMES) {
            if (!java.util.Arrays.asList(curves.columns()).contains(m)) continue;
            aggs.add(curveMax(m).as(m + "\u0001max\u0001"));
            names.add(m + "\u0001max\u0001");
            aggs.add(curveMin(m).as(m + "\u0001min\u0001"));
            names.add(m + "\u0001min\u0001");
            for (double k : spec.atSteps()) {
                String n = m + "\u0001at_step\u0001" + (long) k;
                aggs.add(atStep(m, (long) k).as(n));
                names.add(n);
            }
        }
        Dataset<Row> wide = curves.groupBy("run_id").agg(aggs.get(0),
                aggs.subList(1, aggs.size()).toArray(new org.apache.spark.sql.Column[0]));
        StringBuilder stack = new StringBuilder("stack(" + names.size());
        for (String n : names) {
            String[] p = n.split("\u0001", -1);
            stack.append(", '").append(p[0]).append("', '").append(p[1]).append("', ")
                    .append(p[2].isEmpty() ? "CAST(NULL AS DOUBLE)" : p[2] + "D").append(", `").append(n).append('`');
        }
        stack.append(") AS (metric, kind, eps, value)");
        return wide.selectExpr("run_id", stack.toString()).where(col("value").isNotNull());
    }

    /**
     * One run's law points: r is (experiment, axes_json, seed, the {@link #RUN_METRICS}, and a list of
     * (metric, kind, eps, value) rows of its rates and curve statistics, or null), as {@link #compute} joins it;
     * each point's first field is its law's key.
     */
    public static Iterator<Row> points(Row r, Map<String, java.util.Set<String>> links) throws Exception {
        String experiment = r.getString(0);
        Map<String, String> axes = JSON.readValue(r.getString(1), new TypeReference<LinkedHashMap<String, String>>() {});
        long seed = r.getLong(2);
        Map<String, Double> y = new TreeMap<>();
        for (int i = 0; i < RUN_METRICS.size(); i++) {
            Object v = r.get(3 + i);
            if (v != null) y.put(RUN_METRICS.get(i), ((Number) v).doubleValue());
        }
        int ratesIdx = 3 + RUN_METRICS.size();
        if (!r.isNullAt(ratesIdx)) {
            for (Row rate : r.<Row>getList(ratesIdx)) {
                Double eps = rate.isNullAt(2) ? null : rate.getDouble(2);
                double v = rate.getDouble(3);
                String kind = rate.getString(1);
                y.put(kind.equals("at_step") ? rate.getString(0) + ".at_step@" + eps.longValue()
                        : rateMetric(rate.getString(0), kind, eps), v);
                if (rate.getString(1).equals("linear")) y.put(rate.getString(0) + ".linear_gap", 1.0 - v);
            }
        }
        List<Row> out = new ArrayList<>();
        for (Map.Entry<String, String> axis : axes.entrySet()) {
            if (axis.getKey().equals("seed")) continue;
            double x;
            try {
                x = Double.parseDouble(axis.getValue());
            } catch (NumberFormatException e) {
                continue;
            }
            if (!(x > 0) || Double.isInfinite(x)) continue;
            String group = groupKey(axes, axis.getKey(), links.getOrDefault(axis.getKey(), java.util.Set.of()));
            for (Map.Entry<String, Double> m : y.entrySet()) {
                double v = m.getValue();
                if (!(v > 0) || Double.isInfinite(v)) continue;
                String key = experiment + "\u0000" + axis.getKey() + "\u0000" + group + "\u0000" + m.getKey();
                out.add(RowFactory.create(key, experiment, axis.getKey(), group, m.getKey(), x, v, seed));
            }
        }
        return out.iterator();
    }

    /** The group of a law on {@code axis}: {@link Summaries#groupKey(Map, String)}. */
    public static String groupKey(Map<String, String> axes, String axis) {
        return Summaries.groupKey(axes, axis);
    }

    /** The group of a law on {@code axis} with its zip partners: {@link Summaries#groupKey(Map, String, java.util.Set)}. */
    public static String groupKey(Map<String, String> axes, String axis, java.util.Set<String> zipped) {
        return Summaries.groupKey(axes, axis, zipped);
    }

    /** One laws row (or none) from the points of one key, in any order. */
    public static Iterator<Row> fit(String key, Iterator<Row> it, FitSpec spec) {
        Map<Long, List<double[]>> bySeed = new TreeMap<>();
        TreeSet<Double> xs = new TreeSet<>();
        Row first = null;
        long n = 0;
        while (it.hasNext()) {
            Row r = it.next();
            if (first == null) first = r;
            double lx = Math.log(r.getDouble(5));
            double ly = Math.log(r.getDouble(6));
            bySeed.computeIfAbsent(r.getLong(7), s -> new ArrayList<>()).add(new double[] {lx, ly});
            xs.add(r.getDouble(5));
            n++;
        }
        if (first == null || xs.size() < 2) return java.util.Collections.emptyIterator();
        double[][] gx = new double[bySeed.size()][];
        double[][] gy = new double[bySeed.size()][];
        int g = 0;
        for (List<double[]> pts : bySeed.values()) {
            // in x order, not arrival order: the sums of the fit and its bootstrap must not depend on how the
            // runs table is split into files and partitions (the same points give the same bits)
            pts.sort(java.util.Comparator.<double[]>comparingDouble(p -> p[0]).thenComparingDouble(p -> p[1]));
            gx[g] = new double[pts.size()];
            gy[g] = new double[pts.size()];
            for (int i = 0; i < pts.size(); i++) {
                gx[g][i] = pts.get(i)[0];
                gy[g][i] = pts.get(i)[1];
            }
            g++;
        }
        int[] all = new int[g];
        for (int i = 0; i < g; i++) all[i] = i;
        double[] f = Bootstrap.fit(gx, gy, all);
        double[] ci = Bootstrap.slopeInterval(gx, gy, spec.bootstrap(), spec.level(), Bootstrap.seedOf(key));
        return List.of(RowFactory.create(first.getString(1), first.getString(3), first.getString(4),
                nan(f[0]), nan(Math.exp(f[1])), nan(f[2]), n, first.getString(2), nan(ci[0]), nan(ci[1]),
                g, xs.size(), xs.first(), xs.last())).iterator();
    }

    private static Double nan(double d) {
        return Double.isNaN(d) ? null : d;
    }
}
