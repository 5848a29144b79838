package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
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
 * Runs that throw and runs that diverge are results: a data file that vanishes after planning makes its
 * runs throw (status failed, with the message), a huge step size makes runs diverge (status diverged, with
 * the step), and the job finishes and reports the counts. Relative data paths resolve against the spec.
 */
class FaultsTest {
    @TempDir Path dir;

    /**
     * Half the runs read a data file that is deleted after planning (a file a cluster node lost, say): their
     * executor cannot build the data set, and they end failed with the reason. A step size of 400 makes the
     * runs on the other file diverge, a step size of 0.05 lets them reach max_steps.
     */
    @Test
    void throwingAndDivergingRunsAreCountedAndTheJobFinishes() throws Exception {
        StringBuilder csv = new StringBuilder("x1,x2,x3,y\n");
        for (int i = 0; i < 32; i++) {
            csv.append(i % 7).append(',').append(i % 5).append(',').append(i % 3).append(',').append(i % 4 - 1.5).append('\n');
        }
        Files.writeString(dir.resolve("kept.csv"), csv.toString());
        Files.writeString(dir.resolve("gone.csv"), csv.toString());
        Path spec = TestSpecs.write(dir, "faults.yaml", """
                experiment: faults
                data: {kind: file, path: kept.csv}
                model: {kind: two_layer, width: 8, activation: tanh}
                train: {steps: 50, record: {every: 10}}
                optimizers:
                  - {name: gd, lr: 0.05}
                  - {name: gd, lr: 400.0}
                grid:
                  data.path: [kept.csv, gone.csv]
                  seed: [1, 2]
                """);
        Plan plan = Planner.plan(SpecLoader.load(spec, "default"));
        assertEquals(8, plan.runs().size());
        Files.delete(dir.resolve("gone.csv"));
        SparkSession spark = SparkTestSession.get();
        OutputDir out = OutputDir.of(dir.resolve("out").toString(), new Configuration());
        out.create("{}");
        GridJob.Summary s = GridJob.execute(spark, plan, out, null, new GridJob.Options(2, false, 3));
        assertEquals(Map.of("failed", 4L, "diverged", 2L, "max_steps", 2L), s.statusCounts());
        assertEquals(3, s.batches());
        assertEquals("2 diverged, 4 failed, 2 max_steps", RunCommand.counts(s.statusCounts()));

        List<Row> failed = spark.read().parquet(out.table("runs")).where("status = 'failed'")
                .select("message", "config_json").collectAsList();
        assertEquals(4, failed.size());
        for (Row r : failed) {
            assertNotNull(r.getString(0));
            assertTrue(r.getString(0).contains("gone.csv"), r.getString(0));
            assertTrue(r.getString(1).contains("gone.csv"), r.getString(1));
        }
        List<Row> diverged = spark.read().parquet(out.table("runs")).where("status = 'diverged'")
                .select("diverged_step", "steps").collectAsList();
        for (Row r : diverged) {
            assertTrue(r.getLong(0) > 0);
            assertEquals(r.getLong(1), r.getLong(0));
        }
        assertEquals(8, spark.read().parquet(out.table("runs")).count());
    }

    @Test
    void relativeDataPathsResolveAgainstTheSpecFile() throws Exception {
        Path specDir = Files.createDirectories(dir.resolve("specs"));
        Path data = Files.createDirectories(specDir.resolve("data"));
        StringBuilder csv = new StringBuilder("x1,x2,y\n");
        for (int i = 0; i < 20; i++) csv.append(i % 7).append(',').append(i % 5).append(',').append(i % 3).append('\n');
        Files.writeString(data.resolve("d.csv"), csv.toString());
        Path spec = TestSpecs.write(specDir, "s.yaml", """
                experiment: rel
                data: {kind: file, path: data/d.csv}
                model: {kind: linear_regression}
                optimizer: {name: gd}
                """);
        Plan plan = Planner.plan(SpecLoader.load(spec, "default"));  // the working directory is elsewhere
        // the run reads the file next to the spec ...
        org.ratelab.data.Dataset d = plan.runs().get(0).data().build(1);
        assertEquals(20, d.n() + d.nTest(), "20 rows, split into train and test");
        // ... while its canonical form (and so its run_id) keeps the path as written: moving the project
        // does not change run ids
        assertTrue(plan.runs().get(0).configJson().contains("\"path\":\"data/d.csv\""), plan.runs().get(0).configJson());
        Path moved = Files.createDirectories(dir.resolve("elsewhere").resolve("specs"));
        Files.createDirectories(moved.resolve("data"));
        Files.copy(data.resolve("d.csv"), moved.resolve("data").resolve("d.csv"));
        Path spec2 = TestSpecs.write(moved, "s.yaml", Files.readString(spec));
        assertEquals(plan.runs().get(0).runId(), Planner.plan(SpecLoader.load(spec2, "default")).runs().get(0).runId());
    }
}
