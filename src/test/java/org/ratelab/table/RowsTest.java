package org.ratelab.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.TestSpecs;
import org.ratelab.grid.Planner;
import org.ratelab.probes.CurvePoint;
import org.ratelab.probes.Metrics;
import org.ratelab.spec.SpecLoader;
import org.ratelab.train.RunConfig;
import org.ratelab.train.RunResult;
import org.ratelab.train.Trainer;

/**
 * Rows written by column name are the rows the positional code wrote: the same values of the same classes in
 * the same order (so the same Parquet), for runs that converge, diverge and record every probe, per-layer maps
 * and particles; and a name the schema lacks or a column left unset fails.
 */
class RowsTest {
    static List<RunResult> results = new ArrayList<>();

    @BeforeAll
    static void train(@TempDir Path dir) {
        Path spec = TestSpecs.write(dir, "rows.yaml", """
                experiment: rows
                seed: 0
                data: {kind: teacher_student, n: 32, d: 2, teacher: two_layer, teacher_width: 3, test_n: 16}
                model: {kind: two_layer, activation: tanh, parameterization: meanfield, width: 8}
                train: {steps: 60, loss_threshold: 1.0e-3, record: {every: 5}}
                probes: {hessian: {enabled: true, every: 20}, ntk: {enabled: true, every: 30},
                         noise: {enabled: true, every: 30}, particles: {enabled: true, every: 20}}
                optimizers:
                  - {name: gd, lr: 0.5}
                  - {name: sgd, lr: 1.0e6, batch_size: 4}
                grid:
                  seed: [1, 2]
                """);
        for (RunConfig c : Planner.plan(SpecLoader.load(spec, null)).runs()) results.add(Trainer.train(c));
    }

    @Test
    void runRowsAreThePositionalOnes() {
        assertTrue(results.stream().anyMatch(r -> r.divergedStep() >= 0), "a diverged run");
        assertTrue(results.stream().anyMatch(r -> r.divergedStep() < 0), "a run that did not diverge");
        for (RunResult r : results) assertSame(positionalRun(r), Rows.run(r), Schemas.RUNS);
    }

    @Test
    void curveRowsAreThePositionalOnes() {
        boolean particles = false;
        boolean layers = false;
        for (RunResult r : results) {
            List<Row> want = positionalCurve(r);
            List<Row> got = Rows.curve(r);
            assertEquals(want.size(), got.size());
            for (int i = 0; i < want.size(); i++) assertSame(want.get(i), got.get(i), Schemas.CURVES);
            for (CurvePoint p : r.curve()) {
                particles |= p.particles() != null;
                layers |= p.layerDist() != null;
            }
        }
        assertTrue(particles && layers, "particles and per-layer maps were written");
    }

    @Test
    void unknownNamesAndUnsetColumnsFail() {
        StructType s = new StructType().add("a", DataTypes.IntegerType).add("b", DataTypes.StringType);
        RowWriter w = RowWriter.of(s);
        assertEquals(1, w.column("b"));
        assertThrows(IllegalArgumentException.class, () -> w.column("c"));
        assertThrows(IllegalArgumentException.class, () -> w.writer().set("c", 1));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.writer().set("a", 1).build());
        assertTrue(e.getMessage().contains("[b]"), e.getMessage());
        RowWriter.Writer one = w.writer();
        assertEquals(RowFactory.create(1, null), one.set("a", 1).set("b", null).build());
        // the next row starts blank
        assertThrows(IllegalStateException.class, one::build);
    }

    private static void assertSame(Row want, Row got, StructType schema) {
        assertEquals(schema.length(), got.length());
        for (int i = 0; i < want.length(); i++) {
            Object a = want.get(i);
            Object b = got.get(i);
            String col = schema.fieldNames()[i];
            if (a instanceof double[] da) {
                assertTrue(b instanceof double[] db && java.util.Arrays.equals(da, db), col);
            } else {
                assertEquals(a, b, col);
                assertEquals(a == null ? null : a.getClass(), b == null ? null : b.getClass(), col);
            }
        }
    }

    // ---------------------------------------------------------------- the positional code these rows replaced

    private static Row positionalRun(RunResult r) {
        RunConfig c = r.config();
        String axes;
        try {
            axes = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, false)
                    .writeValueAsString(c.axes());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return RowFactory.create(
                c.runId(), c.experiment(), c.model().kind(), c.optimizer().name(), c.model().width(), c.seed(),
                c.optimizer().lr(), c.optimizer().batchSize(), r.status().label(), r.steps(), r.oracleCalls(),
                nullIfNaN(r.finalLoss()), r.wallMs(), r.blas(), c.configJson(),
                c.index(), c.groupKey(), axes, c.n(), c.d(),
                nullIfNaN(r.initialLoss()), nullIfNaN(r.optimalLoss()),
                r.stepsToThreshold() < 0 ? null : r.stepsToThreshold(),
                r.divergedStep() < 0 ? null : r.divergedStep(),
                nullIfNaN(r.distInit()), nullIfNaN(r.relChange()), r.message(), c.cost(),
                nullIfNaN(r.probes().lHat()), nullIfNaN(r.probes().muHat()), nullIfNaN(r.probes().kappaHat()),
                r.probes().escapedStep() < 0 ? null : r.probes().escapedStep(), r.probes().notes(),
                nullIfNaN(r.constants().smoothness()), nullIfNaN(r.constants().plConstant()),
                r.constants().lrScale(), nullIfNaN(r.probes().minNormDist()));
    }

    private static List<Row> positionalCurve(RunResult r) {
        RunConfig c = r.config();
        List<Row> rows = new ArrayList<>(r.curve().size());
        int k = Metrics.count();
        for (CurvePoint p : r.curve()) {
            Object[] v = new Object[5 + k + 3];
            v[0] = c.runId();
            v[1] = c.experiment();
            v[2] = c.optimizer().name();
            v[3] = p.step();
            v[4] = p.oracleCalls();
            for (int i = 0; i < k; i++) v[5 + i] = p.has(i) ? p.get(i) : null;
            v[5 + k] = scalaMap(p.layerDist());
            v[6 + k] = scalaMap(p.layerRelChange());
            v[7 + k] = p.particles();
            rows.add(RowFactory.create(v));
        }
        return rows;
    }

    private static Object scalaMap(java.util.Map<String, Double> m) {
        return m == null ? null : scala.jdk.javaapi.CollectionConverters.asScala(m);
    }

    private static Double nullIfNaN(double d) {
        return Double.isNaN(d) ? null : d;
    }
}
