package org.ratelab.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The hook for particle plots of mean-field experiments: neuron positions |a_j|·w_j at chosen steps.
 *
 * <p>The particles probe ({@code probes.particles}) records |a_j|·w_j in {@code curves.particles} (m × d,
 * row-major); the report reads it as rows with the columns {@link #COLUMNS}: one row per run, recorded step
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

    /** One run's particles at a few steps: step → [x[], y[]]. */
    record Snapshot(String runId, String group, int width, long seed, Map<Long, double[][]> steps) {}

    /** One particle row: (step, neuron, x, y). */
    private record Point(long step, Long neuron, double x, double y) {}

    /**
     * Whether particle rows can be read: a {@value #TABLE}/ table with {@link #COLUMNS}, or else
     * {@code curves.particles}, which every curves table has (its explicit schema).
     */
    static boolean available(ReportData d) throws IOException {
        if (!d.has(TABLE)) return true;
        return ParquetTables.columns(d.fs(), d.path(TABLE)).containsAll(COLUMNS);
    }

    static List<Snapshot> load(ReportData d, String experiment) throws IOException {
        List<Object[]> runs = d.runs(experiment);
        Set<String> ids = new HashSet<>();
        for (Object[] r : runs) ids.add(ReportData.runId(r));
        // pass 1: which of the experiment's runs have particle rows
        Set<String> with = new HashSet<>();
        points(d, ids, (id, p) -> with.add(id));
        // per group (in group order) the widest run, then the smallest seed
        Map<String, Object[]> pick = new TreeMap<>(SqlAgg.STRINGS);
        Comparator<Object[]> widestFirst = Comparator.comparing((Object[] r) -> ReportData.width(r),
                Comparator.nullsLast(Comparator.<Integer>reverseOrder()))
                .thenComparing(ReportData::seed, Comparator.nullsFirst(Comparator.<Long>naturalOrder()));
        for (Object[] r : runs) {
            if (!with.contains(ReportData.runId(r))) continue;
            pick.merge(ReportData.group(r), r, (a, b) -> widestFirst.compare(b, a) < 0 ? b : a);
        }
        // pass 2: the points of the chosen runs
        Map<String, List<Point>> chosen = new HashMap<>();
        for (Object[] r : pick.values()) chosen.put(ReportData.runId(r), new ArrayList<>());
        points(d, chosen.keySet(), (id, p) -> chosen.get(id).add(p));
        List<Snapshot> out = new ArrayList<>();
        for (Object[] run : pick.values()) {
            List<Point> pts = chosen.get(ReportData.runId(run));
            List<Long> all = pts.stream().map(Point::step).distinct().sorted().toList();
            Map<Long, double[][]> steps = new LinkedHashMap<>();
            for (long step : choose(all, MAX_STEPS)) {
                List<Point> at = new ArrayList<>(pts.stream().filter(p -> p.step() == step).toList());
                at.sort(Comparator.comparing(Point::neuron, Comparator.nullsFirst(Comparator.<Long>naturalOrder())));
                double[][] xy = new double[2][at.size()];
                for (int i = 0; i < at.size(); i++) {
                    xy[0][i] = at.get(i).x();
                    xy[1][i] = at.get(i).y();
                }
                steps.put(step, xy);
            }
            out.add(new Snapshot(ReportData.runId(run), ReportData.group(run), ReportData.width(run),
                    ReportData.seed(run), steps));
        }
        return out;
    }

    private interface PointSink {
        void accept(String runId, Point p);
    }

    /**
     * The particle rows of the given runs: from the {@value #TABLE}/ table when there is one, else
     * {@code curves.particles} exploded into (step, j, p[j·d], p[j·d + 1] or 0 when d = 1) for
     * j < size / d, for arrays of at least d values.
     */
    private static void points(ReportData d, Set<String> runIds, PointSink sink) throws IOException {
        if (d.has(TABLE)) {
            ParquetTables.scan(d.fs(), d.path(TABLE), COLUMNS, r -> {
                if (r[1] == null || !runIds.contains((String) r[0])) return;
                sink.accept((String) r[0], new Point(((Number) r[1]).longValue(),
                        r[2] == null ? null : ((Number) r[2]).longValue(), asDouble(r[3]), asDouble(r[4])));
            });
            return;
        }
        ParquetTables.scan(d.fs(), d.path("curves"), List.of("run_id", "step", "particles"), c -> {
            if (c[2] == null || !runIds.contains((String) c[0])) return;
            double[] p = (double[]) c[2];
            for (Object[] run : d.runsOf((String) c[0])) {
                Integer dim = ReportData.inputDim(run);
                if (dim == null || dim <= 0 || p.length < dim) continue;
                for (int j = 0; j < p.length / dim; j++) {
                    sink.accept((String) c[0], new Point((Long) c[1], (long) j, p[j * dim],
                            dim >= 2 ? p[j * dim + 1] : 0D));
                }
            }
        });
    }

    private static double asDouble(Object o) {
        return o == null ? Double.NaN : ((Number) o).doubleValue();
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
