package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.SparkTestSession;
import org.ratelab.TestSpecs;
import org.ratelab.grid.Plan;
import org.ratelab.grid.Planner;
import org.ratelab.linalg.Blas;
import org.ratelab.spec.SpecLoader;
import org.ratelab.table.OutputDir;

/**
 * End to end on the shared local[2] session: tables, columns, row counts, statuses; determinism across
 * partition counts in-process and against a separate local[1] JVM launched through the CLI.
 */
class GridJobTest {
    /** The spec: SMALL plus an optimizer whose step size makes GD diverge. */
    static final String SPEC = TestSpecs.SMALL.replace("  - {name: sgd, lr: 0.5, batch_size: 8}\n",
            "  - {name: sgd, lr: 0.5, batch_size: 8}\n  - {name: gd, lr: 400.0}\n") + """
            fits: {eps: [0.1, 0.01], bootstrap: 300, at_steps: [100]}
            checks:
              - name: lazy-width-law
                description: NTK scaling moves weights O(1/sqrt(m))
                law: {metric: rel_change, axis: model.width}
                where: {optimizer.name: gd, optimizer.lr: 1.0}
                expect: {min: -0.75, max: -0.25}
              - name: deliberately-wrong
                law: {metric: rel_change, axis: model.width}
                where: {optimizer.name: gd, optimizer.lr: 1.0}
                expect: {value: 0.5, tolerance: 0.1}
              - name: large-steps-diverge
                fraction: {status: diverged}
                where: {optimizer.lr: 400.0}
                expect: {min: 0.95}
              - name: sgd-noise-floor-bounded
                rate: {metric: loss, kind: noise_floor}
                where: {optimizer.name: sgd}
                expect: {at_most: 1.0}
            """;
    static final int RUNS = 12;

    @TempDir static Path dir;
    static SparkSession spark;
    static Plan plan;
    static Path spec;
    static OutputDir out;

    @BeforeAll
    static void runOnce() throws Exception {
        spark = SparkTestSession.get();
        spec = TestSpecs.write(dir, "e2e.yaml", SPEC);
        plan = Planner.plan(SpecLoader.load(spec, "default"));
        out = OutputDir.of(dir.resolve("out").toString(), new Configuration());
        out.create("{}");
        GridJob.execute(spark, plan, out, 3);
    }

    Dataset<Row> table(OutputDir od, String name) {
        return spark.read().parquet(od.table(name));
    }

    static final List<String> RUNS_COLUMNS = List.of("run_id", "experiment", "model", "optimizer", "width", "seed",
            "lr", "batch_size", "status", "steps", "oracle_calls", "final_loss", "wall_ms", "blas", "config_json");
    static final List<String> CURVES_COLUMNS = List.of("run_id", "experiment", "optimizer", "step", "oracle_calls",
            "loss", "grad_norm_sq");
    static final List<String> RATES_COLUMNS = List.of("run_id", "metric", "kind", "value", "r2", "step_from",
            "step_to");
    static final List<String> LAWS_COLUMNS = List.of("experiment", "group_key", "metric", "exponent", "prefactor",
            "r2", "n_points");

    @Test
    void tablesHaveTheContractColumnsAndOneRunRowPerPlannedRun() {
        Dataset<Row> runs = table(out, "runs");
        assertTrue(Arrays.asList(runs.columns()).containsAll(RUNS_COLUMNS), Arrays.toString(runs.columns()));
        assertTrue(Arrays.asList(table(out, "curves").columns()).containsAll(CURVES_COLUMNS));
        assertTrue(Arrays.asList(table(out, "rates").columns()).containsAll(RATES_COLUMNS));
        assertTrue(Arrays.asList(table(out, "laws").columns()).containsAll(LAWS_COLUMNS));
        assertTrue(Arrays.asList(table(out, "laws").columns()).containsAll(List.of("axis", "exponent_ci_low",
                "exponent_ci_high")));
        assertEquals(RUNS, runs.count());
        assertEquals(RUNS, runs.select("run_id").distinct().count());
        Set<String> planned = new TreeSet<>();
        plan.runs().forEach(r -> planned.add(r.runId()));
        Set<String> written = new TreeSet<>(runs.select("run_id").as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList());
        assertEquals(planned, written);
        assertEquals(1, runs.select("blas").distinct().count());
        assertEquals(Blas.implementation(), runs.select("blas").first().getString(0));
        assertFalse(Files.exists(Path.of(dir.resolve("out").toString(), "_staging")), "staging cleaned up");
    }

    @Test
    void everyCurveHasStepZeroAndItsLastStep() {
        spark.read().parquet(out.table("runs")).createOrReplaceTempView("e2e_runs");
        spark.read().parquet(out.table("curves")).createOrReplaceTempView("e2e_curves");
        List<Row> bad = spark.sql("SELECT r.run_id, min(c.step), max(c.step), r.steps FROM e2e_runs r "
                + "JOIN e2e_curves c ON r.run_id = c.run_id GROUP BY r.run_id, r.steps "
                + "HAVING min(c.step) <> 0 OR max(c.step) <> r.steps").collectAsList();
        assertEquals(List.of(), bad);
        assertEquals(RUNS, spark.sql("SELECT DISTINCT run_id FROM e2e_curves").count());
        // GD runs record every 10 steps plus the last: count points of one GD run exactly
        Row gd = spark.sql("SELECT r.steps, count(*) FROM e2e_runs r JOIN e2e_curves c ON r.run_id = c.run_id "
                + "WHERE r.optimizer = 'gd' AND r.lr = 1.0 AND r.status = 'max_steps' GROUP BY r.run_id, r.steps "
                + "LIMIT 1").first();
        assertEquals(gd.getLong(0) / 10 + 1 + (gd.getLong(0) % 10 == 0 ? 0 : 1), gd.getLong(1));
    }

    @Test
    void divergedRunsAreRecordedAndTheOthersConverge() {
        spark.read().parquet(out.table("runs")).createOrReplaceTempView("e2e_runs2");
        List<Row> diverged = spark.sql("SELECT status, diverged_step, steps FROM e2e_runs2 WHERE lr = 400.0")
                .collectAsList();
        assertEquals(4, diverged.size());
        for (Row r : diverged) {
            assertEquals("diverged", r.getString(0));
            assertEquals(r.getLong(2), r.getLong(1));
        }
        long sane = spark.sql("SELECT count(*) FROM e2e_runs2 WHERE lr <> 400.0 AND final_loss < initial_loss")
                .first().getLong(0);
        assertEquals(8, sane);
        // rates per run: loss/linear, power of loss, grad_norm_sq and test_loss, two kinds per eps (2 eps),
        // and the noise floor of the 4 stochastic runs
        assertEquals((4L + 2 * 2) * RUNS + 4, table(out, "rates").count());
        // laws against width: the groups of the three optimizer entries, one point per seed and width
        List<Row> laws = table(out, "laws").where("metric = 'rel_change' AND axis = 'model.width'")
                .orderBy("group_key").collectAsList();
        assertEquals(List.of("optimizer.name=gd,optimizer.lr=1.0", "optimizer.name=gd,optimizer.lr=400.0",
                "optimizer.name=sgd,optimizer.lr=0.5,optimizer.batch_size=8"),
                laws.stream().map(r -> r.getString(1)).toList());
        for (Row r : laws) assertEquals(4L, r.getLong(r.fieldIndex("n_points")));
        // laws of trajectory maxima and of values at fits.at_steps: rel_change grows along a GD run, so its
        // maximum is its final value, and at step 100 it is the value recorded at step 100
        Dataset<Row> lw = table(out, "laws").where("axis = 'model.width' AND group_key = 'optimizer.name=gd,optimizer.lr=1.0'");
        double fin = lw.where("metric = 'rel_change'").first().getDouble(3);
        assertEquals(fin, lw.where("metric = 'rel_change.max'").first().getDouble(3), 1e-12);
        assertEquals(1, lw.where("metric = 'rel_change.at_step@100'").count());
        assertEquals(1, lw.where("metric = 'loss.steps_to_eps@0.1'").count());
        // summaries: each group of seeds has 2 runs
        assertEquals(0, table(out, "summaries").where("n_runs <> 2").count());
    }

    @Test
    void checksYieldVerdictsAndAWrongPredictionFails() {
        List<Row> checks = table(out, "checks").orderBy("check").collectAsList();
        assertEquals(List.of("deliberately-wrong", "large-steps-diverge", "lazy-width-law", "sgd-noise-floor-bounded"),
                checks.stream().map(r -> r.getString(r.fieldIndex("check"))).toList());
        Row wrong = checks.get(0);
        Row diverge = checks.get(1);
        Row lazy = checks.get(2);
        assertFalse(wrong.getBoolean(wrong.fieldIndex("passed")));
        assertTrue(lazy.getBoolean(lazy.fieldIndex("passed")), lazy.toString());
        assertEquals(lazy.getDouble(lazy.fieldIndex("observed")), wrong.getDouble(wrong.fieldIndex("observed")));
        double lo = lazy.getDouble(lazy.fieldIndex("ci_low"));
        double hi = lazy.getDouble(lazy.fieldIndex("ci_high"));
        double obs = lazy.getDouble(lazy.fieldIndex("observed"));
        assertTrue(lo <= obs && obs <= hi, lo + " " + obs + " " + hi);
        assertEquals(1.0, diverge.getDouble(diverge.fieldIndex("observed")));
        assertTrue(diverge.getBoolean(diverge.fieldIndex("passed")));
        assertEquals(4L, diverge.getLong(diverge.fieldIndex("n_runs")));
        java.io.StringWriter text = new java.io.StringWriter();
        assertEquals(1, ChecksCommand.print(checks, new java.io.PrintWriter(text)), "a failed check exits 1");
        assertTrue(text.toString().contains("FAIL  deliberately-wrong"), text.toString());
        assertTrue(text.toString().contains("3 passed, 1 failed"), text.toString());
        assertEquals(0, ChecksCommand.print(checks.subList(1, 4), new java.io.PrintWriter(new java.io.StringWriter())));
    }

    /** Identical tables for 1 partition here (3 above), and for local[1] in another JVM via the CLI. */
    @Test
    void resultsDoNotDependOnPartitionsOrCores() throws Exception {
        OutputDir one = OutputDir.of(dir.resolve("p1").toString(), new Configuration());
        one.create("{}");
        GridJob.execute(spark, plan, one, 1);

        Path cliOut = dir.resolve("cli1");
        Process p = cliProcess("run", spec.toString(), "--out", cliOut.toString(), "--master", "local[1]");
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "CLI run timed out");
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), log);
        OutputDir local1 = OutputDir.of(cliOut.toString(), new Configuration());
        assertTrue(local1.isRatelabDir());

        for (OutputDir other : List.of(one, local1)) {
            assertEquals(rows(out, "runs"), rows(other, "runs"), "runs differ for " + other.uri());
            assertEquals(rows(out, "curves"), rows(other, "curves"), "curves differ for " + other.uri());
            assertEquals(rows(out, "rates"), rows(other, "rates"), "rates differ for " + other.uri());
            assertEquals(rows(out, "laws"), rows(other, "laws"), "laws differ for " + other.uri());
        }
        // hand the CLI output to the outside-reader check of .ci/run (DuckDB)
        Path keep = Path.of("target", "e2e-out");
        if (Files.exists(keep)) deleteTree(keep);
        copyTree(cliOut, keep);
    }

    /** Every row as text, wall times aside, sorted. */
    List<String> rows(OutputDir od, String table) {
        return sortedRows(table(od, table));
    }

    /** Every row of a table as text (columns sorted by name, wall_ms left out), rows sorted. */
    static List<String> sortedRows(Dataset<Row> t) {
        if (Arrays.asList(t.columns()).contains("wall_ms")) t = t.drop("wall_ms");
        String[] cols = t.columns();
        Arrays.sort(cols);
        List<String> out = new ArrayList<>();
        for (Row r : t.selectExpr(cols).collectAsList()) out.add(r.toString());
        out.sort(null);
        return out;
    }

    static Process cliProcess(String... args) throws Exception {
        return cliProcessIn(null, args);
    }

    /** The CLI in its own JVM, started in {@code cwd} (null: this JVM's working directory). */
    static Process cliProcessIn(Path cwd, String... args) throws Exception {
        return cliProcessIn(cwd, java.util.Map.of(), args);
    }

    /** The same, with {@code env} added to the process's environment. */
    static Process cliProcessIn(Path cwd, java.util.Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-agentlib") && !a.startsWith("-javaagent")) cmd.add(a);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("org.ratelab.job.Main");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (cwd != null) pb.directory(cwd.toFile());
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().putAll(env);
        return pb.start();
    }

    static void copyTree(Path from, Path to) throws Exception {
        try (var s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }

    static void deleteTree(Path p) throws Exception {
        try (var s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
