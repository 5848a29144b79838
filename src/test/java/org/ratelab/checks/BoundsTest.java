package org.ratelab.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.SparkTestSession;
import org.ratelab.TestSpecs;
import org.ratelab.grid.Planner;
import org.ratelab.job.GridJob;
import org.ratelab.spec.SpecLoader;
import org.ratelab.table.OutputDir;

/**
 * Theory bounds against closed forms: GD at η = 1/L on a quadratic with κ = 100 contracts by exactly
 * (1 − 1/κ)² = 0.9801 per step on its slowest direction, under the PL bound 1 − μ/L = 0.99 (THEORY.md); at
 * η = 1.5/L the bound is 1 − 2μη(1 − Lη/2) = 0.985. Robbins–Monro runs are compared with −q.
 */
class BoundsTest {
    static final String SPEC = """
            experiment: bounds
            data: {kind: none}
            model: {kind: quadratic, dim: 2, kappa: 100, smoothness: 1.0}
            train: {steps: 600, record: {every: 5}}
            optimizers:
              - {name: gd, grid: {optimizer.lr: [1.0, 1.5]}}
              - {name: sgd, lr: 0.5, batch_size: 1, schedule: {kind: robbins_monro, q: 0.5, n0: 10}}
            grid:
              seed: [1, 2]
            checks:
              - name: pl-bound
                bound: {kind: pl_rate}
                expect: {min: 1.0}
              - name: pl-bound-wrongly-tight
                bound: {kind: pl_rate}
                where: {optimizer.lr: 1.0}
                expect: {max: 0.0}
            """;

    @TempDir static Path dir;
    static SparkSession spark;
    static OutputDir out;

    @BeforeAll
    static void run() throws Exception {
        spark = SparkTestSession.get();
        Path spec = TestSpecs.write(dir, "bounds.yaml", SPEC);
        out = OutputDir.of(dir.resolve("out").toString(), new Configuration());
        out.create("{}");
        GridJob.execute(spark, Planner.plan(SpecLoader.load(spec, "default")), out, 2);
    }

    @Test
    void plRateBoundAgainstTheClosedForm() {
        List<Row> rows = spark.read().parquet(out.table("bounds")).where("bound = 'pl_rate'")
                .join(spark.read().parquet(out.table("runs")).select("run_id", "lr"), "run_id")
                .orderBy("lr", "run_id").collectAsList();
        assertEquals(4, rows.size(), "GD runs at two step sizes x two seeds; SGD has no PL bound");
        for (Row r : rows) {
            double lr = r.getDouble(r.fieldIndex("lr"));
            double predicted = r.getDouble(r.fieldIndex("predicted"));
            double observed = r.getDouble(r.fieldIndex("observed"));
            double mu = 0.01;
            assertEquals(1 - 2 * mu * lr * (1 - lr / 2), predicted, 1e-12);
            double exact = lr == 1.0 ? Math.pow(1 - 1.0 / 100, 2) : Math.pow(1 - 1.5 / 100, 2);
            // at eta = 1/L the fast direction vanishes after one step: the curve is exactly geometric
            assertEquals(exact, observed, lr == 1.0 ? 1e-9 : 1e-4, "slowest-direction contraction (1 - eta mu)^2");
            assertTrue(r.getBoolean(r.fieldIndex("holds")));
            assertEquals(predicted - observed, r.getDouble(r.fieldIndex("slack")), 1e-12);
            assertTrue(r.getString(r.fieldIndex("detail")).contains("closed form"));
        }
    }

    @Test
    void robbinsMonroRowsCarryTheirPrediction() {
        List<Row> rm = spark.read().parquet(out.table("bounds")).where("bound = 'robbins_monro'").collectAsList();
        assertEquals(2, rm.size());
        for (Row r : rm) assertEquals(-0.5, r.getDouble(r.fieldIndex("predicted")));
    }

    @Test
    void boundChecksCountTheRunsWhereTheBoundHolds() {
        List<Row> checks = spark.read().parquet(out.table("checks")).orderBy("check").collectAsList();
        Row ok = checks.get(0);
        Row wrong = checks.get(1);
        assertEquals("pl-bound", ok.getString(ok.fieldIndex("check")));
        assertEquals(1.0, ok.getDouble(ok.fieldIndex("observed")));
        assertEquals(4L, ok.getLong(ok.fieldIndex("n_runs")));
        assertTrue(ok.getBoolean(ok.fieldIndex("passed")));
        assertFalse(wrong.getBoolean(wrong.fieldIndex("passed")), "a deliberately wrong prediction fails");
        assertTrue(wrong.getString(wrong.fieldIndex("detail")).contains("holds in 2 of 2 runs"),
                wrong.getString(wrong.fieldIndex("detail")));
    }

    @Test
    void anLuSigmaAddsInjectedMlNoiseToTheMinibatchPart() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
        var ml = m.readTree("{\"noise\": {\"kind\": \"ml\", \"scale\": 2.5}}");
        var sgd = m.readTree("{\"batch_size\": 8}");
        assertEquals(2.5, Bounds.annLuSigma(Double.NaN, "gd", ml, "ml"), 0, "full batch: only the injected scale");
        assertEquals(3.0, Bounds.annLuSigma(0.5, "gd", ml, "ml"), 0);
        assertEquals(0.0, Bounds.annLuSigma(Double.NaN, "gd", sgd, "none"), 0);
        assertTrue(Double.isNaN(Bounds.annLuSigma(Double.NaN, "sgd", sgd, "none")), "minibatch part unmeasured");
        assertEquals(0.7, Bounds.annLuSigma(0.7, "sgd", sgd, "none"), 0);
        assertTrue(Double.isNaN(Bounds.annLuSigma(0.0, "gd", ml, "gaussian")), "not Assumption 4 noise");
    }
    /**
     * The optimizer object the bounds read from a run's config_json is the one a whole-tree parse gives:
     * nested values before it, a missing optimizer, a non-object one, a duplicate key (the last wins), an
     * "optimizer" below the top level (not taken), and JSON that is not an object.
     */
    @Test
    void theOptimizerOfAConfigIsTheWholeTreesOne() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        String[] configs = {
            "{\"data\":{\"n\":128,\"x\":[1,2.5e-3,{\"a\":null}]},\"optimizer\":{\"name\":\"sgd\",\"lr\":0.1,"
                + "\"schedule\":{\"kind\":\"robbins_monro\",\"q\":0.75},\"noise\":{\"kind\":\"ml\",\"scale\":0.5}},\"seed\":3}",
            "{\"optimizer\":{\"name\":\"gd\",\"batch_size\":0,\"momentum\":0.0}}",
            "{\"model\":{\"kind\":\"mlp\"}}",
            "{\"optimizer\":\"adam\"}",
            "{\"a\":1,\"optimizer\":{\"x\":1},\"optimizer\":{\"x\":2}}",
            "{\"data\":{\"optimizer\":{\"nested\":true}},\"optimizer\":{\"lr\":1e-3}}",
            "{}",
            "[1,2]",
        };
        for (String c : configs) {
            assertEquals(json.readTree(c).path("optimizer"), Bounds.optimizerOf(c), c);
        }
        assertEquals(2, Bounds.optimizerOf(configs[4]).path("x").asInt());
        assertTrue(Bounds.optimizerOf(configs[2]).isMissingNode());
    }
}
