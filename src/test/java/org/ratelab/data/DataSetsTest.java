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

    /** Second moment (1/n) Σ_i x_ij x_ik of the training inputs: the input covariance (mean 0). */
    static double[][] secondMoment(Dataset ds) {
        int n = ds.n();
        int d = ds.d();
        double[][] c = new double[d][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                for (int k = 0; k < d; k++) c[j][k] += ds.x()[i * d + j] * ds.x()[i * d + k] / n;
            }
        }
        return c;
    }

    @Test
    void inputKappaSpacesTheCovarianceEigenvaluesFromOneDownToOneOverKappa() {
        int n = 20_000;
        int d = 8;
        double kappa = 100;
        DataSpec s = parse("n", n, "d", d, "input_kappa", kappa, "noise", 0.1, "test_n", 10);
        roundTrip(s);
        Dataset ds = s.build(3);
        double[][] c = secondMoment(ds);
        // the variance of a gaussian sample variance is 2σ⁴/n: 5 sd = 5·√(2/n) = 0.05 relative
        double tol = 5 * Math.sqrt(2.0 / n);
        assertEquals(1.0, c[0][0], tol);
        assertEquals(1.0 / kappa, c[d - 1][d - 1], tol / kappa);
        // the coordinates in between are geometric: variance of coordinate j is κ^(−j/(d−1))
        assertEquals(Math.pow(kappa, -3.0 / 7), c[3][3], tol * Math.pow(kappa, -3.0 / 7));
        double[] ev = new org.apache.commons.math3.linear.EigenDecomposition(
                new org.apache.commons.math3.linear.Array2DRowRealMatrix(c)).getRealEigenvalues();
        java.util.Arrays.sort(ev);
        // log λ_max and log λ_min each have sd about √(2/n); 5 sd of their difference is 5·√(4/n) = 0.07
        double ratio = ev[d - 1] / ev[0];
        assertEquals(Math.log(kappa), Math.log(ratio), 5 * Math.sqrt(4.0 / n), "condition number " + ratio);
        // the test split has the same law
        assertEquals(10 * d, ds.xTest().length);
    }

    @Test
    void inputKappaOneKeepsTheIsotropicDataBitForBit() {
        DataSpec dflt = parse("n", 50, "d", 6, "noise", 0.3, "test_n", 7);
        DataSpec one = parse("n", 50, "d", 6, "noise", 0.3, "test_n", 7, "input_kappa", 1);
        assertEquals(dflt, one);
        Dataset a = dflt.build(11);
        Dataset b = one.build(11);
        assertArrayEquals(a.x(), b.x());
        assertArrayEquals(a.y(), b.y());
        assertArrayEquals(a.xTest(), b.xTest());
        assertArrayEquals(a.yTest(), b.yTest());
        // hashes of the data built by the code from before input_kappa existed (commit 6ee442f), same spec and seed
        assertEquals(38518941, java.util.Arrays.hashCode(a.x()));
        assertEquals(-987461567, java.util.Arrays.hashCode(a.y()));
        assertEquals(1143947696, java.util.Arrays.hashCode(a.xTest()));
        assertEquals(328812791, java.util.Arrays.hashCode(a.yTest()));
        // run_ids hash the canonical form less input_kappa at 1, so specs that do not set it keep their run_id
        assertEquals(1.0, dflt.canonical().get("input_kappa"));
        assertTrue(!org.ratelab.spec.Canon.identity(dflt.canonical(), dflt).containsKey("input_kappa"));
        DataSpec ten = parse("n", 50, "d", 6, "input_kappa", 10);
        assertEquals(10.0, org.ratelab.spec.Canon.identity(ten.canonical(), ten).get("input_kappa"));
        assertNotEquals(a.x()[6 * 5 + 5], ten.build(11).x()[6 * 5 + 5]);
    }

    @Test
    void inputKappaBelowOneOrOnOtherInputsIsRefused() {
        for (Object bad : List.of(0.5, -1, 0)) {
            SpecException e = assertThrows(SpecException.class, () -> parse("d", 4, "input_kappa", bad));
            assertTrue(e.getMessage().contains("data.input_kappa") && e.getMessage().contains("must be >= 1"),
                    e.getMessage());
        }
        SpecException e = assertThrows(SpecException.class, () -> parse("d", 2, "inputs", "circle", "input_kappa", 10));
        assertTrue(e.getMessage().contains("data.input_kappa") && e.getMessage().contains("gaussian"), e.getMessage());
        assertThrows(SpecException.class, () -> parse("n", 4, "d", 10, "inputs", "orthogonal", "input_kappa", 2));
        e = assertThrows(SpecException.class, () -> parse("d", 1, "input_kappa", 10));
        assertTrue(e.getMessage().contains("data.input_kappa") && e.getMessage().contains("d >= 2"), e.getMessage());
        e = assertThrows(SpecException.class, () -> parse("d", 4, "input_kappa", "steep"));
        assertTrue(e.getMessage().contains("data.input_kappa"), e.getMessage());
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

    /**
     * {@code scale: 1/16} maps the pixels 0–16 to [0, 1] exactly (the raw pixels times 1/16, every one of
     * them), turns standardize off by default, and refuses standardize: true beside it; the default spec's
     * canonical identity has no scale (its run_ids stay as they were).
     */
    @Test
    void digitsScale() {
        DataSpec raw = parse("kind", "digits", "standardize", false);
        DataSpec sixteenth = parse("kind", "digits", "scale", "1/16");
        roundTrip(sixteenth);
        assertEquals(0.0625, ((DigitsSpec) sixteenth).scale());
        assertEquals(false, ((DigitsSpec) sixteenth).standardize());
        Dataset a = raw.build(7);
        Dataset b = sixteenth.build(7);
        double max = 0;
        for (int i = 0; i < a.x().length; i++) {
            assertEquals(a.x()[i] / 16, b.x()[i], 0.0);
            max = Math.max(max, b.x()[i]);
            assertTrue(b.x()[i] >= 0 && b.x()[i] <= 1, "pixel in [0, 1]: " + b.x()[i]);
        }
        assertEquals(1.0, max, "the brightest pixel is 16");
        for (int i = 0; i < a.xTest().length; i++) assertEquals(a.xTest()[i] / 16, b.xTest()[i], 0.0);
        assertEquals(a.y().length, b.y().length);
        assertEquals(0.5, ((DigitsSpec) parse("kind", "digits", "scale", 0.5)).scale());
        assertEquals(((DigitsSpec) parse("kind", "digits")).canonical().get("scale"), 1.0);
        org.ratelab.spec.SpecException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.ratelab.spec.SpecException.class, () -> parse("kind", "digits", "scale", "1/16", "standardize", true));
        assertTrue(e.getMessage().contains("data.scale") && e.getMessage().contains("exclude each other"), e.getMessage());
        for (Object bad : new Object[] {"1/0", "one sixteenth", -2.0, 0}) {
            e = org.junit.jupiter.api.Assertions.assertThrows(org.ratelab.spec.SpecException.class,
                    () -> parse("kind", "digits", "scale", bad));
            assertTrue(e.getMessage().contains("data.scale"), e.getMessage());
        }
    }
}
