package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * The committed batches are the runs and curves tables: their files are listed in {@code files.txt}, live in
 * {@code runs/} and {@code curves/experiment=X/optimizer=Y/} (nothing is left in {@code _batches/} but the two
 * lists), and a batch committed but killed before all its files were renamed into the tables is published by
 * {@code --resume} before anything else, giving the tables of an uninterrupted job and training nothing again.
 */
class PublishTest {
    @TempDir Path dir;

    @Test
    void batchesAreTheTablesAndResumeFinishesAHalfPublishedBatch() throws Exception {
        SparkSession spark = SparkTestSession.get();
        Plan plan = Planner.plan(SpecLoader.load(TestSpecs.write(dir, "small.yaml", TestSpecs.SMALL), null));
        Path out = dir.resolve("out");
        OutputDir od = OutputDir.of(out.toString(), new Configuration());
        od.create("{}");
        GridJob.execute(spark, plan, od, null, new GridJob.Options(2, false, 3));
        List<String> reference = new ArrayList<>();
        for (String t : List.of("runs", "curves", "rates", "laws")) reference.addAll(ResumeTest.rows(spark, od, t));

        List<Path> batches = ResumeTest.batchNames(out.resolve(OutputDir.BATCHES)).stream()
                .map(b -> out.resolve(OutputDir.BATCHES).resolve(b)).toList();
        assertEquals(3, batches.size());
        long listed = 0;
        for (Path b : batches) {
            try (Stream<Path> s = Files.walk(b)) {
                assertEquals(List.of(OutputDir.FILES, OutputDir.RUN_IDS), s.filter(Files::isRegularFile)
                        .map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).sorted().toList(),
                        b + " holds its lists only");
            }
            for (String line : Files.readAllLines(b.resolve(OutputDir.FILES))) {
                assertTrue(Files.isRegularFile(out.resolve(line.substring(line.indexOf('\t') + 1))), line);
                listed++;
            }
        }
        long published;
        try (Stream<Path> s = Files.walk(out)) {
            published = s.filter(p -> p.getFileName().toString().endsWith(".parquet"))
                    .filter(p -> p.startsWith(out.resolve("runs")) || p.startsWith(out.resolve("curves"))).count();
        }
        assertEquals(listed, published, "every runs and curves file is a listed file of a committed batch");

        // a kill between a batch's commit and its last rename: its runs file and a curve file still in the batch
        Path last = batches.get(2);
        List<String> lines = Files.readAllLines(last.resolve(OutputDir.FILES));
        for (String line : List.of(lines.get(0), lines.get(lines.size() - 1))) {
            String rel = line.substring(line.indexOf('\t') + 1);
            Files.createDirectories(last.resolve(rel).getParent());
            Files.move(out.resolve(rel), last.resolve(rel));
            Files.deleteIfExists(out.resolve(rel).resolveSibling("." + out.resolve(rel).getFileName() + ".crc"));
        }
        for (String t : List.of("rates", "laws", "summaries", "bounds", "checks")) deleteTree(out.resolve(t));
        assertEquals(plan.runs().size(), GridJob.committedForResume(plan, od).size(), "the batch is committed");

        GridJob.Summary s = GridJob.execute(spark, plan, od, null, new GridJob.Options(2, true, 3));
        assertEquals(plan.runs().size(), s.resumed(), "nothing trained again");
        assertEquals(0, s.batches());
        List<String> resumed = new ArrayList<>();
        for (String t : List.of("runs", "curves", "rates", "laws")) resumed.addAll(ResumeTest.rows(spark, od, t));
        assertEquals(reference, resumed);
        assertFalse(Files.exists(last.resolve("runs")), "the batch's directory keeps its lists only");
    }

    static void deleteTree(Path p) throws Exception {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
