package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.SparkTestSession;
import org.ratelab.TestSpecs;
import org.ratelab.grid.Plan;
import org.ratelab.grid.Planner;
import org.ratelab.spec.SpecLoader;
import org.ratelab.table.OutputDir;
import org.ratelab.table.Schemas;
import org.ratelab.train.RunResult;

/**
 * Runs trained on the driver while Spark starts ({@link HeadStart}) are committed as the job's first batch and
 * not trained again; every table equals that of the same job trained by Spark alone, value for value.
 */
class HeadStartTest {
    @TempDir Path dir;

    @Test
    void theCheapestRunsGoFirstTiesInPlanOrderAndNoneOverTheLimit() throws Exception {
        Plan plan = Planner.plan(SpecLoader.load(TestSpecs.write(dir, "s.yaml", TestSpecs.SMALL), "default"));
        int n = plan.runs().size();
        double[] cost = IntStream.range(0, n).mapToDouble(plan::cost).toArray();
        double[] sorted = cost.clone();
        java.util.Arrays.sort(sorted);
        for (double limit : new double[] {Double.MAX_VALUE, sorted[n / 2], sorted[0] / 2}) {
            for (int k : new int[] {1, 3, n, n + 5}) {
                int[] want = IntStream.range(0, n).boxed().filter(i -> cost[i] <= limit)
                        .sorted(Comparator.<Integer>comparingDouble(i -> cost[i]).thenComparingInt(i -> i))
                        .limit(k).mapToInt(Integer::intValue).toArray();
                assertArrayEquals(want, HeadStart.cheapest(plan, k, limit), "k=" + k + " limit=" + limit);
            }
        }
        assertEquals(0, HeadStart.cheapest(plan, n, sorted[0] / 2).length);
        assertEquals(Math.min(3, n), HeadStart.cheapest(plan, 3, Double.MAX_VALUE).length);
    }

    @Test
    void trainingStopsWhenAskedAndAtMaxRuns() throws Exception {
        Plan plan = Planner.plan(SpecLoader.load(TestSpecs.write(dir, "s.yaml", TestSpecs.SMALL), "default"));
        assertEquals(0, HeadStart.train(plan, 5, null, () -> true).size());
        int[] asked = {0};
        List<RunResult> two = HeadStart.train(plan, 5, null, () -> asked[0]++ >= 3);  // asked first, then per run
        assertEquals(2, two.size());
        assertEquals(3, HeadStart.train(plan, 3, "bundled", () -> false).size());
        // the curve-point budget: no run starts once the results hold more points than it allows
        List<RunResult> one = HeadStart.train(plan, 5, 0, null, () -> false);
        assertEquals(1, one.size());
        assertTrue(one.get(0).curve().size() > 0);
        long firstTwo = HeadStart.train(plan, 2, Long.MAX_VALUE, null, () -> false).stream()
                .mapToLong(r -> r.curve().size()).sum();
        assertEquals(3, HeadStart.train(plan, 5, firstTwo, null, () -> false).size());
        assertEquals(2, HeadStart.train(plan, 5, firstTwo - 1, null, () -> false).size());
        int[] cheapest = HeadStart.cheapest(plan, 2, HeadStart.MAX_RUN_SECONDS * PlanCommand.ASSUMED_FLOPS_PER_CORE);
        assertEquals(cheapest[0], two.get(0).config().index());
        assertEquals(cheapest[1], two.get(1).config().index());
    }

    @Test
    void aHeadStartIsTheFirstBatchAndTheTablesAreThoseOfSparkAlone() throws Exception {
        SparkSession spark = SparkTestSession.get();
        // a grid with laws (two widths), and a library spec with checks
        List<Plan> plans = List.of(
                Planner.plan(SpecLoader.load(TestSpecs.write(dir, "s.yaml", TestSpecs.SMALL), "default")),
                Planner.plan(SpecLoader.load(Path.of("conf/experiments/gd-pl-linear-rate.yaml"), "smoke")));
        for (Plan plan : plans) {
            // the first through Spark's analysis queries (whose row order follows the files, which the head
            // start changes), the second through the driver's (LocalAnalysis)
            boolean sparkAnalysis = plan == plans.get(0);
            if (sparkAnalysis) spark.conf().set("spark.ratelab.localAnalysis", "false");
            try {
                compareWithSparkAlone(spark, plan);
            } finally {
                spark.conf().unset("spark.ratelab.localAnalysis");
            }
        }
    }

    private void compareWithSparkAlone(SparkSession spark, Plan plan) throws Exception {
        int n = plan.runs().size();
        int k = Math.max(1, n / 2);
        List<RunResult> head = HeadStart.train(plan, k, null, () -> false);
        assertEquals(k, head.size());

        OutputDir plain = OutputDir.of(dir.resolve(plan.spec().name() + "-spark").toString(),
                spark.sparkContext().hadoopConfiguration());
        plain.create("{}");
        GridJob.Summary a = GridJob.execute(spark, plan, plain, null, GridJob.Options.of(2));

        OutputDir started = OutputDir.of(dir.resolve(plan.spec().name() + "-head").toString(),
                spark.sparkContext().hadoopConfiguration());
        started.create("{}");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        GridJob.Summary b = GridJob.execute(spark, plan, started,
                new PrintStream(progress, true, StandardCharsets.UTF_8), GridJob.Options.of(2), head);

        assertEquals(a.batches() + 1, b.batches(), "the head start is a batch of its own");
        assertEquals(a.statusCounts(), b.statusCounts());
        assertEquals(a.checks(), b.checks());
        assertEquals(a.checksFailed(), b.checksFailed());
        String last = progress.toString(StandardCharsets.UTF_8).strip();
        assertTrue(last.lines().reduce((x, y) -> y).orElse("")
                .startsWith("ratelab: runs " + n + "/" + n + " (100%)"), last);

        // batch 0 holds exactly the head start's runs, and the trained runs are each committed once
        Path batches = dir.resolve(plan.spec().name() + "-head").resolve(OutputDir.BATCHES);
        List<Path> names = new ArrayList<>();
        try (var s = Files.list(batches)) {
            s.filter(Files::isDirectory).sorted().forEach(names::add);
        }
        assertEquals(b.batches(), names.size());
        assertTrue(names.get(0).getFileName().toString().endsWith("-00000"), names.toString());
        Set<String> headIds = new TreeSet<>();
        for (RunResult r : head) headIds.add(r.config().runId());
        assertEquals(headIds, new TreeSet<>(Files.readAllLines(names.get(0).resolve(OutputDir.RUN_IDS))));
        int committed = 0;
        for (Path p : names) committed += Files.readAllLines(p.resolve(OutputDir.RUN_IDS)).size();
        assertEquals(n, committed);

        for (String t : new String[] {"runs", "curves", "rates", "laws", "summaries", "bounds", "checks"}) {
            assertEquals(GridJobTest.sortedRows(Schemas.read(spark, t, plain.table(t))),
                    GridJobTest.sortedRows(Schemas.read(spark, t, started.table(t))), t + " of " + plan.spec().name());
        }
    }

    @Test
    void onlyTheOneJvmLocalModeTrainsOnTheDriver() {
        for (String m : new String[] {"local", "local[1]", "local[*]", "local[2,3]"}) assertTrue(HeadStart.inProcess(m), m);
        for (String m : new String[] {"local-cluster[2,1,1024]", "spark://127.0.0.1:7077", "yarn", "k8s://x", "localhost"}) {
            assertTrue(!HeadStart.inProcess(m), m);
        }
    }

    @Test
    void aHeadStartDoesNotResume() throws Exception {
        SparkSession spark = SparkTestSession.get();
        Plan plan = Planner.plan(SpecLoader.load(TestSpecs.write(dir, "s.yaml", TestSpecs.SMALL), "default"));
        List<RunResult> head = HeadStart.train(plan, 1, null, () -> false);
        OutputDir out = OutputDir.of(dir.resolve("r").toString(), spark.sparkContext().hadoopConfiguration());
        assertThrows(IllegalArgumentException.class, () -> GridJob.execute(spark, plan, out, null,
                new GridJob.Options(2, true, 0), head));
    }
}
