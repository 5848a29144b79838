package org.ratelab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.SparkTestSession;
import org.ratelab.checks.CheckSpec;
import org.ratelab.grid.Plan;
import org.ratelab.grid.Planner;
import org.ratelab.job.GridJob;
import org.ratelab.spec.ExperimentSpec;
import org.ratelab.spec.SpecLoader;
import org.ratelab.table.OutputDir;

/**
 * The experiment library (issue #7): every {@code conf/experiments/*.yaml} plans with each profile (smoke,
 * default, large), names its THEORY.md claim and seed reference, and its smoke profile runs end to end on the
 * shared session, writing one runs row per planned run and at least one checks row per declared check (law
 * checks that span several groups write one row per group), and its derived tables are the same when computed
 * on the driver and by Spark queries (LocalAnalysisTest). Verdicts are not asserted here: the smoke profile
 * is too small for them; the default profile is what must pass (jobs/reproduce-all).
 */
class ExperimentLibraryTest {
    static final Path LIBRARY = Path.of("conf", "experiments");
    static final List<String> PROFILES = List.of("smoke", "default", "large");

    @TempDir static Path dir;
    /** The smoke outputs whose derived tables both engines computed alike (LocalAnalysisTest). */
    static final AtomicInteger COMPARED = new AtomicInteger();

    @AfterAll
    static void mostSmokeOutputsWereDerivedByBothEngines() {
        assertTrue(COMPARED.get() >= 15, "only " + COMPARED.get() + " smoke outputs were small enough for the "
                + "local analysis");
    }

    static List<Path> specs() throws IOException {
        try (Stream<Path> s = Files.list(LIBRARY)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everySpecPlansWithEveryProfile() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path spec : specs()) {
            for (String profile : PROFILES) {
                tests.add(DynamicTest.dynamicTest(spec.getFileName() + " @" + profile, () -> {
                    ExperimentSpec s = SpecLoader.load(spec, profile);
                    Plan plan = Planner.plan(s);
                    assertFalse(plan.runs().isEmpty(), "no runs");
                    if (!spec.getFileName().toString().equals("quickstart.yaml")) {
                        assertTrue(s.claim() >= 1 && s.claim() <= 18, "claim " + s.claim());
                        assertFalse(s.reference() == null || s.reference().isBlank(), "reference");
                        assertFalse(CheckSpec.parseAll(s.sections().get("checks")).isEmpty(), "no checks");
                    }
                    org.ratelab.job.GridJob.Analysis.of(plan); // checks and fits validated against the plan
                }));
            }
        }
        return tests.stream();
    }

    @org.junit.jupiter.api.Test
    void everyClaimOfTheoryHasASpec() throws IOException {
        java.util.Set<Integer> claims = new java.util.TreeSet<>();
        for (Path spec : specs()) {
            if (spec.getFileName().toString().equals("quickstart.yaml")) continue;
            claims.add(SpecLoader.load(spec, "default").claim());
        }
        java.util.Set<Integer> all = new java.util.TreeSet<>();
        for (int c = 1; c <= 18; c++) all.add(c);
        assertEquals(all, claims, "THEORY.md claims 1-18 each need a spec in conf/experiments");
    }

    @TestFactory
    Stream<DynamicTest> everySmokeProfileRunsAndWritesItsChecks() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path spec : specs()) {
            tests.add(DynamicTest.dynamicTest(spec.getFileName() + " smoke run", () -> {
                SparkSession spark = SparkTestSession.get();
                Plan plan = Planner.plan(SpecLoader.load(spec, "smoke"));
                String name = spec.getFileName().toString().replace(".yaml", "");
                OutputDir out = OutputDir.of(dir.resolve(name).toString(), new Configuration());
                out.create("{}");
                GridJob.execute(spark, plan, out, 0);

                Set<String> planned = new TreeSet<>();
                plan.runs().forEach(r -> planned.add(r.runId()));
                Set<String> written = new TreeSet<>(spark.read().parquet(out.table("runs")).select("run_id")
                        .as(Encoders.STRING()).collectAsList());
                assertEquals(planned, written, "runs rows = planned runs");
                if (org.ratelab.job.LocalAnalysisTest.assertEnginesAgree(spark, plan, out)) COMPARED.incrementAndGet();

                List<CheckSpec> declared = CheckSpec.parseAll(plan.spec().sections().get("checks"));
                if (declared.isEmpty()) return; // quickstart: a demo without verdicts
                List<Row> rows = spark.read().parquet(out.table("checks")).select("check").collectAsList();
                assertTrue(rows.size() >= declared.size(), rows.size() + " checks rows < " + declared.size());
                Set<String> names = new TreeSet<>();
                rows.forEach(r -> names.add(r.getString(0)));
                for (CheckSpec c : declared) assertTrue(names.contains(c.name()), "no checks row for " + c.name());
                assertEquals(declared.size(), names.size(), "checks rows name only declared checks: " + names);
            }));
        }
        return tests.stream();
    }
}
