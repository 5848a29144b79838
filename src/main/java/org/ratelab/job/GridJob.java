package org.ratelab.job;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.ratelab.checks.CheckSpec;
import org.ratelab.checks.Bounds;
import org.ratelab.checks.Checks;
import org.ratelab.fits.FitSpec;
import org.ratelab.fits.Rates;
import org.ratelab.fits.Summaries;
import org.ratelab.grid.Plan;
import org.ratelab.train.RunConfig;
import org.ratelab.grid.Scheduler;
import org.ratelab.laws.ScalingLaws;
import org.ratelab.spec.SpecException;
import org.ratelab.linalg.Blas;
import org.ratelab.linalg.NativeBlas;
import org.ratelab.table.OutputDir;
import org.ratelab.table.ParquetFiles;
import org.ratelab.table.Rows;
import org.ratelab.table.Schemas;
import org.ratelab.train.RunResult;
import org.ratelab.train.Trainer;

/**
 * The grid pipeline on Spark: plan → batches of runs in decreasing estimated cost, each a Spark job whose
 * partitions are balanced by LPT and whose tasks train their runs one at a time, single-threaded → each
 * batch's runs and curves committed under {@code _batches/} as it finishes (one rename; their files are the
 * runs and curves tables) → rates (grouped by run) → laws and summaries (grouped by law and by group) →
 * theory bounds per run, as Spark queries, or on the driver for a small output ({@link LocalAnalysis}) →
 * checks → all tables moved into the output directory together. With {@link Options#resume()}, run_ids
 * already committed are not trained again.
 */
public final class GridJob {
    private GridJob() {}

    /** Spark conf key: when "true", every task fails unless native BLAS is active on its executor. */
    public static final String REQUIRE_NATIVE_CONF = "spark.ratelab.requireNativeBlas";

    /** The BLAS library the driver chose ({@link NativeBlas}), which every task selects before it trains. */
    static String blasChoice(SparkSession spark) {
        String v = NativeBlas.parse(spark.sparkContext().getConf().get(NativeBlas.SPARK_PROPERTY,
                NativeBlas.current().requested()));
        return v != null ? v : NativeBlas.BUNDLED;
    }

    /**
     * The BLAS facts of every executor, by executor id: one Spark job of a few tiny tasks (twice as many as
     * cores, so that every executor that is up takes some), each selecting the driver's choice first. In local
     * mode the one executor is the driver ("driver") and its tasks run in this JVM: it answers without a job.
     */
    public static Map<String, Blas.Facts> executorBlas(SparkSession spark) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        String choice = blasChoice(spark);
        if (spark.sparkContext().isLocal()) {
            NativeBlas.select(choice);
            return new TreeMap<>(Map.of(org.apache.spark.SparkEnv.get().executorId(), Blas.facts()));
        }
        int n = Math.max(2, 2 * spark.sparkContext().defaultParallelism());
        List<Integer> slots = new ArrayList<>();
        for (int i = 0; i < n; i++) slots.add(i);
        jsc.setJobDescription("ratelab: executors' BLAS");
        List<scala.Tuple2<String, Blas.Facts>> all = jsc.parallelize(slots, n).map(i -> {
            NativeBlas.select(choice);
            return new scala.Tuple2<>(org.apache.spark.SparkEnv.get().executorId(), Blas.facts());
        }).collect();
        jsc.setJobDescription(null);
        Map<String, Blas.Facts> byExecutor = new TreeMap<>();
        for (scala.Tuple2<String, Blas.Facts> t : all) byExecutor.put(t._1(), t._2());
        return byExecutor;
    }

    /**
     * What a finished job reports.
     *
     * @param makespanRatio the estimated makespan of the trained runs' tasks on the cluster's cores (list
     *                      scheduling of the batches' tasks in submission order) over the ideal, total / cores
     * @param resumed       runs already committed by an earlier job and not trained again ({@code --resume})
     * @param batches       batches committed by this job
     */
    public record Summary(long runs, Map<String, Long> statusCounts, long wallMs, double makespanRatio,
                          long checks, long checksFailed, long resumed, int batches) {
    }

    /**
     * How to run a grid.
     *
     * @param partitions Spark partitions per batch (0: twice the default parallelism)
     * @param resume     skip the run_ids already committed under {@code _batches/}; otherwise committed
     *                   batches of an earlier job are deleted first
     * @param batchRuns  runs per committed batch (0: at least twice the partitions and about 4 s of estimated
     *                   work per core, and at most about 50 batches)
     */
    public record Options(int partitions, boolean resume, int batchRuns) {
        public static Options of(int partitions) {
            return new Options(partitions, false, 0);
        }
    }

    /**
     * Grids from this many runs up, trained in the driver's JVM, warm up the analysis's JIT while they train
     * ({@link WarmUp}); {@link #WARM_UP_RUNS_CONF} sets another number (the tests warm up small grids).
     */
    static final int WARM_UP_RUNS = 1_000;
    static final String WARM_UP_RUNS_CONF = "spark.ratelab.warmUpRuns";

    /** The value of {@link #WARM_UP_RUNS_CONF}: a number of runs, 0 or more. */
    static long warmUpRuns(String value) {
        try {
            long n = Long.parseLong(value.trim());
            if (n >= 0) return n;
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new UsageException("--conf " + WARM_UP_RUNS_CONF + "=" + value + ": not a number of runs (0 or more)");
    }

    /** Batches trained at the same time: the next batch's tasks fill the cores while one finishes. */
    static final int IN_FLIGHT = 2;
    /** About how many batches a job commits by default. */
    static final int TARGET_BATCHES = 50;
    /**
     * By default a batch carries at least this many seconds of estimated work per core (at the nominal
     * {@link PlanCommand#ASSUMED_FLOPS_PER_CORE}), so that a batch's fixed costs (its Spark job, its files and
     * its commit, a few hundred milliseconds) stay small beside its training: 10^4 tiny runs go in 2 batches,
     * not 50.
     */
    static final double MIN_BATCH_SECONDS = 4.0;

    /** The analysis sections of a plan's spec, parsed and validated against the plan (errors name keys). */
    public record Analysis(FitSpec fit, List<CheckSpec> checks) {
        public static Analysis of(Plan plan) {
            try {
                FitSpec fit = FitSpec.parse(plan.spec().sections().get("fits"));
                List<CheckSpec> checks = CheckSpec.parseAll(plan.spec().sections().get("checks"));
                Checks.validate(checks, plan, fit);
                return new Analysis(fit, checks);
            } catch (SpecException e) {
                throw e.inFile(plan.spec().file());
            }
        }
    }

    public static Summary execute(SparkSession spark, Plan plan, OutputDir out, int partitions) throws IOException {
        return execute(spark, plan, out, null, Options.of(partitions));
    }

    /** Like the four-argument form, showing progress ({@link Progress}) on {@code progressTo} unless null. */
    public static Summary execute(SparkSession spark, Plan plan, OutputDir out, int partitions,
                                  java.io.PrintStream progressTo) throws IOException {
        return execute(spark, plan, out, progressTo, Options.of(partitions));
    }

    /**
     * Trains the runs of {@code plan} not yet committed (all of them unless resuming) in batches, commits
     * each batch as it finishes, then rebuilds every table from all committed batches.
     */
    public static Summary execute(SparkSession spark, Plan plan, OutputDir out, java.io.PrintStream progressTo,
                                  Options options) throws IOException {
        return execute(spark, plan, out, progressTo, options, List.of());
    }

    /**
     * Like the five-argument form, with {@code head}: runs of the plan already trained in this JVM while the
     * session started ({@link HeadStart}), committed as the first batch (as a task would have, on the driver)
     * and not trained again. Not with {@link Options#resume()}.
     */
    static Summary execute(SparkSession spark, Plan plan, OutputDir out, java.io.PrintStream progressTo,
                           Options options, List<RunResult> head) throws IOException {
        if (options.resume() && !head.isEmpty()) throw new IllegalArgumentException("a head start cannot resume");
        Set<String> committed = options.resume() ? committedForResume(plan, out) : Set.of();
        if (options.resume()) {
            out.clearStaging();
            out.publishCommitted();  // a batch committed but not yet wholly in its tables when the job was killed
        } else {
            out.clearTablesBatchesAndStaging();
        }
        out.createBatchTables();
        java.util.BitSet trained = new java.util.BitSet();
        double headCost = 0;
        for (RunResult r : head) {
            trained.set(r.config().index());
            headCost += r.config().cost();
        }
        Todo todo = Todo.of(plan, committed, trained);
        try (Progress progress = Progress.start(spark.sparkContext(), todo.index().length + head.size(),
                todo.cost() + headCost, progressTo)) {
            head.forEach(progress::counted);
            return executeCounted(spark, plan, todo, head, committed.size(), out, options, progress);
        }
    }

    /**
     * The runs still to train, as plan indices with their estimated costs: all that the driver keeps per run
     * (the runs themselves are bound where they are trained, from the plan's runs shipped once to the tasks).
     */
    record Todo(int[] index, double[] costs, double cost) {
        static Todo of(Plan plan, Set<String> committed) {
            return of(plan, committed, new java.util.BitSet());
        }

        /** The runs neither committed (by run_id) nor already trained (by plan index). */
        static Todo of(Plan plan, Set<String> committed, java.util.BitSet trained) {
            int n = plan.runs().size();
            int[] index = new int[n];
            double[] costs = new double[n];
            int k = 0;
            double total = 0;
            for (int i = 0; i < n; i++) {
                if (trained.get(i) || !committed.isEmpty() && committed.contains(plan.runId(i))) continue;
                index[k] = i;
                costs[k] = plan.cost(i);
                total += costs[k++];
            }
            return new Todo(java.util.Arrays.copyOf(index, k), java.util.Arrays.copyOf(costs, k), total);
        }
    }

    /**
     * The run_ids already committed under {@code out}, checked for resuming {@code plan}: the batches must
     * be intact and every committed run must be a run of the plan. Throws {@link UsageException} otherwise.
     */
    public static Set<String> committedForResume(Plan plan, OutputDir out) throws IOException {
        Set<String> ids;
        try {
            ids = out.committedRunIds();
        } catch (OutputDir.CorruptOutputException e) {
            throw new UsageException("--resume: corrupt output: " + e.getMessage()
                    + "; use another --out or --overwrite");
        }
        long planned = 0;
        if (!ids.isEmpty()) {
            for (int i = 0; i < plan.runs().size(); i++) if (ids.contains(plan.runId(i))) planned++;
        }
        long foreign = ids.size() - planned;
        if (foreign > 0) {
            throw new UsageException("--resume: " + out.uri() + " holds " + foreign + " committed run(s) that "
                    + plan.spec().file() + " does not plan (was the spec or --profile changed?); use another "
                    + "--out or --overwrite");
        }
        return ids;
    }

    private static Summary executeCounted(SparkSession spark, Plan plan, Todo todo, List<RunResult> head,
                                          long resumed, OutputDir out, Options options, Progress progress)
            throws IOException {
        long t0 = System.currentTimeMillis();
        Analysis analysis = Analysis.of(plan);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int cores = Math.max(1, jsc.defaultParallelism());
        int parts = options.partitions() > 0 ? options.partitions() : cores * 2;
        List<int[][]> chunks = new ArrayList<>();
        List<double[]> taskCosts = new ArrayList<>();
        for (int[] batch : batches(todo, parts, cores, options.batchRuns())) {
            int[][] buckets = Scheduler.assign(batch, costsOf(batch, plan), parts);
            chunks.add(buckets);
            double[] loads = new double[buckets.length];
            for (int b = 0; b < buckets.length; b++) for (int i : buckets[b]) loads[b] += plan.cost(i);
            taskCosts.add(loads);
        }
        WarmUp warm = null;
        long warmUpRuns = warmUpRuns(spark.conf().get(WARM_UP_RUNS_CONF, Long.toString(WARM_UP_RUNS)));
        if (plan.runs().size() >= warmUpRuns && HeadStart.inProcess(spark.sparkContext().master())) {
            // this JVM runs the analysis's tasks too: have the JIT compile them while runs train
            warm = new WarmUp(out, plan, analysis.fit(), spark.sparkContext().hadoopConfiguration(),
                    !Boolean.parseBoolean(spark.conf().get(SQL_ANALYSIS, "false")));
            warm.start();
        }
        try {
            trainBatches(spark, jsc, out, plan.runs(), head, chunks, progress.counters());
        } finally {
            if (warm != null) warm.finish();
        }

        OutputDir.Staging staging = out.staging();
        try {
            Derived d = derive(spark, plan, analysis, out, staging, progress::stage,
                    Engine.of(spark, out.committedRows("curves")));
            Map<String, Long> counts = d.statusCounts();
            long rows = 0;
            for (long c : counts.values()) rows += c;
            if (rows != plan.runs().size()) {
                throw new IllegalStateException("the runs table has " + rows + " rows for " + plan.runs().size()
                        + " planned runs");
            }
            progress.stage("publishing the tables");
            staging.commit();
            out.clearStaging();  // every batch and table is committed: nothing is staged any more
            progress.stage(null);
            double[] all = taskCosts.stream().flatMapToDouble(java.util.Arrays::stream).toArray();
            double total = Scheduler.total(all);
            double ratio = total == 0 ? 1.0 : Scheduler.listMakespan(all, cores) / (total / cores);
            return new Summary(plan.runs().size(), counts, System.currentTimeMillis() - t0, ratio, d.checks(),
                    d.checksFailed(), resumed, chunks.size() + (head.isEmpty() ? 0 : 1));
        } catch (IOException | RuntimeException e) {
            try {
                staging.discard();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * The JIT's warm-up while a big grid trains in this JVM: the bootstraps ({@link org.ratelab.fits.Bootstrap#warmUp}),
     * then, once a batch is committed, the analysis's task on it ({@link BatchAnalysis#warmUp}), on a daemon
     * thread of its own. It computes nothing the job keeps: {@link #finish} stops it waiting for a batch and
     * waits for an analysis it started, so its scratch files are gone before the tables are derived. A failure
     * of the warm-up (a batch being published as it reads it) costs only the warm-up.
     */
    private static final class WarmUp extends Thread {
        private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(GridJob.class.getName());
        private final OutputDir out;
        private final Plan plan;
        private final FitSpec fit;
        private final org.apache.hadoop.conf.Configuration conf;
        private final boolean analysis;
        private final Object lock = new Object();
        private boolean trained;    // guarded by lock
        private boolean analysing;  // guarded by lock

        WarmUp(OutputDir out, Plan plan, FitSpec fit, org.apache.hadoop.conf.Configuration conf, boolean analysis) {
            super("ratelab-warm-up");
            setDaemon(true);
            this.out = out;
            this.plan = plan;
            this.fit = fit;
            this.conf = conf;
            this.analysis = analysis;
        }

        @Override public void run() {
            org.ratelab.fits.Bootstrap.warmUp();
            if (!analysis) return;
            try {
                // the head start's batch is committed before training starts: wait for one of Spark's too
                while (out.committedBatches().size() < 2) {
                    synchronized (lock) {
                        if (trained) return;
                        lock.wait(200);
                    }
                }
                synchronized (lock) {
                    if (trained) return;
                    analysing = true;
                }
                // a staging directory of its own, which BatchAnalysis.warmUp deletes
                BatchAnalysis.warmUp(out, out.staging().dir(), plan, fit, mayHaveLaws(plan), conf);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception | LinkageError e) {
                LOG.log(java.util.logging.Level.FINE, "the analysis's warm-up failed", e);
            } finally {
                synchronized (lock) {
                    analysing = false;
                    lock.notifyAll();
                }
            }
        }

        /** Training is over: no analysis's warm-up starts now, and one under way is waited for. */
        void finish() {
            synchronized (lock) {
                trained = true;
                lock.notifyAll();
                try {
                    while (analysing) lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * {@code --conf spark.ratelab.sqlAnalysis=true}: derive a bigger output's tables with the Spark SQL queries
     * ({@link Rates#compute}, {@link ScalingLaws#compute}, {@link Summaries#compute}, {@link Bounds#compute})
     * instead of {@link BatchAnalysis}; the values are the same, it is slower (kept as the reference the tests
     * hold the other two paths against).
     */
    static final String SQL_ANALYSIS = "spark.ratelab.sqlAnalysis";

    /** Where the derived tables of an output are computed ({@link #derive}). */
    enum Engine {
        /** On the driver in plain Java ({@link LocalAnalysis}): a small output. */
        DRIVER,
        /** Per run in one Spark task per committed batch, then one shuffle ({@link BatchAnalysis}). */
        BATCHES,
        /** As Spark SQL queries over the tables ({@link #SQL_ANALYSIS}). */
        SQL;

        /** The engine of an output whose committed curves hold {@code curveRows} rows. */
        static Engine of(SparkSession spark, long curveRows) {
            if (LocalAnalysis.applies(spark, curveRows)) return DRIVER;
            return Boolean.parseBoolean(spark.conf().get(SQL_ANALYSIS, "false")) ? SQL : BATCHES;
        }
    }

    /** What deriving the tables gives back: the runs' status counts and the checks' tally. */
    record Derived(Map<String, Long> statusCounts, long checks, long checksFailed) {}

    /**
     * Writes the derived tables (rates, laws, summaries, bounds, checks) of the committed runs and curves of
     * {@code out} under {@code staging} with {@code engine}; the checks are Spark queries with every engine.
     */
    static Derived derive(SparkSession spark, Plan plan, Analysis analysis, OutputDir out, OutputDir.Staging staging,
                          java.util.function.Consumer<String> stage, Engine engine) throws IOException {
        Map<String, Long> counts = new TreeMap<>();
        org.apache.hadoop.conf.Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        if (engine == Engine.DRIVER) {
            // a small output: the same functions on the driver, without planning a Spark query
            stage.accept("rates, laws, summaries, bounds");
            counts.putAll(LocalAnalysis.write(out, staging, plan, analysis.fit(), mayHaveLaws(plan), hadoop));
        } else if (engine == Engine.BATCHES) {
            // a bigger output: per run in one task per committed batch, then one shuffle for laws and summaries
            stage.accept("rates, laws, summaries, bounds");
            counts.putAll(BatchAnalysis.write(spark, out, staging, plan, analysis.fit(), mayHaveLaws(plan)));
        } else {
            Dataset<Row> runsT = runsTable(spark, out);
            Dataset<Row> curvesT = Schemas.read(spark, "curves", out.table("curves"));
            stage.accept("rates");
            Rates.compute(curvesT, runsT, analysis.fit()).write().mode(SaveMode.ErrorIfExists)
                    .parquet(staging.table("rates"));
            Dataset<Row> ratesT = spark.read().schema(Schemas.RATES).parquet(staging.table("rates"));
            // laws, summaries, bounds and the runs' status counts read only runs, rates and curves: run at
            // once, so that one query's planning on the driver overlaps another's tasks
            stage.accept("laws, summaries, bounds");
            inParallel(List.of(
                    () -> {
                        if (!mayHaveLaws(plan)) {
                            emptyTable(staging.table("laws"), Schemas.LAWS, hadoop);
                            return;
                        }
                        ScalingLaws.compute(runsT, ratesT, curvesT, analysis.fit(), plan.zipLinks())
                                .repartition(1).sortWithinPartitions("experiment", "axis", "group_key", "metric")
                                .write().mode(SaveMode.ErrorIfExists).parquet(staging.table("laws"));
                    },
                    () -> Summaries.compute(runsT, ratesT, analysis.fit())
                            .repartition(1).sortWithinPartitions("experiment", "group_key", "metric", "kind", "eps")
                            .write().mode(SaveMode.ErrorIfExists).parquet(staging.table("summaries")),
                    () -> Bounds.compute(runsT, ratesT, curvesT).write().mode(SaveMode.ErrorIfExists)
                            .parquet(staging.table("bounds")),
                    () -> {
                        for (Row r : runsT.groupBy("status").count().collectAsList()) {
                            counts.put(r.getString(0), r.getLong(1));
                        }
                    }));
        }
        long nChecks = 0;
        long failed = 0;
        if (analysis.checks().isEmpty()) {   // a spec without checks: nothing to ask Spark
            emptyTable(staging.table("checks"), Schemas.CHECKS, hadoop);
        } else {
            Dataset<Row> runsT = runsTable(spark, out);
            Dataset<Row> curvesT = Schemas.read(spark, "curves", out.table("curves"));
            Dataset<Row> ratesT = spark.read().schema(Schemas.RATES).parquet(staging.table("rates"));
            Dataset<Row> boundsT = spark.read().schema(Schemas.BOUNDS).parquet(staging.table("bounds"));
            stage.accept("checks");
            Dataset<Row> checks = Checks.compute(spark, plan.spec().name(), analysis.checks(), runsT, ratesT,
                    curvesT, boundsT, analysis.fit(), plan.zipLinks());
            checks.coalesce(1).write().mode(SaveMode.ErrorIfExists).parquet(staging.table("checks"));
            // one small job: the checks' pass/fail counts
            Row tally = spark.read().schema(Schemas.CHECKS).parquet(staging.table("checks"))
                    .selectExpr("count(*)", "count_if(NOT passed)").first();
            nChecks = tally.getLong(0);
            failed = tally.getLong(1);
        }
        return new Derived(counts, nChecks, failed);
    }

    /**
     * The runs table as the derived tables read it: one partition in run_index order, as the one-file runs
     * table read before. Law fits bootstrap over their points in the order they come, which must not depend on
     * how runs were batched.
     */
    static Dataset<Row> runsTable(SparkSession spark, OutputDir out) {
        return Schemas.read(spark, "runs", out.table("runs")).orderBy("run_index").coalesce(1);
    }

    /**
     * Whether the laws table can have a row: a law needs two distinct values of an axis other than
     * {@code seed} ({@link ScalingLaws}), so a grid of seeds alone (or of one-valued axes) has none, and its
     * empty laws table is written without a Spark query.
     */
    static boolean mayHaveLaws(Plan plan) {
        for (Map.Entry<String, List<String>> a : plan.axisValues().entrySet()) {
            if (!a.getKey().equals("seed") && a.getValue().size() >= 2) return true;
        }
        return false;
    }

    /** A table of no rows: one Parquet file with the table's schema, as Spark writes an empty table. */
    static void emptyTable(String dir, org.apache.spark.sql.types.StructType schema,
                           org.apache.hadoop.conf.Configuration conf) {
        try {
            ParquetFiles.writeRows(new org.apache.hadoop.fs.Path(dir, "part-00000-empty.parquet"), conf, schema,
                    List.of());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Runs the pieces of work at once, one thread each, and waits for all of them; the first failure (in list
     * order) is thrown once every piece has ended, so no query is left running against the staging directory.
     */
    static void inParallel(List<Runnable> work) {
        Checks.inOrder(work, work.size(), "ratelab-analysis", w -> {
            w.run();
            return null;
        });
    }

    /**
     * Cuts the runs to train into batches of plan indices: in decreasing estimated cost (the LPT order), ties in
     * plan order, {@code batchRuns} runs each, or by default at most about {@value #TARGET_BATCHES} batches of
     * at least twice {@code parts} runs and about {@value #MIN_BATCH_SECONDS} s of estimated work per core.
     */
    static List<int[]> batches(Todo todo, int parts, int cores, int batchRuns) {
        int n = todo.index().length;
        if (n == 0) return List.of();
        long byCost = Math.max(1, (long) Math.floor(todo.cost()
                / (Math.max(1, cores) * MIN_BATCH_SECONDS * PlanCommand.ASSUMED_FLOPS_PER_CORE)));
        int size = batchRuns > 0 ? batchRuns : (int) Math.max(Math.max(2L * parts,
                (n + TARGET_BATCHES - 1) / TARGET_BATCHES), (n + byCost - 1) / byCost);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        double[] cost = todo.costs();
        int[] index = todo.index();
        java.util.Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -cost[i]).thenComparingInt(i -> index[i]));
        List<int[]> out = new ArrayList<>();
        for (int from = 0; from < n; from += size) {
            int[] batch = new int[Math.min(n, from + size) - from];
            for (int j = 0; j < batch.length; j++) batch[j] = index[order[from + j]];
            out.add(batch);
        }
        return out;
    }

    private static double[] costsOf(int[] index, Plan plan) {
        double[] c = new double[index.length];
        for (int i = 0; i < c.length; i++) c[i] = plan.cost(index[i]);
        return c;
    }

    /**
     * Trains the batches as Spark jobs, {@value #IN_FLIGHT} at a time (Spark runs their tasks in
     * submission order), and commits each batch as soon as its job finishes: its runs and curves are written
     * under {@code _staging/} and then renamed into {@code _batches/} in one step. A task lost with its
     * executor is retried by Spark inside the batch's write job, so nothing is written twice. The plan's runs
     * are broadcast once (a lazy plan is its distinct section bindings, not its runs); each task binds its
     * runs from their indices.
     */
    private static void trainBatches(SparkSession spark, JavaSparkContext jsc, OutputDir out, List<RunConfig> runs,
                                     List<RunResult> head, List<int[][]> chunks, Progress.Counters counters)
            throws IOException {
        String job = Long.toString(System.currentTimeMillis(), 36);
        int offset = head.isEmpty() ? 0 : 1;  // the head start's runs are the job's batch 0
        if (!head.isEmpty()) {
            commitTrained(out, head, String.format("batch-%s-%05d", job, 0), spark.sparkContext().hadoopConfiguration());
        }
        if (chunks.isEmpty()) return;
        boolean requireNative = spark.sparkContext().getConf().getBoolean(REQUIRE_NATIVE_CONF, false);
        String blas = blasChoice(spark);
        Broadcast<SerializableConfiguration> hadoop =
                SerializableConfiguration.broadcast(spark.sparkContext(), spark.sparkContext().hadoopConfiguration());
        Broadcast<List<RunConfig>> planned = jsc.broadcast(runs);
        ExecutorService pool = Executors.newFixedThreadPool(IN_FLIGHT, r -> {
            Thread t = new Thread(r, "ratelab-batch");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int k = 0; k < chunks.size(); k++) {
                int[][] chunk = chunks.get(k);
                String name = String.format("batch-%s-%05d", job, offset + k);
                String description = "ratelab batch " + (offset + k + 1) + "/" + (offset + chunks.size());
                futures.add(pool.submit(() -> {
                    jsc.setJobDescription(description);
                    trainBatch(jsc, out, planned, chunk, name, blas, requireNative, counters, hadoop);
                    return null;
                }));
            }
            IOException first = null;
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (first == null) {
                        jsc.cancelAllJobs();
                        Throwable c = e.getCause();
                        if (c instanceof RuntimeException re) throw re;
                        first = c instanceof IOException io ? io : new IOException(c);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    jsc.cancelAllJobs();
                    throw new IOException("interrupted", e);
                }
            }
            if (first != null) throw first;
        } finally {
            pool.shutdownNow();
            planned.destroy();
        }
    }

    /**
     * Trains one batch and commits it. Each task binds its runs from their plan indices, trains them one at a
     * time and streams each run's curve into its own Parquet files under the batch's staging directory
     * ({@link ParquetFiles.CurveFiles}: one file per experiment and optimizer, named by batch, task and
     * attempt, so a retried or speculative attempt never writes over another), writes its runs' rows (in
     * run_index order) as a runs file named the same way, and returns its runs' ids and the files it wrote: no
     * runs row travels to the driver (Java serialization of 10^5 rows and their config_json, and the JIT's
     * work on it, were a few seconds of a 10^5-run grid). The driver commits the batch with the files of the
     * successful attempts only ({@link OutputDir.Staging#commitBatch}).
     */
    private static void trainBatch(JavaSparkContext jsc, OutputDir out, Broadcast<List<RunConfig>> planned,
                                   int[][] buckets, String name, String blas, boolean requireNative,
                                   Progress.Counters counters, Broadcast<SerializableConfiguration> hadoop)
            throws IOException {
        OutputDir.Staging staging = out.staging();
        try {
            String dir = staging.dir().toString();
            List<TaskOutput> outputs = jsc.parallelize(java.util.Arrays.asList(buckets), buckets.length)
                    .mapPartitionsWithIndex((index, it) -> {
                        NativeBlas.select(blas);
                        if (requireNative) Blas.requireNative();
                        String part = "part-" + name + "-" + index + "-" + TaskContext.get().attemptNumber();
                        List<RunConfig> runs = planned.value();
                        List<Row> rows = new ArrayList<>();
                        org.apache.hadoop.conf.Configuration conf = hadoop.value().value();
                        try (ParquetFiles.CurveFiles curves = new ParquetFiles.CurveFiles(
                                new org.apache.hadoop.fs.Path(dir), part + ".parquet", conf)) {
                            while (it.hasNext()) {
                                for (int i : it.next()) {
                                    RunResult r = counters.count(Trainer.train(runs.get(i)));
                                    curves.write(r);
                                    rows.add(Rows.run(r));
                                }
                            }
                            List<ParquetFiles.DataFile> files = new ArrayList<>(curves.finish());
                            return List.of(runsFile(new org.apache.hadoop.fs.Path(dir), "runs/" + part + ".parquet",
                                    rows, files, conf)).iterator();
                        }
                    }, true)
                    .collect();
            List<ParquetFiles.DataFile> files = new ArrayList<>();
            for (TaskOutput t : outputs) files.addAll(t.files());
            staging.commitBatch(name, runIds(outputs), files);
        } finally {
            staging.discard();
        }
    }

    /**
     * Writes {@code rows} (runs rows, sorted here by run_index) as the runs file {@code file} under {@code base}
     * when there are any, and returns their ids (in that order) with {@code files} and that file.
     */
    static TaskOutput runsFile(org.apache.hadoop.fs.Path base, String file, List<Row> rows,
                               List<ParquetFiles.DataFile> files, org.apache.hadoop.conf.Configuration conf)
            throws IOException {
        int runIndex = Schemas.RUNS.fieldIndex("run_index");
        int runId = Schemas.RUNS.fieldIndex("run_id");
        rows.sort(Comparator.comparingInt(r -> r.getInt(runIndex)));
        String[] ids = new String[rows.size()];
        int[] index = new int[rows.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rows.get(i).getString(runId);
            index[i] = rows.get(i).getInt(runIndex);
        }
        if (!rows.isEmpty()) {
            ParquetFiles.writeRows(new org.apache.hadoop.fs.Path(base, file), conf, Schemas.RUNS, rows);
            files.add(new ParquetFiles.DataFile(file, rows.size()));
        }
        return new TaskOutput(ids, index, files);
    }

    /** The run_ids of a batch's tasks, in run_index order (a run's plan index: one run each). */
    private static List<String> runIds(List<TaskOutput> outputs) {
        TreeMap<Integer, String> byIndex = new TreeMap<>();
        for (TaskOutput t : outputs) {
            for (int i = 0; i < t.runIds().length; i++) byIndex.put(t.runIndex()[i], t.runIds()[i]);
        }
        return new ArrayList<>(byIndex.values());
    }

    /**
     * Commits runs trained on the driver ({@link HeadStart}) as the batch {@code name}: their curve files and
     * runs file as one task would have written them, then the commit, as for a batch trained by Spark.
     */
    private static void commitTrained(OutputDir out, List<RunResult> trained, String name,
                                      org.apache.hadoop.conf.Configuration hadoop) throws IOException {
        OutputDir.Staging staging = out.staging();
        try {
            List<Row> runs = new ArrayList<>();
            List<ParquetFiles.DataFile> files;
            String part = "part-" + name + "-0-0";
            try (ParquetFiles.CurveFiles curves = new ParquetFiles.CurveFiles(staging.dir(), part + ".parquet",
                    hadoop)) {
                for (RunResult r : trained) {
                    curves.write(r);
                    runs.add(Rows.run(r));
                }
                files = new ArrayList<>(curves.finish());
            }
            TaskOutput t = runsFile(staging.dir(), "runs/" + part + ".parquet", runs, files, hadoop);
            staging.commitBatch(name, runIds(List.of(t)), t.files());
        } finally {
            staging.discard();
        }
    }

    /**
     * What one task of a batch gives the driver: its runs' ids and run_index values (in run_index order) and
     * the files it wrote (curves, and its runs file).
     */
    record TaskOutput(String[] runIds, int[] runIndex, List<ParquetFiles.DataFile> files)
            implements java.io.Serializable {
    }
}
