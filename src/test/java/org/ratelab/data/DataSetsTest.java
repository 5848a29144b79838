package org.ratelab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.spec.Node;
import org.ratelab.spec.SpecException;

class DataSetsTest {
    static Map<String, Object> spec(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    static DataSpec parse(Object... kv) {
        return DataSets.parse(new Node("data", spec(kv)));
    }

    static void roundTrip(DataSpec s) {
        assertEquals(s, DataSets.parse(new Node("data", new LinkedHashMap<>(s.canonical()))));
    }

    static double dot(double[] x, int i, int j, int d) {
        double s = 0;
        for (int k = 0; k < d; k++) s += x[i * d + k] * x[j * d + k];
        return s;
    }

    @Test
    void teacherStudentIsSeededAndKeepsItsDefaults() {
        DataSpec s = parse("kind", "teacher_student", "n", 20, "d", 3, "test_n", 5, "noise", 0.1);
        roundTrip(s);
        Dataset a = s.build(7);
        Dataset b = s.build(7);
        assertArrayEquals(a.x(), b.x());
        assertArrayEquals(a.y(), b.y());
        assertNotEquals(a.y()[0], s.build(8).y()[0]);
        assertEquals(5, a.nTest());
        // noise-free linear teacher: y = w*·x/√d exactly, so least squares interpolates (checked in model tests)
    }

    @Test
    void circleInputsHaveUnitNorm() {
        DataSpec s = parse("n", 50, "d", 2, "inputs", "circle", "teacher", "two_layer", "teacher_activation", "relu");
        roundTrip(s);
        Dataset ds = s.build(1);
        for (int i = 0; i < 50; i++) assertEquals(1.0, dot(ds.x(), i, i, 2), 1e-12);
        SpecException e = assertThrows(SpecException.class, () -> parse("d", 3, "inputs", "circle"));
        assertTrue(e.getMessage().contains("data.d"), e.getMessage());
    }

    @Test
    void orthogonalInputsAreOrthogonalWithNormSqrtD() {
        Dataset ds = parse("n", 6, "d", 10, "inputs", "orthogonal").build(3);
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 6; j++) assertEquals(i == j ? 10.0 : 0.0, dot(ds.x(), i, j, 10), 1e-10);
        }
        assertThrows(SpecException.class, () -> parse("n", 11, "d", 10, "inputs", "orthogonal"));
    }

    @Test
    void weaklyCorrelatedInputsNeedDAtLeastNSquared() {
        int n = 8;
        int d = 64;
        Dataset ds = parse("n", n, "d", d, "inputs", "weakly_correlated").build(5);
        double maxCos = 0;
        for (int i = 0; i < n; i++) {
            assertEquals(d, dot(ds.x(), i, i, d), 1e-9);
            for (int j = 0; j < i; j++) maxCos = Math.max(maxCos, Math.abs(dot(ds.x(), i, j, d)) / d);
        }
        // |cos| of independent directions has sd 1/√d = 1/n; 5 sd bounds all 28 pairs
        assertTrue(maxCos < 5.0 / Math.sqrt(d), "max cos " + maxCos);
        SpecException e = assertThrows(SpecException.class, () -> parse("n", 9, "d", 64, "inputs", "weakly_correlated"));
        assertTrue(e.getMessage().contains("n^2 = 81"), e.getMessage());
    }

    @Test
    void signLabelsArePlusMinusOne() {
        Dataset ds = parse("n", 40, "d", 4, "labels", "sign", "test_n", 10).build(2);
        for (double y : ds.y()) assertTrue(y == 1.0 || y == -1.0);
        for (double y : ds.yTest()) assertTrue(y == 1.0 || y == -1.0);
    }

    @Test
    void noneGivesPlaceholderSamples() {
        DataSpec s = parse("kind", "none", "n", 4);
        roundTrip(s);
        assertEquals(4, s.n());
        assertEquals(4, s.build(0).n());
    }

    @Test
    void csvLoaderSplitsAndStandardizes(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.csv");
        StringBuilder b = new StringBuilder("a,b,target\n");
        for (int i = 0; i < 10; i++) b.append(i).append(',').append(2 * i + 1).append(',').append(i % 3).append('\n');
        Files.writeString(f, b.toString());
        DataSpec s = parse("kind", "file", "path", f.toString(), "label", "target", "test_fraction", 0.2);
        roundTrip(s);
        assertEquals(8, s.n());
        assertEquals(2, s.d());
        Dataset ds = s.build(9);
        assertEquals(2, ds.nTest());
        for (int j = 0; j < 2; j++) {
            double m = 0;
            double v = 0;
            for (int i = 0; i < 8; i++) m += ds.x()[i * 2 + j] / 8;
            for (int i = 0; i < 8; i++) v += Math.pow(ds.x()[i * 2 + j] - m, 2) / 8;
            assertEquals(0.0, m, 1e-12);
            assertEquals(1.0, v, 1e-12);
        }
        // the label travels with its row: b = 2a + 1 before standardization, so the standardized features agree
        for (int i = 0; i < 8; i++) assertEquals(ds.x()[i * 2], ds.x()[i * 2 + 1], 1e-12);
        SpecException e = assertThrows(SpecException.class,
                () -> parse("kind", "file", "path", f.toString(), "label", "nope"));
        assertTrue(e.getMessage().contains("data.label") && e.getMessage().contains("[a, b, target]"), e.getMessage());
        assertThrows(SpecException.class, () -> parse("kind", "file", "path", dir.resolve("missing.csv").toString()));
        assertThrows(SpecException.class,
                () -> parse("kind", "file", "path", f.toString(), "task", "binary"));
    }

    @Test
    void parquetLoaderReadsNumericColumns(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.parquet");
        MessageType schema = MessageTypeParser.parseMessageType(
                "message t { required double x1; required int32 x2; required int64 y; }");
        Configuration conf = new Configuration();
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new org.apache.hadoop.fs.Path(f.toUri()))
                .withType(schema).withConf(conf).build()) {
            SimpleGroupFactory g = new SimpleGroupFactory(schema);
            for (int i = 0; i < 5; i++) w.write(g.newGroup().append("x1", 0.5 * i).append("x2", i).append("y", (long) (i % 2)));
        }
        DataSpec s = parse("kind", "file", "path", f.toString(), "label", "y", "task", "binary", "positive",
                List.of(1), "standardize", false, "test_fraction", 0.0);
        Dataset ds = s.build(1);
        assertEquals(5, ds.n());
        for (int i = 0; i < 5; i++) {
            double x1 = ds.x()[i * 2];
            assertEquals(2 * x1, ds.x()[i * 2 + 1], 1e-15);
            assertEquals(((int) Math.round(2 * x1)) % 2 == 1 ? 1.0 : -1.0, ds.y()[i]);
        }
    }

    @Test
    void digitsTasks() {
        DataSpec reg = parse("kind", "digits", "task", "regression");
        roundTrip(reg);
        assertEquals(64, reg.d());
        assertEquals(1797 - 359, reg.n());
        Dataset r = reg.build(4);
        assertEquals(359, r.nTest());
        DataSpec zo = parse("kind", "digits", "task", "zero_vs_one");
        // 178 zeros and 182 ones in sklearn's copy
        assertEquals(360 - 72, zo.n());
        Dataset z = zo.build(4);
        int pos = 0;
        for (double y : z.y()) pos += y == 1.0 ? 1 : 0;
        for (double y : z.yTest()) pos += y == 1.0 ? 1 : 0;
        assertEquals(178, pos);
        Dataset eo = parse("kind", "digits", "task", "even_odd", "test_fraction", 0.5).build(4);
        assertEquals(1797 - 899, eo.n());  // round(898.5) = 899 held out
    }
}
