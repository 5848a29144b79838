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
                .select(col("experiment"), col("axes_json"), col("metric"), col("kind"), col("eps"), col("value"));
        return joined.groupByKey((MapFunction<Row, String>) Summaries::key, Encoders.STRING())
                .flatMapGroups((FlatMapGroupsFunction<String, Row, Row>) (k, it) -> summarize(k, it, spec),
                        Encoders.row(Schemas.SUMMARIES));
    }

    static String groupKey(String axesJson) throws Exception {
        Map<String, String> axes = JSON.readValue(axesJson, new TypeReference<LinkedHashMap<String, String>>() {});
        return groupKey(axes, "seed");
    }

    /** The group of a (experiment, axes_json, metric, kind, eps, value) row, as {@link #compute} groups. */
    public static String key(Row r) throws Exception {
        return r.getString(0) + "\u0000" + groupKey(r.getString(1)) + "\u0000" + r.getString(2) + "\u0000"
                + r.getString(3) + "\u0000" + (r.isNullAt(4) ? "" : r.getDouble(4));
    }

    /** One summaries row from the rows of a group, in the order they come (the bootstrap draws by position). */
    public static Iterator<Row> summarize(String key, Iterator<Row> it, FitSpec spec) throws Exception {
        List<Double> vals = new ArrayList<>();
        Row first = null;
        int runs = 0;
        while (it.hasNext()) {
            Row r = it.next();
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
