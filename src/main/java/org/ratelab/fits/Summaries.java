package org.ratelab.fits;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.ratelab.table.Schemas;

/**
 * The summaries table: for each group of runs that differ only by seed (group_key = every axis but seed)
 * and each per-run rate (metric, kind, eps), the median over the runs and its percentile-bootstrap interval.
 * A run whose rate is null (no window qualified, threshold never reached) counts in {@code n_runs} but not in
 * {@code n_values}.
 */
public final class Summaries {
    private Summaries() {}

    private static final ObjectMapper JSON = new ObjectMapper();

    public static Dataset<Row> compute(Dataset<Row> runs, Dataset<Row> rates, FitSpec spec) {
        Dataset<Row> joined = rates.join(runs.select(col("run_id"), col("axes_json")), "run_id")
                .select(col("experiment"), col("axes_json"), col("metric"), col("kind"), col("eps"), col("value"),
                        col("run_id"));
        return joined.groupByKey((MapFunction<Row, String>) Summaries::key, Encoders.STRING())
                .flatMapGroups((FlatMapGroupsFunction<String, Row, Row>) (k, it) -> summarize(k, it, spec),
                        Encoders.row(Schemas.SUMMARIES));
    }

    public static String groupKey(String axesJson) throws Exception {
        Map<String, String> axes = JSON.readValue(axesJson, new TypeReference<LinkedHashMap<String, String>>() {});
        return groupKey(axes, "seed");
    }

    /** The group of a (experiment, axes_json, metric, kind, eps, value, run_id) row, as {@link #compute} groups. */
    public static String key(Row r) throws Exception {
        return key(r.getString(0), groupKey(r.getString(1)), r.getString(2), r.getString(3),
                r.isNullAt(4) ? null : r.getDouble(4));
    }

    /** The group of a rate of a run whose {@link #groupKey(String)} is {@code groupKey}, as {@link #key(Row)}. */
    public static String key(String experiment, String groupKey, String metric, String kind, Double eps) {
        return experiment + "\u0000" + groupKey + "\u0000" + metric + "\u0000" + kind + "\u0000"
                + (eps == null ? "" : eps);
    }

    /**
     * One summaries row from the (experiment, axes_json, metric, kind, eps, value, run_id) rows of a group, in
     * any order: the bootstrap draws by position, so the values are taken in run_id order (a run has one row
     * in a group), whatever order a shuffle delivered them in. The interval is then the same on one core or a
     * cluster, for any number of shuffle partitions.
     */
    public static Iterator<Row> summarize(String key, Iterator<Row> it, FitSpec spec) throws Exception {
        List<Row> rows = new ArrayList<>();
        while (it.hasNext()) rows.add(it.next());
        rows.sort(java.util.Comparator.comparing((Row r) -> r.getString(6)));
        List<Double> vals = new ArrayList<>();
        Row first = null;
        int runs = 0;
        for (Row r : rows) {
            if (first == null) first = r;
            runs++;
            if (!r.isNullAt(5) && Double.isFinite(r.getDouble(5))) vals.add(r.getDouble(5));
        }
        double[] v = vals.stream().mapToDouble(Double::doubleValue).toArray();
        double med = Bootstrap.median(v);
        double[] ci = Bootstrap.medianInterval(v, spec.bootstrap(), spec.level(), Bootstrap.seedOf(key));
        double min = v.length == 0 ? Double.NaN : java.util.Arrays.stream(v).min().getAsDouble();
        double max = v.length == 0 ? Double.NaN : java.util.Arrays.stream(v).max().getAsDouble();
        return List.of(RowFactory.create(first.getString(0), groupKey(first.getString(1)), first.getString(2),
                first.getString(3), first.isNullAt(4) ? null : first.getDouble(4), runs, v.length, nan(med),
                nan(ci[0]), nan(ci[1]), nan(min), nan(max))).iterator();
    }

    private static Double nan(double d) {
        return Double.isNaN(d) ? null : d;
    }

    /** The axes other than {@code axis} and {@code seed}, as {@code k=v,...} in axis order. */
    public static String groupKey(Map<String, String> axes, String axis) {
        return groupKey(axes, axis, java.util.Set.of());
    }

    /** The axes other than {@code axis}, those zipped with it, and {@code seed}, as {@code k=v,...}. */
    public static String groupKey(Map<String, String> axes, String axis, java.util.Set<String> zipped) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : axes.entrySet()) {
            if (e.getKey().equals(axis) || e.getKey().equals("seed") || zipped.contains(e.getKey())) continue;
            if (b.length() > 0) b.append(',');
            b.append(e.getKey()).append('=').append(e.getValue());
        }
        return b.toString();
    }

}
