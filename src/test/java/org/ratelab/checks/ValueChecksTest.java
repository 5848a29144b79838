package org.ratelab.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ratelab.SparkTestSession;
import org.ratelab.fits.FitSpec;
import org.ratelab.spec.SpecException;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code value:} checks, {@code fraction: {metric, …}} checks and value sides of a compare, on hand-built
 * runs, curves and rates tables whose per-run numbers are known exactly.
 */
class ValueChecksTest {
    static SparkSession spark;
    static Dataset<Row> runs;
    static Dataset<Row> curves;
    static Dataset<Row> rates;

    // four runs: lr 0.5, 0.5, 1.0, 1.0; L_hat 3, 4, 1.9, null
    static final String[] IDS = {"r1", "r2", "r3", "r4"};
    static final double[] LR = {0.5, 0.5, 1.0, 1.0};
    static final Double[] L_HAT = {3.0, 4.0, 1.9, null};
    // hess_min_eig along steps 0, 10, 20 (NaN where a probe broke down): min -0.2, 0.1, -1, none measured
    static final double[][] HESS_MIN = {{0.3, -0.2, Double.NaN}, {0.5, 0.2, 0.1}, {-1.0, 0.0, 0.4}, {}};

    @BeforeAll
    static void tables() {
        spark = SparkTestSession.get();
        StructType runSchema = new StructType().add("run_id", DataTypes.StringType).add("status", DataTypes.StringType)
                .add("config_json", DataTypes.StringType).add("L_hat", DataTypes.DoubleType);
        List<Row> rr = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            rr.add(RowFactory.create(IDS[i], i == 3 ? "diverged" : "converged",
                    "{\"optimizer\":{\"name\":\"" + (i < 2 ? "gd" : "adam") + "\",\"lr\":" + LR[i] + "}}", L_HAT[i]));
        }
        runs = spark.createDataFrame(rr, runSchema);
        StructType curveSchema = new StructType().add("run_id", DataTypes.StringType).add("step", DataTypes.LongType)
                .add("hess_min_eig", DataTypes.DoubleType).add("sharpness", DataTypes.DoubleType);
        List<Row> cr = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            for (int k = 0; k < HESS_MIN[i].length; k++) {
                cr.add(RowFactory.create(IDS[i], 10L * k, HESS_MIN[i][k], 1.0 + i + k));
            }
        }
        curves = spark.createDataFrame(cr, curveSchema);
        StructType rateSchema = new StructType().add("run_id", DataTypes.StringType).add("metric", DataTypes.StringType)
                .add("kind", DataTypes.StringType).add("eps", DataTypes.DoubleType).add("value", DataTypes.DoubleType);
        rates = spark.createDataFrame(List.of(
                RowFactory.create("r1", "loss", "linear", null, 0.9),
                RowFactory.create("r2", "loss", "linear", null, 0.8),
                RowFactory.create("r3", "loss", "linear", null, 0.5),
                RowFactory.create("r1", "loss", "steps_to_eps", 1e-4, 120.0)), rateSchema);
    }

    static Map<String, Row> run(String yaml) {
        List<CheckSpec> cs = CheckSpec.parseAll(new Yaml().load(yaml));
        Map<String, Row> out = new HashMap<>();
        for (Row r : Checks.compute(spark, "x", cs, runs, rates, curves, null, FitSpec.DEFAULT, null).collectAsList()) {
            out.put(r.getString(1), r);
        }
        return out;
    }

    static double observed(Row r) {
        return r.getDouble(r.fieldIndex("observed"));
    }

    @Test
    void valueStatisticsOverRunColumnsCurvesAndRates() {
        Map<String, Row> c = run("""
                - {name: lhat-max, value: {metric: L_hat, stat: max}, expect: {at_most: 5}}
                - {name: lhat-min, value: {metric: L_hat, stat: min}, expect: {at_least: 2}}
                - {name: lhat-mean, value: {metric: L_hat, stat: mean}, expect: {at_least: 0}}
                - {name: lhat-median-gd, value: {metric: L_hat}, where: {optimizer.name: gd}, expect: {max: 4}}
                - {name: eta-lhat, value: {metric: L_hat, times: optimizer.lr, stat: max}, expect: {at_most: 2}}
                - {name: hess-min, value: {metric: hess_min_eig.min, stat: min}, expect: {at_most: 0}}
                - {name: hess-min-median, value: {metric: hess_min_eig.min}, expect: {at_most: 0}}
                - {name: hess-first, value: {metric: hess_min_eig.first, stat: max}, expect: {at_most: 1}}
                - {name: hess-final, value: {metric: hess_min_eig.final, stat: min}, expect: {at_most: 1}}
                - {name: sharp-at, value: {metric: sharpness.at_step@15, stat: max}, expect: {at_most: 10}}
                - {name: gap, value: {metric: loss.linear_gap, stat: max}, expect: {at_most: 1}}
                - {name: steps, value: {metric: loss.steps_to_eps@1.0E-4}, expect: {value: 120, tolerance: 0}}
                """);
        assertEquals(4.0, observed(c.get("lhat-max")), 0);
        assertTrue(c.get("lhat-max").getBoolean(6));
        assertEquals(1.9, observed(c.get("lhat-min")), 0);
        assertFalse(c.get("lhat-min").getBoolean(6), "1.9 < 2 must fail");
        assertEquals((3 + 4 + 1.9) / 3, observed(c.get("lhat-mean")), 1e-15);
        assertEquals(3.5, observed(c.get("lhat-median-gd")), 0);
        assertEquals(2.0, observed(c.get("eta-lhat")), 1e-15); // max(1.5, 2.0, 1.9)
        assertTrue(c.get("eta-lhat").getBoolean(6));
        assertEquals(-1.0, observed(c.get("hess-min")), 0);
        assertEquals(-0.2, observed(c.get("hess-min-median")), 1e-15); // median of -0.2, 0.1, -1 (NaN skipped)
        assertEquals(0.5, observed(c.get("hess-first")), 0);
        assertEquals(0.1, observed(c.get("hess-final")), 1e-15); // finals: NaN (dropped), 0.1, 0.4
        assertEquals(4.0, observed(c.get("sharp-at")), 0); // run 3 at step 10: 1 + 2 + 1
        assertEquals(0.5, observed(c.get("gap")), 1e-15);
        assertEquals(120.0, observed(c.get("steps")), 0);
        assertTrue(c.get("steps").getBoolean(6));
    }

    @Test
    void fractionOfRunsSatisfyingAComparison() {
        Map<String, Row> c = run("""
                - {name: negative-curvature, fraction: {metric: hess_min_eig.min, below: 0}, expect: {at_least: 0.5}}
                - {name: eta-lhat-below-2, fraction: {metric: L_hat, times: optimizer.lr, at_most: 2}, expect: {min: 1}}
                - {name: lhat-above, fraction: {metric: L_hat, above: 3}, where: {optimizer.name: gd}, expect: {at_least: 0.5}}
                """);
        // runs 1 and 3 of 4 have a negative min; run 4 has no measurement and counts as not satisfying
        assertEquals(0.5, observed(c.get("negative-curvature")), 0);
        assertTrue(c.get("negative-curvature").getBoolean(6));
        assertEquals(3 / 4.0, observed(c.get("eta-lhat-below-2")), 0);
        assertFalse(c.get("eta-lhat-below-2").getBoolean(6));
        assertEquals(0.5, observed(c.get("lhat-above")), 0);
        double lo = c.get("negative-curvature").getDouble(4);
        double hi = c.get("negative-curvature").getDouble(5);
        double[] w = Checks.wilson(2, 4);
        assertEquals(w[0], lo, 0);
        assertEquals(w[1], hi, 0);
    }

    @Test
    void compareTakesValueSides() {
        Map<String, Row> c = run("""
                - name: adam-sharper
                  compare:
                    left: {value: {metric: sharpness.final}, where: {optimizer.name: adam}}
                    right: {value: {metric: sharpness.final}, where: {optimizer.name: gd}}
                  expect: {at_least: 0}
                """);
        // adam: run 3 final sharpness 1+2+2 = 5 (run 4 has no curve); gd: finals 1+0+2 = 3 and 1+1+2 = 4, median 3.5
        assertEquals(1.5, observed(c.get("adam-sharper")), 1e-15);
    }

    @Test
    void badMetricsAreRefusedWithThePath() {
        SpecException e = assertThrows(SpecException.class, () -> CheckSpec.parseAll(new Yaml().load(
                "- {name: a, value: {metric: sharpnes.max}, expect: {at_most: 1}}")));
        assertTrue(e.getMessage().contains("checks[0].value.metric"), e.getMessage());
        assertTrue(e.getMessage().contains("not a curves metric"), e.getMessage());
        e = assertThrows(SpecException.class, () -> CheckSpec.parseAll(new Yaml().load(
                "- {name: a, value: {metric: loss.lineer}, expect: {at_most: 1}}")));
        assertTrue(e.getMessage().contains("neither a curve statistic"), e.getMessage());
        e = assertThrows(SpecException.class, () -> CheckSpec.parseAll(new Yaml().load(
                "- {name: a, fraction: {metric: L_hat}, expect: {at_most: 1}}")));
        assertTrue(e.getMessage().contains("needs one of below, above"), e.getMessage());
        e = assertThrows(SpecException.class, () -> CheckSpec.parseAll(new Yaml().load(
                "- {name: a, value: {metric: L_hat, stat: mode}, expect: {at_most: 1}}")));
        assertTrue(e.getMessage().contains("checks[0].value.stat"), e.getMessage());
        assertNull(RunValues.problem("loss.steps_to_eps@1.0E-8"));
        assertNull(RunValues.problem("ntk_rel_change.at_step@100"));
    }

    @Test
    void expectationsPrintAsWritten() {
        assertEquals("= 1 ± 0.1", CheckSpec.expect(node("value", 1.0, "tolerance", 0.1), "law").text());
        assertEquals("= -0.5 ± 0.1", CheckSpec.expect(node("value", -0.5, "tolerance", 0.1), "law").text());
        assertEquals(">= 5700 (lower bound)", CheckSpec.expect(node("at_least", 5700), "rate").text());
        assertEquals("<= 1.0E-12 (upper bound)", CheckSpec.expect(node("at_most", 1e-12), "rate").text());
        assertEquals("in [0.7, 1.3]", CheckSpec.expect(node("min", 0.7, "max", 1.3), "law").text());
        assertEquals(">= 0", CheckSpec.expect(node("min", 0.0), "law").text());
    }

    private static org.ratelab.spec.Node node(Object... kv) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return new org.ratelab.spec.Node("expect", m);
    }
}
