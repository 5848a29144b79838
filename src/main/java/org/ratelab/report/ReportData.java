package org.ratelab.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.ratelab.laws.ScalingLaws;
import org.ratelab.table.OutputDir;
import org.ratelab.table.Statuses;

/**
 * The report's data, read from the tables' Parquet files with parquet-hadoop ({@link ParquetTables}) and
 * aggregated in plain Java, without Spark: median and min–max over seeds per step, law points, rate
 * summaries, status counts, failures and checks. Each aggregate is the one the report computed with Spark
 * SQL before, value for value: {@link SqlAgg} holds Spark's semantics (exact percentile with linear
 * interpolation, NaN the largest double, nulls first, strings in code point order), and
 * {@code ReportDataSparkParityTest} holds every number against those Spark SQL queries.
 *
 * <p>{@code runs} is read once (a few columns); {@code curves} is streamed once for the bands, keeping only
 * the values of each group, width and step; {@code rates}, {@code laws} and {@code checks} are small.
 */
final class ReportData {
    /** The run statuses, in the order the report shows them. */
    static final List<String> STATUSES = Statuses.ALL;

    /** The columns of the checks table (issue 6), shown in this order when present. */
    static final List<String> CHECK_COLUMNS = List.of("experiment", "check", "predicted", "observed", "ci_low",
            "ci_high", "passed", "detail");

    /** An experiment: its name, how many widths its grid has, and whether F* is known for its runs. */
    record Experiment(String name, long widths, boolean optimalKnown) {}

    /**
     * One series of a convergence panel: per recorded step, the median, min and max over seeds of
     * F − F* (F* = 0 where unknown); only positive finite values count.
     */
    record Band(String experiment, String group, int width, double[] step, double[] oracleCalls,
                double[] median, double[] min, double[] max, long maxSeeds) {}

    /** One point of a width law: a run's value of a law metric. */
    record LawPoint(String experiment, String group, String metric, int width, long seed, double value) {}

    /** A row of the laws table. */
    record Law(String experiment, String group, String metric, Double exponent, Double prefactor, Double r2,
               long nPoints, long nWidths, Integer widthMin, Integer widthMax, Double ciLow, Double ciHigh) {}

    /** A rendered table: header and rows of display text. */
    record Table(List<String> columns, List<List<String>> rows) {}

    /** The runs columns the report reads. */
    private static final List<String> RUN_COLUMNS = runColumns();

    private static List<String> runColumns() {
        List<String> c = new ArrayList<>(List.of("run_id", "experiment", "width", "seed", "status", "steps",
                "wall_ms", "message", "group_key", "optimal_loss", "config_json", "d"));
        c.addAll(ScalingLaws.RUN_METRICS);
        return List.copyOf(c);
    }

    private static final int ID = 0, EXPERIMENT = 1, WIDTH = 2, SEED = 3, STATUS = 4, STEPS = 5, WALL_MS = 6,
            MESSAGE = 7, GROUP = 8, OPTIMAL = 9, CONFIG = 10, D = 11, METRICS = 12;

    final OutputDir out;
    private final FileSystem fs;
    /** The runs rows, in file order: {@link #RUN_COLUMNS}. */
    private final List<Object[]> runs;
    /** run_id → its runs rows (one, unless a table repeats an id: then the joins repeat, as Spark's do). */
    private final Map<String, List<Object[]>> runsById = new HashMap<>();
    private List<Object[]> rates;
    private List<Object[]> checks;
    private List<String> checkColumns;

    /** Reads the runs table of {@code out}; the other tables are read when first asked for. */
    ReportData(Configuration conf, OutputDir out) throws IOException {
        this.out = out;
        this.fs = out.root().getFileSystem(conf);
        for (String t : List.of("runs", "curves", "rates", "laws")) {
            if (!has(t)) throw new IOException("no " + t + "/ table under " + out.uri());
        }
        this.runs = ParquetTables.read(fs, path("runs"), RUN_COLUMNS);
        for (Object[] r : runs) runsById.computeIfAbsent((String) r[ID], k -> new ArrayList<>(1)).add(r);
    }

    /** For a caller that holds a session: only its Hadoop configuration is used; no Spark job runs. */
    ReportData(SparkSession spark, OutputDir out) throws IOException {
        this(spark.sparkContext().hadoopConfiguration(), out);
    }

    boolean has(String table) throws IOException {
        return fs.exists(path(table));
    }

    Path path(String table) {
        return new Path(out.table(table));
    }

    FileSystem fs() {
        return fs;
    }

    /** The runs rows of one experiment with the given columns (for {@link Particles}). */
    List<Object[]> runs(String experiment) {
        List<Object[]> o = new ArrayList<>();
        for (Object[] r : runs) if (experiment.equals(r[EXPERIMENT])) o.add(r);
        return o;
    }

    static String runId(Object[] run) { return (String) run[ID]; }
    static String group(Object[] run) { return (String) run[GROUP]; }
    static Integer width(Object[] run) { return (Integer) run[WIDTH]; }
    static Long seed(Object[] run) { return (Long) run[SEED]; }
    static Integer inputDim(Object[] run) { return (Integer) run[D]; }

    /** The runs rows of a run_id (empty when the runs table lacks it). */
    List<Object[]> runsOf(String runId) {
        return runsById.getOrDefault(runId, List.of());
    }

    /** The experiments, by name: how many distinct widths, and whether any run knows F*. */
    List<Experiment> experiments() {
        Map<String, Set<Integer>> widths = new HashMap<>();
        Map<String, Boolean> optimal = new HashMap<>();
        for (Object[] r : runs) {
            String e = (String) r[EXPERIMENT];
            Set<Integer> w = widths.computeIfAbsent(e, k -> new HashSet<>());
            if (r[WIDTH] != null) w.add((Integer) r[WIDTH]);
            optimal.merge(e, r[OPTIMAL] != null, Boolean::logicalOr);
        }
        List<String> names = new ArrayList<>(widths.keySet());
        names.sort(SqlAgg.STRINGS);
        List<Experiment> out = new ArrayList<>();
        for (String e : names) out.add(new Experiment(e, widths.get(e).size(), optimal.get(e)));
        return out;
    }

    /** A series of a convergence panel while the curves are streamed: per step, y = F − F* and oracle calls. */
    private record SeriesKey(String experiment, String group, int width) {}

    private static final class Points {
        final SqlAgg.Doubles y = new SqlAgg.Doubles();
        final SqlAgg.Longs calls = new SqlAgg.Longs();
    }

    /**
     * Median and min–max over seeds per experiment, group, width and step: F − F* (the loss when F* is
     * unknown), positive finite values only, ordered by experiment, group, width and step.
     */
    List<Band> bands() throws IOException {
        Map<SeriesKey, TreeMap<Long, Points>> series = new HashMap<>();
        ParquetTables.scan(fs, path("curves"), List.of("run_id", "step", "oracle_calls", "loss"), c -> {
            if (c[3] == null || c[1] == null || c[2] == null) return;
            double loss = (Double) c[3];
            for (Object[] r : runsOf((String) c[0])) {
                double y = loss - (r[OPTIMAL] == null ? 0D : (Double) r[OPTIMAL]);
                if (!(y > 0) || Double.isNaN(y) || !(y < Double.POSITIVE_INFINITY)) continue;
                Points p = series.computeIfAbsent(new SeriesKey((String) r[EXPERIMENT], (String) r[GROUP],
                        (Integer) r[WIDTH]), k -> new TreeMap<>()).computeIfAbsent((Long) c[1], k -> new Points());
                p.y.add(y);
                p.calls.add((Long) c[2]);
            }
        });
        List<SeriesKey> keys = new ArrayList<>(series.keySet());
        keys.sort(Comparator.comparing(SeriesKey::experiment, SqlAgg.STRINGS)
                .thenComparing(SeriesKey::group, SqlAgg.STRINGS).thenComparingInt(SeriesKey::width));
        List<Band> bands = new ArrayList<>();
        for (SeriesKey k : keys) {
            TreeMap<Long, Points> steps = series.get(k);
            int n = steps.size();
            double[] step = new double[n], oc = new double[n], med = new double[n], lo = new double[n],
                    hi = new double[n];
            long seeds = 0;
            int i = 0;
            for (Map.Entry<Long, Points> e : steps.entrySet()) {
                Points p = e.getValue();
                step[i] = e.getKey();
                oc[i] = p.calls.median();
                med[i] = p.y.median();
                lo[i] = p.y.min();
                hi[i] = p.y.max();
                seeds = Math.max(seeds, p.y.size());
                i++;
            }
            bands.add(new Band(k.experiment(), k.group(), k.width(), step, oc, med, lo, hi, seeds));
        }
        return bands;
    }

    /** Every run's value of every law metric (positive finite values, width > 0), as the laws table fits. */
    List<LawPoint> lawPoints() {
        List<LawPoint> out = new ArrayList<>();
        for (Object[] r : runs) {
            if (r[WIDTH] == null || (Integer) r[WIDTH] <= 0) continue;
            for (int m = 0; m < ScalingLaws.RUN_METRICS.size(); m++) {
                Object v = r[METRICS + m];
                if (v == null) continue;
                double value = ((Number) v).doubleValue();
                if (!(value > 0) || Double.isNaN(value) || !(value < Double.POSITIVE_INFINITY)) continue;
                out.add(new LawPoint((String) r[EXPERIMENT], (String) r[GROUP], ScalingLaws.RUN_METRICS.get(m),
                        (Integer) r[WIDTH], (Long) r[SEED], value));
            }
        }
        out.sort(Comparator.comparing(LawPoint::experiment, SqlAgg.STRINGS)
                .thenComparing(LawPoint::metric, SqlAgg.STRINGS).thenComparing(LawPoint::group, SqlAgg.STRINGS)
                .thenComparingInt(LawPoint::width).thenComparingLong(LawPoint::seed));
        return out;
    }

    /** The width laws of the laws table, ordered by experiment, metric and group. */
    List<Law> laws() throws IOException {
        List<Law> out = new ArrayList<>();
        for (Object[] r : ParquetTables.read(fs, path("laws"), List.of("experiment", "group_key", "metric",
                "exponent", "prefactor", "r2", "n_points", "n_values", "axis_min", "axis_max", "exponent_ci_low",
                "exponent_ci_high", "axis"))) {
            if (!"model.width".equals(r[12])) continue;
            out.add(new Law((String) r[0], (String) r[1], (String) r[2], dbl(r[3]), dbl(r[4]), dbl(r[5]),
                    ((Number) r[6]).longValue(), ((Number) r[7]).intValue(), toInt(r[8]), toInt(r[9]),
                    dbl(r[10]), dbl(r[11])));
        }
        out.sort(Comparator.comparing(Law::experiment, SqlAgg.STRINGS).thenComparing(Law::metric, SqlAgg.STRINGS)
                .thenComparing(Law::group, SqlAgg.STRINGS));
        return out;
    }

    /** Run counts by status (every status, zeros included), the total, and training time summed over runs. */
    Map<String, Long> statusCounts(String experiment) {
        Map<String, Long> c = new LinkedHashMap<>();
        for (String s : STATUSES) c.put(s, 0L);
        Map<String, Long> seen = new TreeMap<>(Comparator.nullsFirst(SqlAgg.STRINGS));
        for (Object[] r : runs) if (experiment.equals(r[EXPERIMENT])) seen.merge((String) r[STATUS], 1L, Long::sum);
        c.putAll(seen);
        return c;
    }

    /**
     * The distinct messages of the experiment's failed runs with how many runs ended with each, most frequent
     * first, at most {@code limit} of them.
     */
    Table failures(String experiment, int limit) {
        Map<String, long[]> by = new HashMap<>();  // message → {count, min steps}
        for (Object[] r : runs) {
            if (!experiment.equals(r[EXPERIMENT]) || !Statuses.FAILED.equals(r[STATUS])) continue;
            String m = r[MESSAGE] == null ? "(no message)" : (String) r[MESSAGE];
            long[] a = by.computeIfAbsent(m, k -> new long[] {0, Long.MAX_VALUE});
            a[0]++;
            a[1] = Math.min(a[1], (Long) r[STEPS]);
        }
        List<String> ms = new ArrayList<>(by.keySet());
        ms.sort(Comparator.comparingLong((String m) -> -by.get(m)[0]).thenComparing(SqlAgg.STRINGS));
        List<List<String>> rows = new ArrayList<>();
        for (String m : ms.subList(0, Math.min(limit, ms.size()))) {
            rows.add(List.of(m, String.valueOf(by.get(m)[0]), String.valueOf(by.get(m)[1])));
        }
        return new Table(List.of("message", "runs", "earliest step"), rows);
    }

    /** Training time summed over the experiment's runs, in ms. */
    long trainingMs(String experiment) {
        long sum = 0;
        for (Object[] r : runs) if (experiment.equals(r[EXPERIMENT]) && r[WALL_MS] != null) sum += (Long) r[WALL_MS];
        return sum;
    }

    private record RateKey(String group, int width, String metric, String kind, Double eps) {}

    private static final class RateValues {
        final SqlAgg.Doubles value = new SqlAgg.Doubles();
        final SqlAgg.Doubles perCall = new SqlAgg.Doubles();
        final SqlAgg.Doubles r2 = new SqlAgg.Doubles();
        long rows;
    }

    /** The rates table summarised over seeds: per group, width, metric and kind, the median and range. */
    Table rates(String experiment) throws IOException {
        if (rates == null) {
            rates = ParquetTables.read(fs, path("rates"), List.of("run_id", "metric", "kind", "eps", "value",
                    "value_per_oracle_call", "r2"));
        }
        Map<RateKey, RateValues> groups = new HashMap<>();
        for (Object[] q : rates) {
            for (Object[] r : runsOf((String) q[0])) {
                if (!experiment.equals(r[EXPERIMENT])) continue;
                RateValues v = groups.computeIfAbsent(new RateKey((String) r[GROUP], (Integer) r[WIDTH],
                        (String) q[1], (String) q[2], SqlAgg.groupingKey(dbl(q[3]))), k -> new RateValues());
                v.rows++;
                if (q[4] != null) v.value.add((Double) q[4]);
                if (q[5] != null) v.perCall.add((Double) q[5]);
                if (q[6] != null) v.r2.add((Double) q[6]);
            }
        }
        List<RateKey> keys = new ArrayList<>(groups.keySet());
        keys.sort(Comparator.comparing(RateKey::metric, SqlAgg.STRINGS).thenComparing(RateKey::kind, SqlAgg.STRINGS)
                .thenComparing(RateKey::eps, Comparator.nullsFirst(SqlAgg.DOUBLES))
                .thenComparing(RateKey::group, SqlAgg.STRINGS).thenComparingInt(RateKey::width));
        List<List<String>> rows = new ArrayList<>();
        for (RateKey k : keys) {
            RateValues v = groups.get(k);
            rows.add(List.of(groupLabel(k.group()), String.valueOf(k.width()), k.metric(),
                    k.eps() == null ? k.kind() : k.kind() + "@" + SqlAgg.castToString(k.eps()),
                    num(v.value.medianOrNull()), num(v.value.minOrNull()), num(v.value.maxOrNull()),
                    num(v.perCall.medianOrNull()), num(v.r2.medianOrNull()), v.value.size() + " / " + v.rows));
        }
        return new Table(List.of("group", "width", "metric", "kind", "median", "min", "max",
                "median per oracle call", "median r²", "runs fitted"), rows);
    }

    /** The checks rows of an experiment, every column of the table (known ones first), or null when absent. */
    Table checks(String experiment) throws IOException {
        if (!has("checks")) return null;
        if (checks == null) {
            checkColumns = ParquetTables.columns(fs, path("checks"));
            checks = ParquetTables.read(fs, path("checks"), checkColumns);
        }
        List<String> present = checkColumns;
        List<String> cols = new ArrayList<>();
        for (String c : CHECK_COLUMNS) if (present.contains(c)) cols.add(c);
        for (String c : present) if (!cols.contains(c)) cols.add(c);
        int exp = present.indexOf("experiment");
        int check = present.indexOf("check");
        List<Object[]> selected = new ArrayList<>();
        for (Object[] r : checks) if (exp < 0 || experiment.equals(r[exp])) selected.add(r);
        if (check >= 0) {
            selected.sort(Comparator.comparing((Object[] r) -> (String) r[check],
                    Comparator.nullsFirst(SqlAgg.STRINGS)));
        }
        List<List<String>> rows = new ArrayList<>();
        for (Object[] r : selected) {
            List<String> row = new ArrayList<>();
            for (String c : cols) {
                Object v = r[present.indexOf(c)];
                row.add(v == null ? "" : text(v));
            }
            rows.add(row);
        }
        return new Table(cols, rows);
    }

    /** Whether an experiment's runs use the mean-field parameterization (then particle plots apply). */
    boolean meanField(String experiment) {
        for (Object[] r : runs) {
            if (experiment.equals(r[EXPERIMENT]) && "meanfield".equals(SqlAgg.jsonPath((String) r[CONFIG],
                    "model", "parameterization"))) {
                return true;
            }
        }
        return false;
    }

    static String groupLabel(String groupKey) {
        return groupKey == null || groupKey.isEmpty() ? "all runs" : groupKey;
    }

    /**
     * A group key for a legend: each {@code a.b.key=value} as {@code key=value} (the last path segment), or
     * the full key when two segments would read alike.
     */
    static String shortLabel(String groupKey) {
        if (groupKey == null || groupKey.isEmpty()) return "all runs";
        List<String> keys = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        for (String kv : groupKey.split(",")) {
            int eq = kv.indexOf('=');
            String k = eq < 0 ? kv : kv.substring(0, eq);
            String last = k.substring(k.lastIndexOf('.') + 1);
            if (keys.contains(last)) return groupKey;
            keys.add(last);
            parts.add(last + (eq < 0 ? "" : kv.substring(eq)));
        }
        return String.join(", ", parts);
    }

    static Double dbl(Object o) {
        return o == null ? null : ((Number) o).doubleValue();
    }

    /** Spark's CAST(double AS INT) for the widths the laws table holds as doubles. */
    private static Integer toInt(Object o) {
        return o == null ? null : (int) ((Number) o).doubleValue();
    }

    private static String num(Double v) {
        return v == null ? "" : fmt(v);
    }

    static String text(Object o) {
        if (o instanceof Double d) return fmt(d);
        if (o instanceof Float f) return fmt(f);
        if (o instanceof byte[] b) return Arrays.toString(b);
        return String.valueOf(o);
    }

    /** Four significant digits, plain notation where readable. */
    static String fmt(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return String.valueOf(v);
        if (v == 0) return "0";
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e5) {
            return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros()
                    .toPlainString();
        }
        return String.format(java.util.Locale.ROOT, "%.3e", v);
    }
}
