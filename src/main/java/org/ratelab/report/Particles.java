package org.ratelab.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * The hook for particle plots of mean-field experiments: neuron positions |a_j|·w_j at chosen steps.
 *
 * <p>The particles probe ({@code probes.particles}) records |a_j|·w_j in {@code curves.particles} (m × d,
 * row-major); the report reads it as a view with the columns {@link #COLUMNS}: one row per run, recorded step
 * and neuron j, where (x, y) are the first two input coordinates of |a_j|·w_j (y = 0 when d = 1). A
 * {@value #TABLE}/ table under the output directory with those columns takes precedence. The report then draws, for each group of a mean-field experiment, the run of
 * the largest width (smallest seed) at up to {@value #MAX_STEPS} of its recorded steps (first, last and
 * evenly spaced between). Without the table, or for a table lacking these columns, the report says that
 * no particles were recorded; it never invents positions.
 */
final class Particles {
    private Particles() {}

    static final String TABLE = "particles";
    static final List<String> COLUMNS = List.of("run_id", "step", "neuron", "x", "y");
    static final int MAX_STEPS = 4;

    /** curves.particles exploded into (run_id, step, neuron, x, y), with d from the runs table. */
    static final String FROM_CURVES = "SELECT c.run_id, c.step, j AS neuron, element_at(c.particles, j * r.d + 1) AS x, "
            + "IF(r.d >= 2, element_at(c.particles, j * r.d + 2), 0D) AS y FROM {curves} c JOIN {runs} r "
            + "ON c.run_id = r.run_id LATERAL VIEW explode(sequence(0, CAST(size(c.particles) / r.d AS INT) - 1)) "
            + "t AS j WHERE c.particles IS NOT NULL AND size(c.particles) >= r.d";

    /** One run's particles at a few steps: step → [x[], y[]]. */
    record Snapshot(String runId, String group, int width, long seed, Map<Long, double[][]> steps) {}

    /** Whether the table exists with the columns the hook reads. */
    static boolean available(ReportData d) throws IOException {
        if (!d.has(TABLE)) return false;
        List<String> cols = List.of(d.sql("SELECT * FROM {particles}").columns());
        return cols.containsAll(COLUMNS);
    }

    static List<Snapshot> load(ReportData d, String experiment) {
        String runs = "SELECT run_id, group_key, width, seed FROM (SELECT run_id, group_key, width, seed, "
                + "row_number() OVER (PARTITION BY group_key ORDER BY width DESC, seed) AS rk FROM {runs} "
                + "WHERE experiment = " + ReportData.lit(experiment)
                + " AND run_id IN (SELECT DISTINCT run_id FROM {particles})) WHERE rk = 1 ORDER BY group_key";
        List<Snapshot> out = new ArrayList<>();
        for (Row run : d.sql(runs).collectAsList()) {
            String id = ReportData.lit(run.getString(0));
            List<Long> all = new ArrayList<>();
            for (Row s : d.sql("SELECT DISTINCT step FROM {particles} WHERE run_id = " + id + " ORDER BY step")
                    .collectAsList()) {
                all.add(((Number) s.get(0)).longValue());
            }
            List<Long> chosen = choose(all, MAX_STEPS);
            Map<Long, double[][]> steps = new LinkedHashMap<>();
            for (long step : chosen) {
                List<Row> pts = d.sql("SELECT CAST(x AS DOUBLE), CAST(y AS DOUBLE) FROM {particles} WHERE run_id = "
                        + id + " AND step = " + step + " ORDER BY neuron").collectAsList();
                double[][] xy = new double[2][pts.size()];
                for (int i = 0; i < pts.size(); i++) {
                    xy[0][i] = pts.get(i).isNullAt(0) ? Double.NaN : pts.get(i).getDouble(0);
                    xy[1][i] = pts.get(i).isNullAt(1) ? Double.NaN : pts.get(i).getDouble(1);
                }
                steps.put(step, xy);
            }
            out.add(new Snapshot(run.getString(0), run.getString(1), run.getInt(2), run.getLong(3), steps));
        }
        return out;
    }

    /** Up to k values: the first, the last and evenly spaced ones between, in order. */
    static List<Long> choose(List<Long> sorted, int k) {
        if (sorted.size() <= k) return sorted;
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            long v = sorted.get((int) Math.round(i * (sorted.size() - 1) / (double) (k - 1)));
            if (!out.contains(v)) out.add(v);
        }
        return out;
    }
}
