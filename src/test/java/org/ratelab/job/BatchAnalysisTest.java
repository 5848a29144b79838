package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
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
 * The derived tables computed per committed batch in Spark tasks ({@link BatchAnalysis}) are those of the Spark
 * SQL queries value for value, over many batches; and the bootstrap intervals of the summaries and of a rate
 * check no longer depend on how the rates reach them: the same output derived by the queries under different
 * shuffle layouts, or with its runs batched differently, gives the same bits.
 */
class BatchAnalysisTest {
    @TempDir Path dir;

    /** Two optimizers (one stochastic), two widths (laws), eight seeds (summaries of eight values) and a rate check. */
    static final String SPEC = """
            experiment: batches
            seed: 0
            data: {kind: teacher_student, n: 64, d: 8, teacher: two_layer, teacher_width: 3, test_n: 32}
            model: {kind: two_layer, activation: tanh, parameterization: ntk, width: 16}
            train: {steps: 100, loss_threshold: 1.0e-3, record: {every: 10}}
            optimizers:
              - {name: gd, lr: 1.0}
              - {name: sgd, lr: 0.5, batch_size: 8}
            grid:
              model.width: [16, 32]
              seed: [1, 2, 3, 4, 5, 6, 7, 8]
            checks:
              - name: power-of-loss
                description: the median exponent of the loss over every run (no claim; its interval is what is held)
                rate: {metric: loss, kind: power}
                expect: {value: -1.0, tolerance: 100}
            """;

    private OutputDir job(SparkSession spark, Plan plan, String name, int batchRuns) throws Exception {
        OutputDir out = OutputDir.of(dir.resolve(name).toString(), spark.sparkContext().hadoopConfiguration());
        out.create("{}");
        spark.conf().set("spark.ratelab.localAnalysis", "false");   // a small output: force the batches' engine
        try {
            GridJob.execute(spark, plan, out, null, new GridJob.Options(2, false, batchRuns));
        } finally {
            spark.conf().unset("spark.ratelab.localAnalysis");
        }
        return out;
    }

    /**
     * The fits' partitions: keys dealt by LPT over their costs, the heaviest partition first (Spark starts tasks
     * in partition order). Seven laws of cost 9 to 3 and four summaries of cost 1 (46 in all) on 3 partitions: LPT
     * gives loads 16, 15 and 15 (the best there is), in that order, with the heaviest law in the first.
     */
    @Test
    void fitsArePartitionedByLptHeaviestFirst() {
        Map<String, Double> costs = new java.util.TreeMap<>();
        double[] laws = {9, 8, 7, 6, 5, 4, 3};
        for (int i = 0; i < laws.length; i++) costs.put("Llaw" + i, laws[i]);
        for (int i = 0; i < 4; i++) costs.put("Ssummary" + i, 1.0);
        costs.put("U0", 0.0);
        BatchAnalysis.FitPartitioner p = new BatchAnalysis.FitPartitioner(costs, 3);
        assertEquals(3, p.numPartitions());
        double[] load = new double[3];
        for (Map.Entry<String, Double> e : costs.entrySet()) load[p.getPartition(e.getKey())] += e.getValue();
        assertEquals(List.of(16.0, 15.0, 15.0), List.of(load[0], load[1], load[2]));
        assertEquals(p.getPartition("Llaw0"), 0);   // the heaviest law starts first
        int unknown = p.getPartition("Lnot-given");
        assertEquals(Math.floorMod("Lnot-given".hashCode(), 3), unknown);
        assertEquals(1, new BatchAnalysis.FitPartitioner(Map.of(), 8).numPartitions());
    }

    /**
     * A summary's part, held in primitive arrays and one string of run_ids, gives back the rows it took: a null
     * value apart from NaN and −0.0, run_ids of different lengths (an empty one too), and more values than the
     * builder's first arrays hold; and Java serialization (Spark's, between tasks) keeps them.
     */
    @Test
    void summaryPartGivesBackTheRowsItTook() throws Exception {
        Row first = org.apache.spark.sql.RowFactory.create("e", "{\"lr\":0.1}", "loss", "power", null, 1.0, "r0");
        BatchAnalysis.SummaryBuilder b = new BatchAnalysis.SummaryBuilder(first);
        List<Object[]> in = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Double v = switch (i % 5) {
                case 0 -> null;
                case 1 -> Double.NaN;
                case 2 -> -0.0;
                default -> i * 0.25 - 3;
            };
            String id = i == 7 ? "" : "run-" + Integer.toHexString(i * 977);
            in.add(new Object[] {v, id});
            b.add(v, id);
        }
        BatchAnalysis.SummaryPart part = b.part();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream o = new java.io.ObjectOutputStream(bytes)) {
            o.writeObject(part);
        }
        BatchAnalysis.SummaryPart back;
        try (java.io.ObjectInputStream i = new java.io.ObjectInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            back = (BatchAnalysis.SummaryPart) i.readObject();
        }
        for (BatchAnalysis.SummaryPart p : List.of(part, back)) {
            List<Row> rows = p.rows().toList();
            assertEquals(40, rows.size());
            for (int i = 0; i < 40; i++) {
                Row r = rows.get(i);
                assertEquals(List.of("e", "{\"lr\":0.1}", "loss", "power"),
                        List.of(r.getString(0), r.getString(1), r.getString(2), r.getString(3)));
                assertTrue(r.isNullAt(4));
                assertEquals(in.get(i)[1], r.getString(6));
                if (in.get(i)[0] == null) {
                    assertTrue(r.isNullAt(5), "row " + i);
                } else {
                    assertEquals(Double.doubleToRawLongBits((Double) in.get(i)[0]),
                            Double.doubleToRawLongBits(r.getDouble(5)), "row " + i);
                }
            }
        }
    }

    @Test
    void perBatchTablesEqualTheQueriesAndEveryBatchWritesItsOwnFiles() throws Exception {
        SparkSession spark = SparkTestSession.get();
        Plan plan = Planner.plan(SpecLoader.load(TestSpecs.write(dir, "s.yaml", SPEC), "default"));
        assertEquals(32, plan.runs().size());
        OutputDir out = job(spark, plan, "five", 7);
        int batches = out.committedBatches().size();
        assertEquals(5, batches, "32 runs in batches of 7");
        // the job's own rates and bounds: one file per batch, and nothing left of the tasks' directories
        try (Stream<Path> s = Files.list(dir.resolve("five").resolve("rates"))) {
            assertEquals(batches, s.filter(p -> p.getFileName().toString().endsWith(".parquet")).count());
        }
        assertFalse(Files.exists(dir.resolve("five").resolve("_analysis")));
        assertFalse(Files.exists(dir.resolve("five").resolve("_staging")));
        LocalAnalysisTest.assertEnginesAgree(spark, plan, out);
        for (String t : List.of("rates", "laws", "summaries")) {
            assertFalse(LocalAnalysisTest.rows(spark, out.table(t)).isEmpty(), t + " empty");
        }
        assertEquals(4, spark.read().parquet(out.table("summaries")).where("metric = 'loss' AND kind = 'power'").count(),
                "a summary per optimizer and width");
        assertEquals(1, spark.read().parquet(out.table("checks")).count());
    }

    /** {@code --conf spark.ratelab.warmUpRuns}: a number of runs, 0 or more, or a refusal that names the key. */
    @Test
    void warmUpRunsIsANumberOfRuns() {
        assertEquals(1000, GridJob.warmUpRuns("1000"));
        assertEquals(0, GridJob.warmUpRuns(" 0 "));
        for (String bad : List.of("abc", "-1", "1e3", "")) {
            UsageException e = org.junit.jupiter.api.Assertions.assertThrows(UsageException.class,
                    () -> GridJob.warmUpRuns(bad));
            assertEquals("--conf spark.ratelab.warmUpRuns=" + bad + ": not a number of runs (0 or more)",
                    e.getMessage());
        }
    }

    /**
     * The analysis's JIT warm-up reads a committed batch and leaves nothing behind: {@link BatchAnalysis#warmUp}
     * deletes its scratch directory and changes no file of the output, and a job that warms up while it trains
     * (forced for 32 runs) derives the same tables, value for value, as one that does not.
     */
    @Test
    void theAnalysisWarmUpChangesNothing() throws Exception {
        SparkSession spark = SparkTestSession.get();
        Plan plan = Planner.plan(SpecLoader.load(TestSpecs.write(dir, "s.yaml", SPEC), "default"));
        OutputDir cold = job(spark, plan, "cold", 7);
        List<Path> before;
        try (Stream<Path> s = Files.walk(dir.resolve("cold"))) {
            before = s.sorted().toList();
        }
        org.apache.hadoop.fs.Path scratch = cold.staging().dir();
        org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
        assertTrue(BatchAnalysis.warmUp(cold, scratch, plan, GridJob.Analysis.of(plan).fit(), true, conf));
        assertFalse(scratch.getFileSystem(conf).exists(scratch));
        try (Stream<Path> s = Files.walk(dir.resolve("cold"))) {
            List<Path> after = s.filter(p -> !p.startsWith(dir.resolve("cold").resolve("_staging"))).sorted().toList();
            assertEquals(before, after);
        }
        OutputDir empty = OutputDir.of(dir.resolve("empty").toString(), conf);
        empty.create("{}");
        assertFalse(BatchAnalysis.warmUp(empty, empty.staging().dir(), plan, GridJob.Analysis.of(plan).fit(), true,
                conf), "no committed batch: nothing to warm up on");

        spark.conf().set(GridJob.WARM_UP_RUNS_CONF, "1");
        OutputDir warm;
        try {
            warm = job(spark, plan, "warm", 7);
        } finally {
            spark.conf().unset(GridJob.WARM_UP_RUNS_CONF);
        }
        assertFalse(Files.exists(dir.resolve("warm").resolve("_staging")));
        for (String t : List.of("runs", "rates", "laws", "summaries", "bounds", "checks")) {
            // the runs differ in their wall times only
            List<String> c = GridJobTest.sortedRows(spark.read().parquet(cold.table(t)).drop("wall_ms"));
            List<String> w = GridJobTest.sortedRows(spark.read().parquet(warm.table(t)).drop("wall_ms"));
            if (!t.equals("bounds")) assertFalse(c.isEmpty(), t + " empty");   // no bound for this model
            assertEquals(c, w, t + " differ with the warm-up");
        }
    }

    @Test
    void intervalsDoNotDependOnBatchesFilesOrShufflePartitions() throws Exception {
        SparkSession spark = SparkTestSession.get();
        Plan plan = Planner.plan(SpecLoader.load(TestSpecs.write(dir, "s.yaml", SPEC), "default"));
        OutputDir many = job(spark, plan, "many", 3);
        OutputDir one = job(spark, plan, "one", 1000);
        assertEquals(11, many.committedBatches().size());
        assertEquals(1, one.committedBatches().size());
        List<String> summaries = LocalAnalysisTest.rows(spark, one.table("summaries"));
        List<String> checks = LocalAnalysisTest.rows(spark, one.table("checks"));
        assertEquals(summaries, LocalAnalysisTest.rows(spark, many.table("summaries")), "batched in 1 or 11");
        assertEquals(checks, LocalAnalysisTest.rows(spark, many.table("checks")), "batched in 1 or 11");
        // the queries, without adaptive execution's coalescing, over 1 or 7 shuffle partitions: each reducer sees
        // the rates in another order, and the intervals are the same
        GridJob.Analysis analysis = GridJob.Analysis.of(plan);
        for (Map.Entry<String, String> layout : Map.of("1", "one partition", "7", "seven partitions").entrySet()) {
            spark.conf().set("spark.sql.adaptive.enabled", "false");
            spark.conf().set("spark.sql.shuffle.partitions", layout.getKey());
            OutputDir.Staging s = many.staging();
            try {
                GridJob.derive(spark, plan, analysis, many, s, x -> { }, GridJob.Engine.SQL);
                assertEquals(summaries, LocalAnalysisTest.rows(spark, s.table("summaries")), layout.getValue());
                assertEquals(checks, LocalAnalysisTest.rows(spark, s.table("checks")), layout.getValue());
            } finally {
                spark.conf().unset("spark.sql.adaptive.enabled");
                spark.conf().unset("spark.sql.shuffle.partitions");
                s.discard();
            }
        }
        // and the intervals are intervals: a summary of eight values has one that is not a point
        Row r = spark.read().parquet(one.table("summaries")).where("metric = 'loss' AND kind = 'power' AND n_values = 8")
                .select("ci_low", "ci_high").first();
        assertTrue(r.getDouble(0) < r.getDouble(1), r.toString());
    }
}
