package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.SparkTestSession;
import org.ratelab.TestSpecs;
import org.ratelab.table.OutputDir;
import org.ratelab.table.Schemas;

/**
 * A job whose every run diverges, and one whose every run fails before its first recorded point, both through
 * the CLI in their own JVM: exit 0, every table written (curves empty for the failing job), the runs table
 * holding each run's status, message and step, and a report that says no run converged.
 */
class NothingConvergedTest {
    @TempDir Path dir;

    static final List<String> TABLES = Schemas.TABLES;

    Process run(Path spec, Path out) throws Exception {
        return GridJobTest.cliProcess("run", spec.toString(), "--out", out.toString(), "--master", "local[2]");
    }

    static String finish(Process p) throws Exception {
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the CLI run timed out");
        return new String(p.getInputStream().readAllBytes());
    }

    /**
     * Reads the CLI's output and deletes {@code file} as soon as the job says it planned: the plan line comes
     * before the Spark session starts, which takes seconds, so no run has read the file yet.
     */
    static String finishDeleting(Process p, Path file) throws Exception {
        StringBuilder log = new StringBuilder();
        try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
            String line;
            while ((line = r.readLine()) != null) {
                log.append(line).append('\n');
                if (line.contains(" runs (profile ") && Files.exists(file)) Files.delete(file);
            }
        }
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the CLI run timed out");
        assertFalse(Files.exists(file), "the job never said it planned:\n" + log);
        return log.toString();
    }

    @Test
    void everyRunDivergesOrFailsAndTheJobStillFinishes() throws Exception {
        // every run diverges: a step size of 400 on the small teacher-student net
        Path diverging = TestSpecs.write(dir, "diverge.yaml", TestSpecs.SMALL
                .replace("  - {name: sgd, lr: 0.5, batch_size: 8}\n", "  - {name: sgd, lr: 400.0, batch_size: 8}\n")
                .replace("{name: gd, lr: 1.0}", "{name: gd, lr: 400.0}") + """
                checks:
                  - name: some-converge
                    fraction: {status: converged}
                    expect: {min: 0.5}
                """);
        // every run fails: its data file is deleted once the job has planned (read it), before Spark trains
        StringBuilder csv = new StringBuilder("x1,x2,y\n");
        for (int i = 0; i < 24; i++) csv.append(i % 7).append(',').append(i % 5).append(',').append(i % 3).append('\n');
        Path data = dir.resolve("vanishing.csv");
        Files.writeString(data, csv.toString());
        Path failing = TestSpecs.write(dir, "fail.yaml", """
                experiment: allfail
                data: {kind: file, path: vanishing.csv}
                model: {kind: two_layer, activation: tanh}
                train: {steps: 50, record: {every: 10}}
                optimizers:
                  - {name: gd, lr: 0.05}
                  - {name: sgd, lr: 0.05, batch_size: 4}
                grid:
                  seed: [1, 2]
                  model.width: [4, 8]
                checks:
                  - name: law
                    law: {metric: rel_change, axis: model.width}
                    expect: {min: -0.75, max: -0.25}
                  - name: all-failed
                    fraction: {status: failed}
                    expect: {min: 0.99}
                """);
        Path outD = dir.resolve("diverged");
        Path outF = dir.resolve("failed");
        String logD = finish(run(diverging, outD));
        String logF = finishDeleting(run(failing, outF), data);
        SparkSession spark = SparkTestSession.get();

        assertTrue(logD.contains("(8 diverged)"), logD);
        assertTrue(logF.contains("(8 failed)"), logF);
        for (Path out : List.of(outD, outF)) {
            OutputDir od = OutputDir.of(out.toString(), new org.apache.hadoop.conf.Configuration());
            for (String t : TABLES) assertTrue(Files.isDirectory(out.resolve(t)), out + ": no " + t + "/");
            assertFalse(Files.exists(out.resolve("_staging")) && Files.list(out.resolve("_staging")).findAny().isPresent(),
                    out + ": something left staged");
            String html = Files.readString(out.resolve("report").resolve("index.html"));
            assertTrue(html.contains("No run converged: "), out + ": the report does not say no run converged");
            List<Row> runs = Schemas.read(spark, "runs", od.table("runs")).select("status", "message", "diverged_step",
                    "steps").collectAsList();
            assertEquals(8, runs.size(), out + ": runs rows");
            if (out == outD) {
                assertTrue(html.contains("No run converged: 0 failed, 8 diverged, 0 stopped at max_steps, of 8 runs."),
                        "report: " + html.substring(html.indexOf("No run converged")));
                for (Row r : runs) {
                    assertEquals("diverged", r.getString(0));
                    assertTrue(r.getLong(2) > 0, "diverged_step " + r.get(2));
                    assertEquals(r.getLong(3), r.getLong(2), "steps end at the divergence");
                }
                assertTrue(Schemas.read(spark, "curves", od.table("curves")).count() >= 8, "diverged runs have curves");
            } else {
                assertTrue(html.contains("No run converged: 8 failed, 0 diverged, 0 stopped at max_steps, of 8 runs."),
                        "report: " + html);
                assertTrue(html.contains("vanishing.csv"), "the report lists why runs failed");
                for (Row r : runs) {
                    assertEquals("failed", r.getString(0));
                    assertTrue(r.getString(1).contains("vanishing.csv"), r.getString(1));
                    assertEquals(0L, r.getLong(3), "failed before its first step");
                }
                assertEquals(0, Schemas.read(spark, "curves", od.table("curves")).count(), "no curve point");
                assertEquals(0, Schemas.read(spark, "rates", od.table("rates")).count());
                List<Row> checks = Schemas.read(spark, "checks", od.table("checks")).orderBy("check")
                        .select("check", "passed").collectAsList();
                assertEquals("all-failed", checks.get(0).getString(0));
                assertTrue(checks.get(0).getBoolean(1));
                assertEquals("law", checks.get(1).getString(0));
                assertFalse(checks.get(1).getBoolean(1), "a law over no run fails, it does not crash");
            }
        }
        // and sql answers over the empty curves of the failing job (in-process: the guard runs before Spark)
        assertEquals(0, SqlCommand.query(spark, OutputDir.of(outF.toString(), new org.apache.hadoop.conf.Configuration()),
                "SELECT count(*) FROM curves_runs").first().getLong(0));
    }
}
