package org.ratelab.job;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.spark.Partitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.SerializableConfiguration;
import org.ratelab.fits.FitSpec;
import org.ratelab.fits.Summaries;
import org.ratelab.grid.Plan;
import org.ratelab.grid.Scheduler;
import org.ratelab.laws.ScalingLaws;
import org.ratelab.report.ParquetTables;
import org.ratelab.table.OutputDir;
import org.ratelab.table.ParquetFiles;
import org.ratelab.table.Schemas;

/**
 * The rates, laws, summaries and bounds tables of an output too big for the driver ({@link LocalAnalysis}),
 * computed where its files are: one Spark task per committed batch reads that batch's runs file and curve files
 * with parquet-hadoop, one run's curve at a time (a run's points are written together, into one file), and
 * computes with {@link LocalAnalysis}'s per-run functions (those of the Spark queries) what each run adds to the
 * tables: its rates rows and bounds rows, its law points and its summaries' input rows. The curves are never
 * shuffled or joined: the rates and bounds files the tasks write are those tables, and only the law points and
 * the summaries' inputs are grouped by one shuffle each and fitted ({@link ScalingLaws#fit},
 * {@link Summaries#summarize}), which order what they take, so the values do not depend on how runs were
 * batched or partitioned. Each task writes under a directory of its own attempt inside the staging directory;
 * the driver keeps the files of the attempts Spark reports, so a retried task is never counted twice.
 */
final class BatchAnalysis {
    private BatchAnalysis() {}

    /** A committed batch's data files, relative to the output directory. */
    record Unit(int index, List<String> runs, List<String> curves) implements Serializable {}

    /** What a task sends through the shuffle: a batch's share of a law or of a summary, or its output files. */
    sealed interface Part extends Serializable permits LawPart, SummaryPart, UnitOutput {}

    /**
     * A batch's points of one law ({@link ScalingLaws#points} rows without their key): the law's names once,
     * then x, y and seed per point.
     */
    record LawPart(String experiment, String axis, String group, String metric, double[] x, double[] y,
                   long[] seed) implements Part {
        java.util.stream.Stream<Row> rows(String key) {
            return java.util.stream.IntStream.range(0, x.length)
                    .mapToObj(i -> RowFactory.create(key, experiment, axis, group, metric, x[i], y[i], seed[i]));
        }
    }

    /**
     * A batch's values of one summary: the rows {@link Summaries#summarize} takes, (experiment, axes_json,
     * metric, kind, eps, value, run_id), with the names once (axes_json of one of the batch's runs: every run
     * of a summary has the same group key) and value and run_id per run. Held in primitive arrays and one
     * string, {@code runIds}, the run_ids one after another ({@code ends[i]} is where the i-th ends), with no
     * object per run: Spark estimates the size of what it caches and groups by walking its objects, and with a
     * {@code Double} and a {@code String} per run those walks took twice the batch's own analysis (grid_scale).
     */
    record SummaryPart(String experiment, String axesJson, String metric, String kind, Double eps, double[] value,
                       boolean[] missing, String runIds, int[] ends) implements Part {
        java.util.stream.Stream<Row> rows() {
            return java.util.stream.IntStream.range(0, value.length)
                    .mapToObj(i -> RowFactory.create(experiment, axesJson, metric, kind, eps,
                            missing[i] ? null : value[i], runIds.substring(i == 0 ? 0 : ends[i - 1], ends[i])));
        }
    }

    /**
     * What a task wrote, under {@code dir} (relative to the staging directory): {@code rates.parquet} and
     * {@code bounds.parquet}, with their row counts, and the batch's runs by status.
     */
    record UnitOutput(int index, String dir, long rates, long bounds, Map<String, Long> counts) implements Part {}

    /** A result of the shuffle's reducers: a laws row, a summaries row or a task's output. */
    record Result(Row law, Row summary, UnitOutput unit) implements Serializable {}

    private static final List<String> RUN_COLUMNS = List.of(Schemas.RUNS.fieldNames());
    private static final int RUN_ID = Schemas.RUNS.fieldIndex("run_id");
    private static final int AXES_JSON = Schemas.RUNS.fieldIndex("axes_json");
    private static final int STATUS = Schemas.RUNS.fieldIndex("status");

    /**
     * Writes rates, laws (empty unless {@code laws}), summaries and bounds of the committed batches of
     * {@code out} under {@code staging}, and returns the runs' status counts.
     */
    static Map<String, Long> write(SparkSession spark, OutputDir out, OutputDir.Staging staging, Plan plan,
                                   FitSpec fit, boolean laws) throws IOException {
        List<List<String>> batches = out.committedFiles();
        List<Unit> units = new ArrayList<>();
        for (int i = 0; i < batches.size(); i++) units.add(unitOf(i, batches.get(i)));
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        FileSystem fs = staging.dir().getFileSystem(conf);
        Map<String, Long> counts = new TreeMap<>();
        List<Row> lawRows = new ArrayList<>();
        List<Row> summaryRows = new ArrayList<>();
        boolean rates = false;
        boolean bounds = false;
        String work = staging.table("_analysis");
        if (!units.isEmpty()) {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            Broadcast<SerializableConfiguration> hadoop = SerializableConfiguration.broadcast(spark.sparkContext(), conf);
            Map<String, Set<String>> links = links(plan);
            String root = out.uri();
            // a law's or summary's fit is one reducer's work, and a grid has a few heavy laws (12,500 seeds each
            // in grid_scale): several partitions a core, filled by LPT over the fits' sizes and run heaviest
            // first, so that the last ones to finish are short
            int reducers = Math.max(1, 4 * jsc.defaultParallelism());
            JavaPairRDD<String, Part> parts = jsc.parallelize(units, units.size())
                    .flatMapToPair(u -> unit(u, root, work, fit, laws, links, hadoop.value().value()).iterator())
                    .persist(StorageLevel.MEMORY_AND_DISK());
            try {
                Map<String, Double> costs = new TreeMap<>();
                for (Map<String, Double> c : parts.mapPartitions(BatchAnalysis::costs).collect()) {
                    c.forEach((k, v) -> costs.merge(k, v, Double::sum));
                }
                List<Result> results = parts.groupByKey(new FitPartitioner(costs, reducers))
                        .flatMap(g -> reduce(g._1(), g._2(), fit).iterator())
                        .collect();
                String base = staging.dir().toString();
                for (Result r : results) {
                    if (r.law() != null) lawRows.add(r.law());
                    if (r.summary() != null) summaryRows.add(r.summary());
                    UnitOutput o = r.unit();
                    if (o == null) continue;
                    Path dir = new Path(base, o.dir());
                    rates |= publish(fs, new Path(dir, "rates.parquet"), o.rates(), new Path(staging.table("rates")),
                            o.index());
                    bounds |= publish(fs, new Path(dir, "bounds.parquet"), o.bounds(), new Path(staging.table("bounds")),
                            o.index());
                    o.counts().forEach((k, v) -> counts.merge(k, v, Long::sum));
                }
            } finally {
                parts.unpersist(false);
            }
        }
        if (!rates) GridJob.emptyTable(staging.table("rates"), Schemas.RATES, conf);
        if (!bounds) GridJob.emptyTable(staging.table("bounds"), Schemas.BOUNDS, conf);
        // a row per law and per summary: ordered here, as Spark's ORDER BY would, and written as one file each
        lawRows.sort(LocalAnalysis.order(Schemas.LAWS, "experiment", "axis", "group_key", "metric"));
        summaryRows.sort(LocalAnalysis.order(Schemas.SUMMARIES, "experiment", "group_key", "metric", "kind", "eps"));
        ParquetFiles.writeRows(new Path(staging.table("laws"), "part-00000-batch.parquet"), conf, Schemas.LAWS, lawRows);
        ParquetFiles.writeRows(new Path(staging.table("summaries"), "part-00000-batch.parquet"), conf,
                Schemas.SUMMARIES, summaryRows);
        fs.delete(new Path(work), true);
        return counts;
    }

    /** Batch {@code index}'s unit: its data files (relative to the output directory), runs and curves apart. */
    private static Unit unitOf(int index, List<String> files) {
        List<String> runs = new ArrayList<>();
        List<String> curves = new ArrayList<>();
        for (String f : files) (f.startsWith("runs/") ? runs : curves).add(f);
        return new Unit(index, runs, curves);
    }

    /** The plan's zip links, in a serializable map. */
    private static Map<String, Set<String>> links(Plan plan) {
        Map<String, Set<String>> links = new TreeMap<>();
        for (Map.Entry<String, Set<String>> e : plan.zipLinks().entrySet()) {
            links.put(e.getKey(), new TreeSet<>(e.getValue()));
        }
        return links;
    }

    /**
     * Runs the task of {@link #write} on the first committed batch of {@code out} into {@code scratch}, then
     * deletes {@code scratch} and throws what it computed away: for a JVM that trains a big grid and then runs
     * the analysis's tasks itself (local mode), so that the JIT compiles the analysis's code (parquet's readers,
     * the per-run fits, the bounds, the law points, the writers) while later batches train, instead of at the end
     * of the job, where the analysis ran in slower code while the compiler threads took a core of their own. It
     * reads committed files only and changes no value. Returns whether there was a batch to analyse.
     */
    static boolean warmUp(OutputDir out, Path scratch, Plan plan, FitSpec fit, boolean laws, Configuration conf)
            throws Exception {
        List<List<String>> batches = out.committedFiles();
        if (batches.isEmpty()) return false;
        try {
            unit(unitOf(0, batches.get(0)), out.uri(), scratch.toString(), fit, laws, links(plan), conf);
        } finally {
            scratch.getFileSystem(conf).delete(scratch, true);
        }
        return true;
    }

    /**
     * A task's parts' estimated fitting costs by key: a law's points, a summary's values (a resample of a
     * summary costs about 1.3 times a law's per point: measured on grid_scale's), a task's output nothing.
     */
    static java.util.Iterator<Map<String, Double>> costs(java.util.Iterator<scala.Tuple2<String, Part>> it) {
        Map<String, Double> c = new TreeMap<>();
        while (it.hasNext()) {
            scala.Tuple2<String, Part> t = it.next();
            double cost = t._2() instanceof LawPart l ? l.x().length
                    : t._2() instanceof SummaryPart p ? 1.3 * p.value().length : 0;
            c.merge(t._1(), cost, Double::sum);
        }
        return List.of(c).iterator();
    }

    /**
     * The fits' shuffle partitions: the keys dealt by LPT over their costs ({@link Scheduler#assign}),
     * heaviest partition first, since Spark starts a stage's tasks in partition order: a heavy law no longer
     * waits behind light fits and finishes last, alone on one core. A key it was not given goes by its hash.
     */
    static final class FitPartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final Map<String, Integer> partition = new java.util.HashMap<>();
        private final int partitions;

        FitPartitioner(Map<String, Double> costs, int partitions) {
            List<String> keys = new ArrayList<>(costs.keySet());
            int[] index = new int[keys.size()];
            double[] cost = new double[keys.size()];
            for (int i = 0; i < index.length; i++) {
                index[i] = i;
                cost[i] = costs.get(keys.get(i));
            }
            int[][] bins = keys.isEmpty() ? new int[0][] : Scheduler.assign(index, cost, partitions);
            for (int b = 0; b < bins.length; b++) for (int i : bins[b]) partition.put(keys.get(i), b);
            this.partitions = Math.max(1, bins.length);
        }

        @Override public int numPartitions() {
            return partitions;
        }

        @Override public int getPartition(Object key) {
            Integer p = partition.get(key);
            return p != null ? p : Math.floorMod(key.hashCode(), partitions);
        }
    }

    /** A reducer: fits a law or a summary from its batches' parts (keys {@code L...} and {@code S...}), or passes a task's output on. */
    static List<Result> reduce(String key, Iterable<Part> parts, FitSpec fit) throws Exception {
        List<Result> out = new ArrayList<>();
        char tag = key.charAt(0);
        if (tag == 'U') {
            for (Part p : parts) out.add(new Result(null, null, (UnitOutput) p));
        } else if (tag == 'L') {
            String law = key.substring(1);
            List<Row> rows = new ArrayList<>();
            for (Part p : parts) ((LawPart) p).rows(law).forEach(rows::add);
            ScalingLaws.fit(law, rows.iterator(), fit).forEachRemaining(r -> out.add(new Result(r, null, null)));
        } else {
            List<Row> rows = new ArrayList<>();
            for (Part p : parts) ((SummaryPart) p).rows().forEach(rows::add);
            Summaries.summarize(key.substring(1), rows.iterator(), fit)
                    .forEachRemaining(r -> out.add(new Result(null, r, null)));
        }
        return out;
    }

    /** Moves a task's file of a table into it as {@code part-<index>.parquet} when it has rows; whether it did. */
    private static boolean publish(FileSystem fs, Path file, long rows, Path table, int index) throws IOException {
        if (rows == 0) return false;
        fs.mkdirs(table);
        Path to = new Path(table, String.format("part-%05d-batch.parquet", index));
        if (!fs.rename(file, to)) throw new IOException("cannot move " + file + " to " + to);
        return true;
    }

    /**
     * One task: writes the rates and bounds of a batch's runs under {@code work}/index-attempt/, and returns its
     * law points and summary values, grouped by law and summary, and its output, each keyed for the shuffle.
     */
    static List<scala.Tuple2<String, Part>> unit(Unit u, String root, String work, FitSpec fit, boolean laws,
                                                Map<String, Set<String>> links, Configuration conf) throws Exception {
        FileSystem fs = new Path(root).getFileSystem(conf);
        Map<String, Row> runs = new LinkedHashMap<>();
        for (String f : u.runs()) {
            ParquetTables.scanFile(fs, new Path(root, f), RUN_COLUMNS, r -> runs.put((String) r[RUN_ID], RowFactory.create(r)));
        }
        int attempt = TaskContext.get() == null ? 0 : TaskContext.get().attemptNumber();
        String name = u.index() + "-" + attempt;
        Path dir = new Path(work, name);
        fs.delete(dir, true);   // a retried attempt of the same number starts over
        Map<String, Long> counts = new TreeMap<>();
        for (Row r : runs.values()) counts.merge(r.getString(STATUS), 1L, Long::sum);
        Collector c = new Collector(laws);
        try (Writers w = new Writers(dir, conf)) {
            Set<String> done = new HashSet<>();
            for (String f : u.curves()) {
                List<Object[]> current = new ArrayList<>();
                Path file = new Path(root, f);
                ParquetTables.scanFile(fs, file, LocalAnalysis.CURVE_COLUMNS, p -> {
                    if (!current.isEmpty() && !current.get(0)[0].equals(p[0])) {
                        run(runs, current, done, file, w, c, fit, links);
                        current.clear();
                    }
                    current.add(p);
                });
                if (!current.isEmpty()) run(runs, current, done, file, w, c, fit, links);
            }
            for (Row r : runs.values()) {
                if (!done.contains(r.getString(RUN_ID))) perRun(r, null, w, c, fit, links);   // a run without a point
            }
            List<scala.Tuple2<String, Part>> out = c.parts();
            out.add(new scala.Tuple2<>("U" + u.index(),
                    new UnitOutput(u.index(), "_analysis/" + name, w.rates, w.bounds, counts)));
            return out;
        }
    }

    private static void run(Map<String, Row> runs, List<Object[]> points, Set<String> done, Path file, Writers w,
                            Collector c, FitSpec fit, Map<String, Set<String>> links) {
        String id = (String) points.get(0)[0];
        Row run = runs.get(id);
        if (run == null) return;   // an inner join, as the Spark queries': a point without its run has no rates
        if (!done.add(id)) {
            throw new IllegalStateException(file + ": the points of run " + id + " are not written together");
        }
        try {
            perRun(run, points, w, c, fit, links);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("run " + id + ": " + e.getMessage(), e);
        }
    }

    private static void perRun(Row run, List<Object[]> points, Writers w, Collector c, FitSpec fit,
                               Map<String, Set<String>> links) throws Exception {
        List<Row> rates = LocalAnalysis.ratesOf(run, points, fit);
        for (Row r : rates) w.rate(r);
        for (Row b : LocalAnalysis.boundsOf(run, rates, points)) w.bound(b);
        if (c.laws) {
            java.util.Iterator<Row> it = LocalAnalysis.lawPointsOf(run, rates, points, fit, links);
            while (it.hasNext()) c.point(it.next());
        }
        if (rates.isEmpty()) return;
        String group = Summaries.groupKey(run.getString(AXES_JSON));
        for (Row r : rates) c.value(LocalAnalysis.summaryInput(r, run), group);
    }

    /** A task's law points and summary values, gathered by law and by summary. */
    private static final class Collector {
        final boolean laws;
        final Map<String, LawBuilder> lawParts = new LinkedHashMap<>();
        final Map<String, SummaryBuilder> summaryParts = new LinkedHashMap<>();

        Collector(boolean laws) {
            this.laws = laws;
        }

        /** A {@link ScalingLaws#points} row: (key, experiment, axis, group_key, metric, x, y, seed). */
        void point(Row p) {
            LawBuilder b = lawParts.computeIfAbsent(p.getString(0),
                    k -> new LawBuilder(p.getString(1), p.getString(2), p.getString(3), p.getString(4)));
            b.x.add(p.getDouble(5));
            b.y.add(p.getDouble(6));
            b.seed.add(p.getLong(7));
        }

        /** A {@link Summaries#summarize} row of a run whose group key is {@code group}. */
        void value(Row in, String group) {
            String key = Summaries.key(in.getString(0), group, in.getString(2), in.getString(3),
                    in.isNullAt(4) ? null : in.getDouble(4));
            SummaryBuilder b = summaryParts.computeIfAbsent(key, k -> new SummaryBuilder(in));
            b.add(in.isNullAt(5) ? null : in.getDouble(5), in.getString(6));
        }

        List<scala.Tuple2<String, Part>> parts() {
            List<scala.Tuple2<String, Part>> out = new ArrayList<>();
            lawParts.forEach((k, b) -> out.add(new scala.Tuple2<>("L" + k, b.part())));
            summaryParts.forEach((k, b) -> out.add(new scala.Tuple2<>("S" + k, b.part())));
            return out;
        }
    }

    private static final class LawBuilder {
        final String experiment;
        final String axis;
        final String group;
        final String metric;
        final List<Double> x = new ArrayList<>();
        final List<Double> y = new ArrayList<>();
        final List<Long> seed = new ArrayList<>();

        LawBuilder(String experiment, String axis, String group, String metric) {
            this.experiment = experiment;
            this.axis = axis;
            this.group = group;
            this.metric = metric;
        }

        LawPart part() {
            return new LawPart(experiment, axis, group, metric, x.stream().mapToDouble(Double::doubleValue).toArray(),
                    y.stream().mapToDouble(Double::doubleValue).toArray(),
                    seed.stream().mapToLong(Long::longValue).toArray());
        }
    }

    static final class SummaryBuilder {
        final Row first;
        double[] value = new double[16];
        boolean[] missing = new boolean[16];
        int[] ends = new int[16];
        final StringBuilder runIds = new StringBuilder();
        int n;

        SummaryBuilder(Row first) {
            this.first = first;
        }

        void add(Double v, String runId) {
            if (n == value.length) {
                value = java.util.Arrays.copyOf(value, 2 * n);
                missing = java.util.Arrays.copyOf(missing, 2 * n);
                ends = java.util.Arrays.copyOf(ends, 2 * n);
            }
            missing[n] = v == null;
            value[n] = v == null ? 0 : v;
            runIds.append(runId);
            ends[n++] = runIds.length();
        }

        SummaryPart part() {
            return new SummaryPart(first.getString(0), first.getString(1), first.getString(2), first.getString(3),
                    first.isNullAt(4) ? null : first.getDouble(4), java.util.Arrays.copyOf(value, n),
                    java.util.Arrays.copyOf(missing, n), runIds.toString(), java.util.Arrays.copyOf(ends, n));
        }
    }

    /** A task's rates and bounds files, written one row at a time. */
    private static final class Writers implements AutoCloseable {
        final ParquetWriter<Row> rateWriter;
        final ParquetWriter<Row> boundWriter;
        long rates;
        long bounds;

        Writers(Path dir, Configuration conf) throws IOException {
            rateWriter = ParquetFiles.rowWriter(new Path(dir, "rates.parquet"), conf, Schemas.RATES);
            boundWriter = ParquetFiles.rowWriter(new Path(dir, "bounds.parquet"), conf, Schemas.BOUNDS);
        }

        void rate(Row r) throws IOException {
            rateWriter.write(r);
            rates++;
        }

        void bound(Row r) throws IOException {
            boundWriter.write(r);
            bounds++;
        }

        @Override
        public void close() throws IOException {
            try {
                rateWriter.close();
            } finally {
                boundWriter.close();
            }
        }
    }
}
