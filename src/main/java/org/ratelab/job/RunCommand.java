package org.ratelab.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.ratelab.grid.Plan;
import org.ratelab.linalg.Blas;
import org.ratelab.linalg.NativeBlas;
import org.ratelab.table.OutputDir;
import org.ratelab.train.RunResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ratelab run SPEC}: plans and validates the grid (nothing is written when that fails), trains every
 * run on Spark and writes the tables under {@code --out}.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run an experiment grid on Spark and write the runs, curves, rates and laws tables.")
final class RunCommand implements Callable<Integer> {
    @Mixin SpecOptions opts;
    @Mixin BlasOption blasOption;
    @Spec CommandSpec cmd;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: out/<experiment>).")
    String out;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (default: what spark-submit set, else local[*]).")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "Spark configuration, repeatable.")
    List<String> confs = new ArrayList<>();

    @Option(names = "--partitions", paramLabel = "N",
            description = "Spark partitions for the runs, 1 to 100000 (default: 2 x default parallelism).")
    Integer partitions;

    @Option(names = "--overwrite", description = "Replace the tables of an existing ratelab output directory.")
    boolean overwrite;

    @Option(names = "--resume",
            description = "Continue a job into the same --out: runs already committed are not trained again.")
    boolean resume;

    @Option(names = "--batch-runs", paramLabel = "N",
            description = "Runs per committed batch, 1 to 10000000 (default: at most about 50 batches, each at least "
                    + "2 x partitions runs and about 4 s of estimated work per core).")
    Integer batchRuns;

    @Option(names = "--require-native-blas",
            description = "Fail unless native BLAS (OpenBLAS through JNI) is active on the driver and every executor.")
    boolean requireNative;

    @Override
    public Integer call() throws IOException {
        PrintWriter o = cmd.commandLine().getOut();
        Map<String, String> confMap = Sessions.parseConfs(confs);
        int parts = OutFlag.range("--partitions", partitions, 1, OutFlag.MAX_PARTITIONS);
        int perBatch = OutFlag.range("--batch-runs", batchRuns, 1, OutFlag.MAX_BATCH_RUNS);
        if (out != null) OutFlag.check("--out", out, new Configuration());
        if (master != null && master.isBlank()) throw new UsageException("--master must not be empty");
        if (resume && overwrite) {
            throw new UsageException("--resume and --overwrite conflict: --resume keeps the committed runs, "
                    + "--overwrite deletes them; pass one");
        }
        // Spark's own verdict on the settings comes first: planning reads spark.executor.memory
        SparkConfs.validate(confMap);
        if (master != null) SparkConfs.checkMaster(master, "--master");
        confMap.put(NativeBlas.SPARK_PROPERTY, blasOption.select());
        Plan plan = opts.plan(org.ratelab.grid.Memory.executorHeap(confMap, master));
        String dir = out != null ? out : "out/" + plan.spec().name();
        OutputDir od = OutFlag.check("--out", dir, new Configuration());
        String refusal = od.refusal(overwrite || resume);
        if (refusal != null) throw new UsageException(refusal);
        long committed = resume ? GridJob.committedForResume(plan, od).size() : 0;
        if (requireNative) {
            try {
                Blas.requireNative();
            } catch (IllegalStateException e) {
                throw new UsageException(e.getMessage());
            }
            confMap.put(GridJob.REQUIRE_NATIVE_CONF, "true");
        } else if (!Blas.isNative()) {
            cmd.commandLine().getErr().println("ratelab: warning: native BLAS is not active ("
                    + Blas.implementation() + "); training will be slow. See 'jobs/ratelab env'.");
        }
        o.printf("ratelab: %s: %d runs (profile %s) -> %s%n", plan.spec().name(), plan.runs().size(),
                plan.spec().profile(), od.uri());
        if (resume) {
            o.printf("ratelab: resuming: %d of %d runs already committed; training %d%n", committed,
                    plan.runs().size(), plan.runs().size() - committed);
        }
        if (!org.ratelab.api.Plugins.jars().isEmpty()) {
            confMap.put("spark.jars", sparkJars(System.getProperty("spark.jars"), confMap.get("spark.jars"),
                    org.ratelab.api.Plugins.jars()));
        }
        org.apache.spark.SparkConf sparkConf = Sessions.conf(master, confMap);
        List<RunResult> head = new ArrayList<>();
        SparkSession spark = startTraining(sparkConf, plan, perBatch, head);
        if (!head.isEmpty()) {
            o.printf("ratelab: %d of %d runs trained while Spark started%n", head.size(), plan.runs().size());
        }
        // a session that already existed (ratelab embedded in a running JVM) ignores spark.jars: add them
        for (java.nio.file.Path p : org.ratelab.api.Plugins.jars()) {
            String name = "/" + p.getFileName();
            if (scala.jdk.javaapi.CollectionConverters.asJava(spark.sparkContext().listJars()).stream()
                    .noneMatch(j -> j.endsWith(name))) {
                spark.sparkContext().addJar(p.toUri().toString());
            }
        }
        OutputDir target = null;
        try {
            Map<String, Blas.Facts> executors = GridJob.executorBlas(spark);
            if (requireNative) requireNativeOn(executors);
            target = OutputDir.of(dir, spark.sparkContext().hadoopConfiguration());
            Instant started = Instant.now();
            target.create(marker(plan, spark, started, null, executors));
            GridJob.Summary s = GridJob.execute(spark, plan, target, System.err,
                    new GridJob.Options(parts, resume, perBatch), head);
            // the report shows wall time and cores
            target.create(marker(plan, spark, started, s.wallMs(), executors));
            o.printf("ratelab: done: %d runs in %.1f s (%s); %d trained in %d batches, %d resumed; makespan %.2f x "
                    + "ideal; tables in %s%n", s.runs(), s.wallMs() / 1000.0, counts(s.statusCounts()),
                    s.runs() - s.resumed(), s.batches(), s.resumed(), s.makespanRatio(), target.uri());
            if (s.checks() > 0) {
                o.printf("ratelab: checks: %d passed, %d failed (jobs/ratelab checks --out %s)%n",
                        s.checks() - s.checksFailed(), s.checksFailed(), dir);
            }
            afterRun(spark, target, o, cmd.commandLine().getErr());
            return 0;
        } finally {
            spark.stop();
            if (target != null) Logs.keepIn(target);
        }
    }

    /**
     * Starts the Spark session of {@code conf}. In local mode (unless {@code --resume} or
     * {@code --conf spark.ratelab.headStart=false}) it starts on a thread of its own while this thread trains the
     * plan's cheapest runs into {@code head} ({@link HeadStart}: at most {@code batchRuns} of them when that
     * is set), until the session is up.
     */
    private SparkSession startTraining(org.apache.spark.SparkConf conf, Plan plan, int batchRuns,
                                       List<RunResult> head) {
        if (resume || !HeadStart.inProcess(conf.get("spark.master")) || !conf.getBoolean(HeadStart.CONF, true)) {
            return Sessions.start(conf);
        }
        java.util.concurrent.FutureTask<SparkSession> starting =
                new java.util.concurrent.FutureTask<>(() -> Sessions.start(conf));
        Thread t = new Thread(starting, "ratelab-spark-start");
        t.setDaemon(true);
        t.start();
        try {
            head.addAll(HeadStart.train(plan, batchRuns > 0 ? Math.min(batchRuns, HeadStart.MAX_RUNS)
                    : HeadStart.MAX_RUNS, conf.get(NativeBlas.SPARK_PROPERTY, null), starting::isDone));
        } catch (RuntimeException | Error e) {
            // the session still comes up (or fails): stop it before the error ends the command
            try {
                starting.get().stop();
            } catch (Exception | Error suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        try {
            return starting.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while Spark started", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
    }

    /** {@code --require-native-blas}: every executor that answered runs JNIBLAS over OpenBLAS, or exit 2. */
    static void requireNativeOn(Map<String, Blas.Facts> executors) {
        for (Map.Entry<String, Blas.Facts> e : executors.entrySet()) {
            Blas.Facts f = e.getValue();
            if (!f.implementation().equals("JNIBLAS") || !f.library().contains("openblas")) {
                throw new UsageException("--require-native-blas: executor " + e.getKey() + " on " + f.host() + " runs "
                        + f.implementation() + " (library " + f.library() + "), not OpenBLAS through JNI; "
                        + "nothing was trained");
            }
        }
    }

    static String counts(Map<String, Long> c) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Long> e : c.entrySet()) {
            if (b.length() > 0) b.append(", ");
            b.append(e.getValue()).append(' ').append(e.getKey());
        }
        return b.toString();
    }

    static String marker(Plan plan, SparkSession spark, Instant written, Long wallMs, Map<String, Blas.Facts> executors)
            throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tool", "ratelab");
        m.put("version", Main.version());
        m.put("plugins", KindsCommand.pluginRecords());
        m.put("experiment", plan.spec().name());
        m.put("spec", plan.spec().file());
        m.put("profile", plan.spec().profile());
        m.put("runs", plan.runs().size());
        m.put("master", spark.sparkContext().master());
        m.put("spark", spark.version());
        m.put("java", System.getProperty("java.version"));
        m.put("blas", Blas.implementation());
        Blas.Facts driver = Blas.facts();
        m.put("blas_source", driver.source());
        m.put("blas_library", driver.library());
        m.put("openblas_config", driver.openblasConfig());
        List<Map<String, Object>> ex = new ArrayList<>();
        for (Map.Entry<String, Blas.Facts> x : executors.entrySet()) {
            Blas.Facts f = x.getValue();
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("executor", x.getKey());
            e.put("host", f.host());
            e.put("blas", f.implementation());
            e.put("blas_source", f.source());
            e.put("blas_library", f.library());
            e.put("openblas_config", f.openblasConfig());
            ex.add(e);
        }
        m.put("executors_blas", ex);
        m.put("cores", spark.sparkContext().defaultParallelism());
        m.put("written", written.toString());
        if (wallMs != null) m.put("wall_ms", wallMs);
        return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(m);
    }

    /**
     * spark.jars with the plug-in jars, so that executors load the plug-in classes (every task's class path).
     * Under spark-submit, {@code submitted} (its system property) already holds the application jar and the
     * jars of its --jars: they are kept (without the application jar, executors cannot deserialize a single
     * task), then a {@code --conf spark.jars}, then each plug-in jar not already listed, each once.
     */
    static String sparkJars(String submitted, String given, java.util.List<java.nio.file.Path> plugins) {
        java.util.List<String> all = new java.util.ArrayList<>();
        for (String list : new String[] {submitted, given}) {
            if (list == null) continue;
            for (String j : list.split(",")) if (!j.isBlank() && !all.contains(j.trim())) all.add(j.trim());
        }
        for (java.nio.file.Path p : plugins) {
            String abs = p.toAbsolutePath().normalize().toString();
            if (all.stream().noneMatch(j -> j.equals(abs) || j.endsWith(":" + abs) || j.endsWith("//" + abs))) {
                all.add(p.toUri().toString());
            }
        }
        return String.join(",", all);
    }

    /**
     * The end of {@code run} and {@code reproduce}: the report, whose failure is reported but does not undo the
     * tables already in place. Here, not in {@link ReportCommand}: picocli reflects over a command's methods, and
     * {@code report} runs on a class path without Spark (see {@code jobs/jvm-opts.sh}).
     */
    static void afterRun(SparkSession spark, OutputDir target, java.io.PrintWriter o, java.io.PrintWriter err) {
        try {
            org.ratelab.report.Report.Result r = org.ratelab.report.Report.write(spark, target);
            o.printf("ratelab: report: %d charts, %d tables -> %s%n", r.charts(), r.tables(), r.index());
        } catch (Exception e) {
            err.println("ratelab: warning: the report failed (" + e + "); the tables are in place: retry with "
                    + "'jobs/ratelab report --out " + target.uri() + "'");
        }
    }
}
