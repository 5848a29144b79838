package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.SparkTestSession;
import org.ratelab.TestSpecs;
import org.ratelab.grid.Plan;
import org.ratelab.grid.Planner;
import org.ratelab.spec.SpecLoader;
import org.ratelab.table.OutputDir;

/**
 * The driver is killed with SIGKILL at a random moment after a random number of its batches committed;
 * {@code --resume} then trains only the runs not committed, and the tables equal those of an uninterrupted
 * run value for value, with exactly one runs row and one curve per run_id.
 */
class ResumeTest {
    /** 3 optimizers x 3 widths x 4 seeds = 36 runs, committed 2 at a time: 18 batches to kill among. */
    static final String SPEC = TestSpecs.SMALL
            .replace("  - {name: sgd, lr: 0.5, batch_size: 8}\n",
                    "  - {name: sgd, lr: 0.5, batch_size: 8}\n  - {name: heavy_ball, lr: 0.5}\n")
            .replace("model.width: [16, 64]", "model.width: [16, 32, 64]")
            .replace("seed: [1, 2]", "seed: [1, 2, 3, 4]")
            .replace("steps: 200", "steps: 600");

    @TempDir Path dir;

    @Test
    void killedDriverResumesWithoutLossDuplicationOrRetraining() throws Exception {
        Path spec = TestSpecs.write(dir, "resume.yaml", SPEC);
        Plan plan = Planner.plan(SpecLoader.load(spec, "default"));
        int n = plan.runs().size();
        Path out = dir.resolve("out");
        long seed = System.nanoTime();
        Random random = new Random(seed);

        Path killedLog = dir.resolve("killed.log");
        Process p = cli(killedLog, "run", spec.toString(), "--out", out.toString(), "--master", "local[2]",
                "--partitions", "2", "--batch-runs", "2");
        Path batches = out.resolve(OutputDir.BATCHES);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        // the kill lands after a random number of committed batches (at most half of them, so that a fast
        // machine committing a batch every few tens of ms still leaves runs to resume), then a random part of
        // a batch's time later: mid-batch, while a batch may be publishing its files
        int killAfter = 1 + random.nextInt(n / 2 / 2);
        while (batchNames(batches).size() < killAfter && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertTrue(p.isAlive(), "the job ended before " + killAfter + " batches were seen: "
                + Files.readString(killedLog));
        long delay = random.nextInt(40);
        Thread.sleep(delay);
        assertTrue(p.isAlive(), "the job ended before the kill (delay " + delay + " ms): "
                + Files.readString(killedLog));
        p.destroyForcibly();  // SIGKILL: no shutdown hook, no cleanup
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        Map<String, Set<String>> before = committed(batches);
        Set<String> committedBefore = union(before);
        System.out.printf("ResumeTest: kill seed %d, %d ms after batch %d: %d of %d runs committed in %d "
                + "batches%n", seed, delay, killAfter, committedBefore.size(), n, before.size());
        assertTrue(committedBefore.size() < n, "the kill landed after every batch committed");
        // the committed batches are the runs and curves tables: a killed job shows runs of committed batches
        // only (of the last one perhaps not yet all: it is published file by file, curves first), never others
        SparkSession killedSpark = SparkTestSession.get();
        OutputDir killed = OutputDir.of(out.toString(), new Configuration());
        for (String t : List.of("runs", "curves")) {
            Set<String> visible = new HashSet<>();
            for (org.apache.spark.sql.Row row : org.ratelab.table.Schemas.read(killedSpark, t, killed.table(t))
                    .select("run_id").distinct().collectAsList()) {
                visible.add(row.getString(0));
            }
            assertTrue(committedBefore.containsAll(visible), t + ": a run of an uncommitted batch is visible");
        }
        for (String t : List.of("rates", "laws", "summaries", "checks")) {
            assertFalse(Files.exists(out.resolve(t)), "a killed job shows no " + t + " table");
        }

        // without --resume the directory is refused, untouched
        CliTest.Result refused = CliTest.cli("run", spec.toString(), "--out", out.toString());
        assertEquals(2, refused.code(), refused.err());
        assertTrue(refused.err().contains("pass --resume to continue"), refused.err());

        Path resumeLog = dir.resolve("resume.log");
        Process r = cli(resumeLog, "run", spec.toString(), "--out", out.toString(), "--master", "local[2]",
                "--resume", "--batch-runs", "4");
        assertTrue(r.waitFor(300, TimeUnit.SECONDS), "resume timed out");
        String log = Files.readString(resumeLog);
        assertEquals(0, r.exitValue(), log);
        assertTrue(log.contains("resuming: " + committedBefore.size() + " of " + n + " runs already committed"), log);

        // the batches committed before the kill are untouched, and no run of theirs was trained again
        Map<String, Set<String>> after = committed(batches);
        for (Map.Entry<String, Set<String>> b : before.entrySet()) assertEquals(b.getValue(), after.get(b.getKey()));
        Set<String> trainedOnResume = new HashSet<>();
        for (Map.Entry<String, Set<String>> b : after.entrySet()) {
            if (before.containsKey(b.getKey())) continue;
            for (String id : b.getValue()) {
                assertFalse(committedBefore.contains(id), "run " + id + " trained again");
                assertTrue(trainedOnResume.add(id), "run " + id + " in two batches");
            }
        }
        assertEquals(n - committedBefore.size(), trainedOnResume.size());
        Set<String> planned = new HashSet<>();
        plan.runs().forEach(c -> planned.add(c.runId()));
        assertEquals(planned, union(after));
        assertFalse(Files.exists(out.resolve("_staging")), "staging cleaned up");

        // exactly one runs row and one curve per run_id, and the values of an uninterrupted run
        SparkSession spark = SparkTestSession.get();
        OutputDir resumed = OutputDir.of(out.toString(), new Configuration());
        spark.read().parquet(resumed.table("runs")).createOrReplaceTempView("resumed_runs");
        spark.read().parquet(resumed.table("curves")).createOrReplaceTempView("resumed_curves");
        assertEquals(n, spark.sql("SELECT count(*) FROM resumed_runs").first().getLong(0));
        assertEquals(n, spark.sql("SELECT count(DISTINCT run_id) FROM resumed_runs").first().getLong(0));
        assertEquals(n, spark.sql("SELECT count(DISTINCT run_id) FROM resumed_curves").first().getLong(0));
        assertEquals(0, spark.sql("SELECT run_id, step FROM resumed_curves GROUP BY run_id, step "
                + "HAVING count(*) > 1").count(), "a curve point twice");
        OutputDir reference = OutputDir.of(dir.resolve("ref").toString(), new Configuration());
        reference.create("{}");
        GridJob.execute(spark, plan, reference, 2);
        for (String t : List.of("runs", "curves", "rates", "laws", "summaries", "checks")) {
            assertEquals(rows(spark, reference, t), rows(spark, resumed, t), t + " differ after resume");
        }
    }

    /** The CLI in its own JVM (GridJobTest's), its output to a file: no pipe to fill up. */
    static Process cli(Path log, String... args) throws Exception {
        Process p = GridJobTest.cliProcess(args);
        Thread copy = new Thread(() -> {
            try (java.io.InputStream in = p.getInputStream()) {
                Files.copy(in, log, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (java.io.IOException ignored) {
                // the process was killed
            }
        });
        copy.setDaemon(true);
        copy.start();
        return p;
    }

    /** Every row of a table as text, wall times aside, sorted. */
    static List<String> rows(SparkSession spark, OutputDir od, String table) {
        return GridJobTest.sortedRows(spark.read().parquet(od.table(table)));
    }

    static List<String> batchNames(Path batches) throws Exception {
        if (!Files.isDirectory(batches)) return List.of();
        try (Stream<Path> s = Files.list(batches)) {
            return s.map(b -> b.getFileName().toString()).sorted().toList();
        }
    }

    /** Batch name → the run_ids it lists. */
    static Map<String, Set<String>> committed(Path batches) throws Exception {
        Map<String, Set<String>> m = new TreeMap<>();
        for (String b : batchNames(batches)) {
            m.put(b, new HashSet<>(Files.readAllLines(batches.resolve(b).resolve(OutputDir.RUN_IDS))));
        }
        return m;
    }

    static Set<String> union(Map<String, Set<String>> m) {
        Set<String> all = new HashSet<>();
        m.values().forEach(all::addAll);
        return all;
    }
}
