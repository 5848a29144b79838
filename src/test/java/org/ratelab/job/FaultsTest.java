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

    @Test
    void throwingAndDivergingRunsAreCountedAndTheJobFinishes() throws Exception {
        Path data = Files.createDirectories(dir.resolve("spec-dir").resolve("data"));
        StringBuilder csv = new StringBuilder("x1,x2,y\n");
        for (int i = 0; i < 40; i++) csv.append(i % 7).append(',').append(i % 5).append(',').append(i % 3).append('\n');
        Files.writeString(data.resolve("kept.csv"), csv.toString());
        Files.writeString(data.resolve("vanishing.csv"), csv.toString());
        Path spec = TestSpecs.write(dir.resolve("spec-dir"), "faults.yaml", """
                experiment: faults
                data: {kind: file, path: data/kept.csv, test_fraction: 0.0}
                model: {kind: linear_regression}
                train: {steps: 50, record: {every: 10}}
                optimizers:
                  - {name: gd, lr: 0.05}
                  - {name: gd, lr: 400.0}
                grid:
                  data.path: [data/kept.csv, data/vanishing.csv]
                  seed: [1, 2]
                """);
        Plan plan = Planner.plan(SpecLoader.load(spec, "default"));  // relative to the spec, not the cwd
        assertEquals(8, plan.runs().size());
        Files.delete(data.resolve("vanishing.csv"));

        SparkSession spark = SparkTestSession.get();
        OutputDir out = OutputDir.of(dir.resolve("out").toString(), new Configuration());
        out.create("{}");
        GridJob.Summary s = GridJob.execute(spark, plan, out, null, new GridJob.Options(2, false, 3));
        assertEquals(Map.of("failed", 4L, "diverged", 2L, "max_steps", 2L), s.statusCounts());
        assertEquals(3, s.batches());

        List<Row> failed = spark.read().parquet(out.table("runs")).where("status = 'failed'")
                .select("message", "config_json").collectAsList();
        for (Row r : failed) {
            assertNotNull(r.getString(0));
            assertTrue(r.getString(0).contains("vanishing.csv"), r.getString(0));
            assertTrue(r.getString(1).contains("vanishing.csv"), r.getString(1));
        }
        List<Row> diverged = spark.read().parquet(out.table("runs")).where("status = 'diverged'")
                .select("diverged_step", "steps").collectAsList();
        for (Row r : diverged) {
            assertTrue(r.getLong(0) > 0);
            assertEquals(r.getLong(1), r.getLong(0));
        }
        assertEquals(8, spark.read().parquet(out.table("runs")).count());
    }
}
