package org.ratelab.job;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.ratelab.data.Dataset;
import org.ratelab.grid.Plan;
import org.ratelab.grid.Planner;
import org.ratelab.train.RunConfig;
import org.ratelab.grid.Scheduler;
import org.ratelab.train.Seeds;
import org.ratelab.linalg.Blas;
import org.ratelab.linalg.Kernels;
import org.ratelab.model.Model;
import org.ratelab.model.Models;
import org.ratelab.spec.Node;
import org.ratelab.spec.SpecLoader;
import org.ratelab.table.Rows;
import org.ratelab.table.Schemas;
import org.ratelab.train.RunResult;
import org.ratelab.train.Trainer;
import org.ratelab.table.OutputDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ratelab bench --out DIR [--quick]}: the performance benchmark of issue #10, measured in one run and
 * written to {@code DIR/bench/} (Parquet) and printed as a table.
 *
 * <ol>
 *   <li>{@code train_step}: single-thread full-batch GD steps/s of the two-layer tanh and relu networks
 *       (n = 512, d = 64, float64), and the GFLOP/s that implies counting the GEMM flops 4·n·d·m;
 *       {@code ratio} = step GFLOP/s / dgemm GFLOP/s, the median of per-round ratios.</li>
 *   <li>{@code dgemm}: native dgemm on the step's two shapes (m x n x d forward, d x m x n backward), timed in
 *       the same rounds, interleaved with the steps.</li>
 *   <li>{@code torch_peer}: {@code ../shared/peers/torch_mlp_steps.py} run alone just before and just after
 *       the step benchmark, averaged; {@code ratio} = ratelab tanh steps/s / torch steps/s. Skipped, with a
 *       note, when python or torch is missing.</li>
 *   <li>{@code grid_overhead}: tiny runs (width 16, 100 steps) trained through Spark with GridJob's
 *       partitioning, against the same runs in a plain two-thread loop; {@code ratio} = Spark / plain time.</li>
 *   <li>{@code curve_rows_parquet}: curve rows written per second to Parquet (GridJob's schema and
 *       partitioning), training excluded.</li>
 *   <li>{@code makespan_skewed}: a grid of widths 16 … 4096 through Spark; {@code ratio} = measured makespan /
 *       (sum of measured run times / cores).</li>
 * </ol>
 * Every row carries the 1-minute load average when it was measured: on a shared machine, compare ratios.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark training steps against dgemm and the PyTorch peer, and the grid engine.")
final class BenchCommand implements Callable<Integer> {
    @Spec CommandSpec cmd;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Writes DIR/bench/ (Parquet).")
    String out;

    @Option(names = "--quick", description = "Fewer rounds and a smaller grid (about a minute on an idle machine).")
    boolean quick;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master for the grid sections (default local[2]).")
    String master = "local[2]";

    @Option(names = "--python", paramLabel = "EXE", description = "Python for the PyTorch peer (default /usr/bin/python3).")
    String python = "/usr/bin/python3";

    @Option(names = "--no-peer", description = "Do not run the PyTorch peer.")
    boolean noPeer;

    @Option(names = "--sections", paramLabel = "LIST", split = ",",
            description = "Subset of: steps, grid, curves, makespan (default all).")
    List<String> sections = new ArrayList<>(List.of("steps", "grid", "curves", "makespan"));

    static final int N = 512;
    static final int D = 64;
    static final int[] WIDTHS = {16, 64, 256, 1024, 4096};

    static final StructType SCHEMA = new StructType()
            .add("benchmark", DataTypes.StringType, false)
            .add("activation", DataTypes.StringType, true)
            .add("width", DataTypes.IntegerType, true)
            .add("steps_per_s", DataTypes.DoubleType, true)
            .add("gflops", DataTypes.DoubleType, true)
            .add("ratio", DataTypes.DoubleType, true)
            .add("value", DataTypes.DoubleType, true)
            .add("unit", DataTypes.StringType, true)
            .add("load_avg", DataTypes.DoubleType, true)
            .add("note", DataTypes.StringType, true);

    /** One table row; null fields are not measured. */
    record BenchRow(String benchmark, String activation, Integer width, Double stepsPerS, Double gflops, Double ratio,
                    Double value, String unit, double loadAvg, String note) {
        Row toRow() {
            return RowFactory.create(benchmark, activation, width, stepsPerS, gflops, ratio, value, unit, loadAvg, note);
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter o = cmd.commandLine().getOut();
        for (String s : sections) {
            if (!List.of("steps", "grid", "curves", "makespan").contains(s)) {
                throw new UsageException("--sections: unknown section " + s + " (steps, grid, curves, makespan)");
            }
        }
        OutputDir checked = OutFlag.check("--out", out, new org.apache.hadoop.conf.Configuration());
        if (!"file".equals(checked.root().toUri().getScheme())) {
            throw new UsageException("--out " + out + ": bench writes to a local directory only");
        }
        Path dir = Path.of(checked.root().toUri());
        if (Files.exists(dir.resolve("bench"))) throw new UsageException(dir.resolve("bench") + " exists; remove it first");
        o.printf("ratelab bench: blas %s (%s), vector kernels %s, cores %d, load %.1f%s%n", Blas.implementation(),
                Blas.nativeLibrary(), Kernels.VECTOR, Runtime.getRuntime().availableProcessors(), load(),
                quick ? ", quick" : "");
        o.flush();
        List<BenchRow> rows = new ArrayList<>();
        Path work = Files.createTempDirectory("ratelab-bench");
        if (sections.contains("steps")) {
            // the peer runs alone just before and just after the steps (neither competes with the other for the
            // two cores), and its two runs are averaged: load drift during the steps is bracketed
            PeerResult before = noPeer ? null : Peer.start(python, quick).finish();
            steps(rows, o);
            PeerResult after = noPeer || before.missing() != null ? before : Peer.start(python, quick).finish();
            peerRows(rows, before, after, o);
            trainer(work, rows, o);
        }
        boolean spark = sections.contains("grid") || sections.contains("curves") || sections.contains("makespan");
        SparkSession session = Sessions.start(master, Map.of());
        try {
            if (sections.contains("grid")) grid(session, work, rows, o);
            if (sections.contains("curves")) curves(session, work, rows, o);
            if (sections.contains("makespan")) makespan(session, work, rows, o);
            List<Row> out = new ArrayList<>();
            for (BenchRow r : rows) out.add(r.toRow());
            session.createDataFrame(out, SCHEMA).coalesce(1).write().mode(SaveMode.ErrorIfExists)
                    .parquet(dir.resolve("bench").toString());
            if (!spark) o.println("(Spark used only to write the table)");
        } finally {
            session.stop();
        }
        o.println();
        o.print(table(rows));
        o.printf("written: %s%n", dir.resolve("bench"));
        return 0;
    }

    // ------------------------------------------------------------------ (a) steps, (b) dgemm

    private void steps(List<BenchRow> rows, PrintWriter o) {
        SplittableRandom r = new SplittableRandom(1);
        double[] x = new double[N * D];
        double[] y = new double[N];
        for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian();
        for (int i = 0; i < N; i++) y[i] = r.nextGaussian();
        Dataset data = Dataset.of(N, D, x, y);
        int rounds = quick ? 5 : 11;
        double target = quick ? 0.2 : 0.5;     // seconds per timed batch
        for (int m : WIDTHS) {
            Model tanh = model(data, m, "tanh");
            Model relu = model(data, m, "relu");
            double[][] th = {init(tanh), init(relu)};
            double[][] g = {new double[tanh.dim()], new double[relu.dim()]};
            Model[] models = {tanh, relu};
            double[] w = new double[D * m];
            double[] z = new double[m * N];
            double[] gw = new double[D * m];
            for (int i = 0; i < w.length; i++) w[i] = r.nextGaussian() / Math.sqrt(D);
            double flops = 4.0 * N * D * m;
            // warm-up and batch size
            int k = 1;
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                for (int a = 0; a < 2; a++) gdSteps(models[a], th[a], g[a], k);
                gemms(m, w, x, z, gw, k);
                double s = (System.nanoTime() - t0) / 1e9 / 3;
                k = (int) Math.max(1, Math.min(100_000, k * target / Math.max(s, 1e-6)));
            }
            double[][] stepRate = new double[2][rounds];
            double[] gemmRate = new double[rounds];
            double[][] ratio = new double[2][rounds];
            for (int q = 0; q < rounds; q++) {
                stepRate[0][q] = k / time(() -> gdSteps(tanh, th[0], g[0], 1), k);
                gemmRate[q] = k / time(() -> gemms(m, w, x, z, gw, 1), k);
                stepRate[1][q] = k / time(() -> gdSteps(relu, th[1], g[1], 1), k);
                for (int a = 0; a < 2; a++) ratio[a][q] = stepRate[a][q] / gemmRate[q];
            }
            double l = load();
            double gr = median(gemmRate);
            rows.add(new BenchRow("dgemm", null, m, gr, gr * flops / 1e9, 1.0, null, null, l,
                    "native dgemm " + m + "x" + N + "x" + D + " (TN) + " + D + "x" + m + "x" + N + " (NT), per pair"));
            for (int a = 0; a < 2; a++) {
                double sr = median(stepRate[a]);
                rows.add(new BenchRow("train_step", a == 0 ? "tanh" : "relu", m, sr, sr * flops / 1e9,
                        median(ratio[a]), null, null, l, "ratio = step GFLOP/s / dgemm GFLOP/s, median of " + rounds
                        + " interleaved rounds of " + k + " steps"));
            }
            o.printf("  width %5d: tanh %9.1f  relu %9.1f steps/s, dgemm %6.1f GFLOP/s, tanh %.2f relu %.2f of dgemm"
                    + " (load %.1f)%n", m, median(stepRate[0]), median(stepRate[1]), gr * flops / 1e9,
                    median(ratio[0]), median(ratio[1]), l);
            o.flush();
        }
    }

    /** k full-batch GD steps. */
    private static void gdSteps(Model m, double[] theta, double[] g, int k) {
        for (int s = 0; s < k; s++) {
            m.lossGrad(theta, null, 0, g);
            Blas.axpy(theta.length, -1e-3, g, theta);
        }
    }

    private static void gemms(int m, double[] w, double[] x, double[] z, double[] gw, int k) {
        for (int s = 0; s < k; s++) {
            Blas.gemm(true, false, m, N, D, 1.0, w, D, x, D, 0.0, z, m);
            Blas.gemm(false, true, D, m, N, 1.0, x, D, z, m, 0.0, gw, D);
        }
    }

    /** Seconds for k runs of body. */
    private static double time(Runnable body, int k) {
        long t0 = System.nanoTime();
        for (int i = 0; i < k; i++) body.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static Model model(Dataset data, int m, String act) {
        Map<String, Object> spec = new LinkedHashMap<>(Map.of("kind", "two_layer", "width", m, "activation", act));
        return Models.parse(new Node("model", spec)).instantiate(data);
    }

    private static double[] init(Model m) {
        double[] t = new double[m.dim()];
        m.init(t, new SplittableRandom(2));
        return t;
    }

    // ------------------------------------------------------------------ the trainer's own cost per step

    /**
     * Steps/s of full-batch GD through {@link Trainer#train} (measurement at every step, the default probes,
     * curve recording) against the bare step (lossGrad + update) on the same model, interleaved.
     */
    private void trainer(Path work, List<BenchRow> rows, PrintWriter o) throws IOException {
        int steps = quick ? 30 : 100;
        int rounds = quick ? 3 : 5;
        for (int m : quick ? new int[] {1024} : new int[] {16, 1024}) {
            Plan plan = plan(work, "bench_trainer_" + m, "seed: 0\n"
                    + "data: {kind: teacher_student, n: " + N + ", d: " + D + ", teacher: two_layer, teacher_width: 4}\n"
                    + "model: {kind: two_layer, width: " + m + ", activation: tanh}\n"
                    + "optimizer: {name: gd, lr: 0.01}\n"
                    + "train: {steps: " + steps + ", loss_threshold: 0, record: {log_points: 30}}\n");
            RunConfig cfg = plan.runs().get(0);
            Model model = cfg.model().instantiate(cfg.data().build(Seeds.derive(cfg.seed(), "data")));
            double[] theta = init(model);
            double[] g = new double[model.dim()];
            // warm-up until the run setup (data generation, init) is JIT-compiled too, as in a long grid
            long warmEnd = System.nanoTime() + (quick ? 1_000_000_000L : 3_000_000_000L);
            for (int i = 0; i < 3 || System.nanoTime() < warmEnd; i++) {
                Trainer.train(cfg);
                gdSteps(model, theta, g, steps);
            }
            double[] tr = new double[rounds];
            double[] raw = new double[rounds];
            double[] ratio = new double[rounds];
            for (int q = 0; q < rounds; q++) {
                tr[q] = steps / time(() -> Trainer.train(cfg), 1);
                raw[q] = steps / time(() -> gdSteps(model, theta, g, steps), 1);
                ratio[q] = tr[q] / raw[q];
            }
            double l = load();
            rows.add(new BenchRow("trainer_step", "tanh", m, median(tr), median(tr) * 4.0 * N * D * m / 1e9,
                    median(ratio), median(raw), "bare steps/s", l, "GD through Trainer.train (measure every step, "
                    + "default probes, " + steps + " steps incl. setup) / bare lossGrad + update; median of " + rounds));
            o.printf("  trainer width %d: %.1f steps/s through Trainer vs %.1f bare: %.3f (load %.1f)%n", m,
                    median(tr), median(raw), median(ratio), l);
            o.flush();
        }
    }

    // ------------------------------------------------------------------ the PyTorch peer

    /** The peer script running as a child process beside the step benchmark. */
    record Peer(Process process, Path script, String missing) {
        static Peer start(String python, boolean quick) {
            Path home = Path.of(System.getProperty("ratelab.home", "."));
            Path script = home.resolve("../shared/peers/torch_mlp_steps.py").normalize();
            if (!Files.isRegularFile(script)) return new Peer(null, script, "peer script not found: " + script);
            try {
                ProcessBuilder pb = new ProcessBuilder(python, script.toString(), String.valueOf(N), String.valueOf(D),
                        quick ? "60" : "200");
                pb.environment().put("OMP_NUM_THREADS", "1");
                pb.redirectErrorStream(true);
                return new Peer(pb.start(), script, null);
            } catch (IOException e) {
                return new Peer(null, script, "cannot start " + python + ": " + e.getMessage());
            }
        }

        /** Waits for the peer and parses its lines. */
        PeerResult finish() throws IOException, InterruptedException {
            if (missing != null) return new PeerResult(Map.of(), missing);
            StringBuilder text = new StringBuilder();
            try (BufferedReader br = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = br.readLine()) != null; ) text.append(line).append('\n');
            }
            if (!process.waitFor(30, TimeUnit.MINUTES)) process.destroy();
            Pattern p = Pattern.compile("width=(\\d+) torch_steps_per_s=([0-9.]+) numpy_steps_per_s=([0-9.]+)");
            Map<Integer, double[]> out = new LinkedHashMap<>();
            for (String line : text.toString().split("\n")) {
                Matcher mt = p.matcher(line);
                if (mt.find()) {
                    out.put(Integer.parseInt(mt.group(1)), new double[] {Double.parseDouble(mt.group(2)),
                        Double.parseDouble(mt.group(3))});
                }
            }
            if (out.isEmpty()) {
                String t = text.toString().strip();
                return new PeerResult(out, "peer printed no results (torch missing?): "
                        + (t.length() > 200 ? t.substring(t.length() - 200) : t).replace('\n', ' '));
            }
            return new PeerResult(out, null);
        }
    }

    /** The peer's per-width [torch, numpy] steps/s, or why there are none. */
    record PeerResult(Map<Integer, double[]> perWidth, String missing) {
    }

    private void peerRows(List<BenchRow> rows, PeerResult before, PeerResult after, PrintWriter o) {
        if (before == null) {
            o.println("  torch peer: skipped (--no-peer)");
            return;
        }
        String missing = before.missing() != null ? before.missing() : after.missing();
        if (missing != null) {
            o.println("  torch peer: not available: " + missing);
            rows.add(new BenchRow("torch_peer", "tanh", null, null, null, null, null, null, load(), missing));
            return;
        }
        for (BenchRow r : List.copyOf(rows)) {
            if (!r.benchmark().equals("train_step") || !"tanh".equals(r.activation())) continue;
            double[] b = before.perWidth().get(r.width());
            double[] a = after.perWidth().get(r.width());
            if (b == null || a == null) continue;
            double torch = (b[0] + a[0]) / 2;
            double numpy = (b[1] + a[1]) / 2;
            double flops = 4.0 * N * D * r.width();
            rows.add(new BenchRow("torch_peer", "tanh", r.width(), torch, torch * flops / 1e9, r.stepsPerS() / torch,
                    numpy, "numpy steps/s", load(), String.format(Locale.ROOT, "ratio = ratelab tanh steps/s / torch "
                    + "steps/s; torch alone before %.1f and after %.1f the ratelab steps, averaged", b[0], a[0])));
            o.printf("  width %5d: torch %9.1f steps/s (before %.1f, after %.1f), numpy %9.1f; ratelab/torch %.2f%n",
                    r.width(), torch, b[0], a[0], numpy, r.stepsPerS() / torch);
        }
        o.flush();
    }

    // ------------------------------------------------------------------ (c) grid overhead

    private Plan plan(Path work, String name, String body) throws IOException {
        Path f = work.resolve(name + ".yaml");
        Files.writeString(f, "experiment: " + name + "\n" + body);
        return Planner.plan(SpecLoader.load(f, null));
    }

    private static String seeds(int count) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 1; i <= count; i++) b.append(i == 1 ? "" : ", ").append(i);
        return b.append(']').toString();
    }

    private static final String TINY = """
            seed: 0
            data: {kind: teacher_student, n: 128, d: 16, teacher: two_layer, teacher_width: 4}
            model: {kind: two_layer, width: 16, activation: tanh}
            optimizer: {name: gd, lr: 0.5}
            limits: {max_runs: 100000}
            """;

    private void grid(SparkSession spark, Path work, List<BenchRow> rows, PrintWriter o) throws Exception {
        int runs = quick ? 500 : 2000;
        Plan plan = plan(work, "bench_grid", TINY + "train: {steps: 100, loss_threshold: 0, record: {log_points: 20}}\n"
                + "grid: {seed: " + seeds(runs) + "}\n");
        Plan warm = plan(work, "bench_grid_warm", TINY + "train: {steps: 100, loss_threshold: 0, record: {log_points: 20}}\n"
                + "grid: {seed: " + seeds(200) + "}\n");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int parts = Math.max(1, jsc.defaultParallelism() * 2);   // GridJob's default
        int threads = jsc.defaultParallelism();
        sparkTrain(jsc, warm.runs(), parts);
        plainTrain(warm.runs(), threads);
        int reps = quick ? 2 : 3;
        double[] sp = new double[reps];
        double[] pl = new double[reps];
        double[] ratio = new double[reps];
        for (int q = 0; q < reps; q++) {
            pl[q] = plainTrain(plan.runs(), threads);
            sp[q] = sparkTrain(jsc, plan.runs(), parts);
            ratio[q] = sp[q] / pl[q];
        }
        double l = load();
        double r = median(ratio);
        rows.add(new BenchRow("grid_overhead", "tanh", 16, null, null, r, median(sp), "s (spark)", l,
                String.format(Locale.ROOT, "%d runs x 100 steps: Spark %s (%d partitions) %.2f s vs plain %d-thread loop "
                        + "%.2f s; ratio = Spark / plain, median of %d", runs, spark.sparkContext().master(), parts,
                        median(sp), threads, median(pl), reps)));
        o.printf("  grid: %d tiny runs: Spark %.2f s, plain %d threads %.2f s: overhead %.1f%% (load %.1f)%n", runs,
                median(sp), threads, median(pl), 100 * (r - 1), l);
        o.flush();
    }

    /** Trains the runs through Spark as GridJob does (LPT buckets, one task each), rows built; seconds. */
    static double sparkTrain(JavaSparkContext jsc, List<RunConfig> runs, int parts) {
        List<List<RunConfig>> buckets = Scheduler.assign(runs, parts);
        long t0 = System.nanoTime();
        long rows = jsc.parallelize(buckets, buckets.size())
                .map(bucket -> {
                    long n = 0;
                    for (RunConfig c : bucket) n += rowsOf(Trainer.train(c));
                    return n;
                })
                .reduce(Long::sum);
        if (rows <= 0) throw new IllegalStateException("no rows");
        return (System.nanoTime() - t0) / 1e9;
    }

    private static long rowsOf(RunResult r) {
        Rows.run(r);
        return 1 + Rows.curve(r).size();
    }

    /**
     * The same runs in a plain loop of {@code threads} threads, each taking the next run from a shared queue
     * (longest first): the best a hand-written loop does, and robust to one thread being descheduled; seconds.
     */
    static double plainTrain(List<RunConfig> runs, int threads) throws InterruptedException {
        List<RunConfig> queue = new ArrayList<>(runs);
        queue.sort(java.util.Comparator.comparingDouble(RunConfig::cost).reversed());
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        long t0 = System.nanoTime();
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                for (int j; (j = next.getAndIncrement()) < queue.size(); ) rowsOf(Trainer.train(queue.get(j)));
            });
            t.start();
            ts.add(t);
        }
        for (Thread t : ts) t.join();
        return (System.nanoTime() - t0) / 1e9;
    }

    // ------------------------------------------------------------------ (d) curve rows to Parquet

    private void curves(SparkSession spark, Path work, List<BenchRow> rows, PrintWriter o) throws Exception {
        int runs = quick ? 300 : 1000;
        Plan plan = plan(work, "bench_curves", TINY + "train: {steps: 100, loss_threshold: 0, record: {every: 1}}\n"
                + "grid: {seed: " + seeds(runs) + "}\n");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<List<RunConfig>> buckets = Scheduler.assign(plan.runs(), Math.max(1, jsc.defaultParallelism() * 2));
        JavaRDD<Row> curveRows = jsc.parallelize(buckets, buckets.size())
                .flatMap(bucket -> {
                    List<Row> rs = new ArrayList<>();
                    for (RunConfig c : bucket) rs.addAll(Rows.curve(Trainer.train(c)));
                    return rs.iterator();
                })
                .persist(StorageLevel.MEMORY_ONLY());
        long count = curveRows.count();
        int reps = quick ? 2 : 3;
        double[] rate = new double[reps];
        for (int q = 0; q < reps; q++) {
            String path = work.resolve("curves" + q).toString();
            long t0 = System.nanoTime();
            spark.createDataFrame(curveRows, Schemas.CURVES).write().mode(SaveMode.ErrorIfExists)
                    .partitionBy("experiment", "optimizer").parquet(path);
            rate[q] = count / ((System.nanoTime() - t0) / 1e9);
        }
        curveRows.unpersist(false);
        double l = load();
        rows.add(new BenchRow("curve_rows_parquet", null, null, null, null, null, median(rate), "rows/s", l,
                count + " curve rows (GridJob schema, partitioned by experiment, optimizer), training excluded"));
        o.printf("  curves: %d rows to Parquet at %.0f rows/s (load %.1f)%n", count, median(rate), l);
        o.flush();
    }

    // ------------------------------------------------------------------ (e) makespan on a skewed grid

    private void makespan(SparkSession spark, Path work, List<BenchRow> rows, PrintWriter o) throws Exception {
        Plan plan = plan(work, "bench_skewed", """
                seed: 0
                data: {kind: teacher_student, n: 256, d: 32, teacher: two_layer, teacher_width: 4}
                model: {kind: two_layer, width: 16, activation: tanh}
                optimizer: {name: gd, lr: 0.1}
                """ + "train: {steps: " + (quick ? 20 : 60) + ", loss_threshold: 0, record: {log_points: 10}}\n"
                + "grid: {model.width: [16, 32, 64, 128, 256, 512, 1024, 2048, 4096], seed: "
                + seeds(quick ? 2 : 4) + "}\n");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int cores = jsc.defaultParallelism();
        int parts = Math.max(1, cores * 2);
        List<List<RunConfig>> buckets = Scheduler.assign(plan.runs(), parts);
        long origin = System.nanoTime();
        // each task: [start, end, sum of its runs' times] in ns since origin (local mode: one clock)
        List<long[]> spans = jsc.parallelize(buckets, buckets.size())
                .map(bucket -> {
                    long s = System.nanoTime();
                    long sum = 0;
                    for (RunConfig c : bucket) {
                        long t = System.nanoTime();
                        Trainer.train(c);
                        sum += System.nanoTime() - t;
                    }
                    return new long[] {s, System.nanoTime(), sum};
                })
                .collect();
        long end = System.nanoTime();
        long start = Long.MAX_VALUE;
        long finish = 0;
        long work1 = 0;
        for (long[] s : spans) {
            start = Math.min(start, s[0]);
            finish = Math.max(finish, s[1]);
            work1 += s[2];
        }
        double makespan = (finish - start) / 1e9;
        double ideal = work1 / 1e9 / cores;
        double l = load();
        double est = Scheduler.makespanRatio(buckets);
        rows.add(new BenchRow("makespan_skewed", null, null, null, null, makespan / ideal, makespan, "s", l,
                String.format(Locale.ROOT, "%d runs, widths 16..4096, %d partitions on %d cores: makespan %.2f s vs "
                        + "ideal %.2f s (measured run times / cores); job wall %.2f s; estimated-cost LPT ratio %.3f",
                        plan.runs().size(), parts, cores, makespan, ideal, (end - origin) / 1e9, est)));
        o.printf("  makespan: %.2f s vs ideal %.2f s: %.3f x (load %.1f)%n", makespan, ideal, makespan / ideal, l);
        o.flush();
    }

    // ------------------------------------------------------------------ helpers

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    /** The 1-minute load average (NaN when unreadable). */
    static double load() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    static String table(List<BenchRow> rows) {
        StringBuilder b = new StringBuilder();
        b.append("| benchmark | activation | width | steps_per_s | gflops | ratio | value | load |\n");
        b.append("|---|---|---|---|---|---|---|---|\n");
        for (BenchRow r : rows) {
            b.append("| ").append(r.benchmark()).append(" | ").append(r.activation() == null ? "" : r.activation())
                    .append(" | ").append(r.width() == null ? "" : r.width())
                    .append(" | ").append(fmt(r.stepsPerS(), 1)).append(" | ").append(fmt(r.gflops(), 2))
                    .append(" | ").append(fmt(r.ratio(), 3)).append(" | ")
                    .append(r.value() == null ? "" : fmt(r.value(), 2) + " " + (r.unit() == null ? "" : r.unit()))
                    .append(" | ").append(fmt(r.loadAvg(), 1)).append(" |\n");
        }
        b.append("\nnotes:\n");
        for (BenchRow r : rows) {
            if (r.note() != null) {
                b.append("- ").append(r.benchmark()).append(r.activation() == null ? "" : " " + r.activation())
                        .append(r.width() == null ? "" : " " + r.width()).append(": ").append(r.note()).append('\n');
            }
        }
        return b.toString();
    }

    private static String fmt(Double d, int digits) {
        if (d == null || d.isNaN()) return "";
        return String.format(Locale.ROOT, "%." + digits + "f", d);
    }
}
