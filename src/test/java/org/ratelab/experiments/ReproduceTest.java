package org.ratelab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.SparkTestSession;

/**
 * {@code reproduce} end to end in its own JVM (it owns its Spark session): two library specs at the smoke
 * profile, each into DIR/experiment/, then RESULTS.md and the results table with one row per declared check.
 */
class ReproduceTest {
    @TempDir Path dir;

    @Test
    void writesResultsMarkdownAndTableWithOneRowPerCheck() throws Exception {
        Path out = dir.resolve("repro");
        Process p = org.ratelab.job.GridJobTestAccess.cli("reproduce", "--profile", "smoke", "--out", out.toString(),
                "--master", "local[2]", "conf/experiments/gd-stability-limit.yaml",
                "conf/experiments/langevin-noisy-gd.yaml");
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "reproduce timed out");
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), log);

        List<Row> results = SparkTestSession.get().read().parquet(out.resolve("results").toString())
                .orderBy("claim", "check").collectAsList();
        // gd-stability-limit declares 5 checks, langevin-noisy-gd 2
        assertEquals(7, results.size(), results.toString());
        assertEquals(2, results.get(0).getInt(results.get(0).fieldIndex("claim")));
        assertEquals(13, results.get(6).getInt(results.get(6).fieldIndex("claim")));
        for (Row r : results) assertEquals("smoke", r.getString(r.fieldIndex("profile")));
        assertTrue(Files.isDirectory(out.resolve("gd-stability-limit").resolve("checks")));
        assertTrue(Files.isDirectory(out.resolve("langevin-noisy-gd").resolve("runs")));

        String md = Files.readString(out.resolve("RESULTS.md"));
        long passed = results.stream().filter(r -> r.getBoolean(r.fieldIndex("passed"))).count();
        assertTrue(md.contains(passed + " of 7 checks pass."), md);
        for (Row r : results) {
            String check = r.getString(r.fieldIndex("check"));
            assertTrue(md.contains("| " + check + " |"), "no RESULTS.md row for " + check);
        }
        // the per-experiment table: claim, name, planned runs (gd-stability-limit smoke: 9 step sizes x 1 seed)
        assertTrue(md.contains("| 2 | gd-stability-limit | 9 | "), md);
        assertTrue(md.contains("Do not edit by hand"), md);
    }
}
