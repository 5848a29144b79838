package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.api.Plugins;

/**
 * A model and a data source added as a plug-in, each ONE file plus ONE {@code META-INF/services} line, in a jar
 * built in the test: {@code kinds} lists them, and a real {@code run --jars} trains on them. The model is a
 * diagonal quadratic F(θ) = ½ Σ_j c_j θ_j² with c_j = curvature·(j+1) from θ_0 = 1, so GD with step η has the
 * closed form F(θ_k) = ½ Σ_j c_j (1 − η c_j)^{2k}; the data source is a ramp x_ij = (i+1)/n · cos(j),
 * y_i = Σ_j x_ij, whose zero-start linear-regression loss is the mean of y_i² at step 0.
 */
class PluginModelDataJarTest {
    @TempDir static Path dir;
    static Path jar;

    static final String MODEL = """
            package com.example.fake;

            import java.util.List;
            import java.util.random.RandomGenerator;
            import org.ratelab.data.DataSpec;
            import org.ratelab.data.Dataset;
            import org.ratelab.model.Model;
            import org.ratelab.model.ModelKind;
            import org.ratelab.model.ModelSpec;
            import org.ratelab.model.ParamBlock;
            import org.ratelab.spec.Node;

            /** F(theta) = 1/2 sum_j c_j theta_j^2, c_j = curvature (j + 1); every sample is the same term. */
            public record DiagQuadraticSpec(int dim, double curvature) implements ModelSpec {
                public String kind() { return "diag_quadratic"; }
                @Override public String dataIncompatibility(DataSpec data) { return null; }
                public double flopsPerSample(int d) { return 2.0 * dim; }
                public double parameters(double d) { return dim; }
                public List<Buffer> buffers(double n, double nTest, double d, boolean hvp) { return List.of(); }

                public Model instantiate(Dataset data) {
                    int n = data.n();
                    double[] c = new double[dim];
                    for (int j = 0; j < dim; j++) c[j] = curvature * (j + 1);
                    return new Model() {
                        public int dim() { return dim; }
                        public int n() { return n; }
                        public void init(double[] theta, RandomGenerator rng) { java.util.Arrays.fill(theta, 1.0); }
                        public double lossGrad(double[] theta, int[] idx, int count, double[] grad) {
                            double f = 0;
                            for (int j = 0; j < dim; j++) {
                                grad[j] = c[j] * theta[j];
                                f += 0.5 * c[j] * theta[j] * theta[j];
                            }
                            return f;
                        }
                        public double loss(double[] theta, int[] idx, int count) {
                            double f = 0;
                            for (int j = 0; j < dim; j++) f += 0.5 * c[j] * theta[j] * theta[j];
                            return f;
                        }
                        public double testLoss(double[] theta) { return Double.NaN; }
                        public void hvp(double[] theta, int[] idx, int count, double[] v, double[] out) {
                            for (int j = 0; j < dim; j++) out[j] = c[j] * v[j];
                        }
                        @Override public boolean hasOutputs() { return false; }
                        public void jacobian(double[] theta, int[] idx, int count, double[] out) {
                            throw new UnsupportedOperationException("no outputs");
                        }
                        public void outputs(double[] theta, int[] idx, int count, double[] out) {
                            throw new UnsupportedOperationException("no outputs");
                        }
                        @Override public double optimalLoss() { return 0.0; }
                        @Override public double smoothness() { return c[dim - 1]; }
                        @Override public double strongConvexity() { return c[0]; }
                        public List<ParamBlock> blocks() { return List.of(new ParamBlock("theta", 0, dim, true)); }
                    };
                }

                public static final class Provider implements ModelKind {
                    public String name() { return "diag_quadratic"; }
                    public String doc() { return "A diagonal quadratic with curvatures curvature*(j+1) (a test plug-in)"; }
                    public Class<? extends Record> config() { return DiagQuadraticSpec.class; }
                    public ModelSpec parse(Node n) {
                        return new DiagQuadraticSpec(n.integer("dim", 4, 1, 1000), n.positive("curvature", 1.0));
                    }
                }
            }
            """;

    static final String DATA = """
            package com.example.fake;

            import org.ratelab.data.DataKind;
            import org.ratelab.data.DataSpec;
            import org.ratelab.data.Dataset;
            import org.ratelab.spec.Node;

            /** x_ij = (i + 1)/n cos(j), y_i = sum_j x_ij: a deterministic ramp. */
            public record RampData(int n, int d) implements DataSpec {
                public String kind() { return "ramp"; }

                public Dataset build(long seed) {
                    double[] x = new double[n * d];
                    double[] y = new double[n];
                    for (int i = 0; i < n; i++) {
                        for (int j = 0; j < d; j++) {
                            x[i * d + j] = (i + 1.0) / n * Math.cos(j);
                            y[i] += x[i * d + j];
                        }
                    }
                    return Dataset.of(n, d, x, y);
                }

                public static final class Provider implements DataKind {
                    public String name() { return "ramp"; }
                    public String doc() { return "A deterministic ramp (a test plug-in)"; }
                    public Class<? extends Record> config() { return RampData.class; }
                    public DataSpec parse(Node n) {
                        return new RampData(n.integer("n", 8, 1, 100000), n.integer("d", 3, 1, 1000));
                    }
                }
            }
            """;

    @BeforeAll
    static void buildJar() throws IOException {
        Path src = dir.resolve("src/com/example/fake");
        Files.createDirectories(src);
        Files.writeString(src.resolve("DiagQuadraticSpec.java"), MODEL);
        Files.writeString(src.resolve("RampData.java"), DATA);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), "-cp",
                System.getProperty("java.class.path"), src.resolve("DiagQuadraticSpec.java").toString(),
                src.resolve("RampData.java").toString()), "javac");
        // one registration line per kind
        jar = PluginJarTest.jar(classes, dir.resolve("model-data-1.3.jar"), "1.3", Map.of(
                "org.ratelab.model.ModelKind", "com.example.fake.DiagQuadraticSpec$Provider",
                "org.ratelab.data.DataKind", "com.example.fake.RampData$Provider"));
    }

    @AfterEach
    void noPlugins() {
        Plugins.use(List.of());
    }

    static String cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
        assertEquals(0, code, "exit status of " + String.join(" ", args) + ": " + err);
        return out.toString();
    }

    static List<String[]> rows(String tsv) {
        List<String[]> out = new ArrayList<>();
        String[] lines = tsv.strip().split("\n");
        for (int i = 1; i < lines.length; i++) out.add(lines[i].split("\t"));
        return out;
    }

    @Test
    void kindsListsThePlugInModelAndDataSource() {
        String models = cli("kinds", "model", "--jars", jar.toString());
        assertTrue(models.contains("model two_layer  (built-in)"), models);
        assertTrue(models.contains("model diag_quadratic  (plug-in ") && models.contains("model-data-1.3.jar 1.3"), models);
        String data = cli("kinds", "data", "ramp", "--jars", jar.toString());
        assertTrue(data.contains("  n ") && data.contains("default 8") && data.contains("  d ") && data.contains("default 3"),
                data);
    }

    @Test
    void aRunTrainsThePlugInModelOnItsClosedFormAndThePlugInDataSource() throws IOException {
        double eta = 0.1;
        double curvature = 0.5;
        int dim = 4;
        int steps = 12;
        Path spec = dir.resolve("fake.yaml");
        Files.writeString(spec, """
                experiment: fake_kinds
                data: {kind: ramp, n: 10, d: 3}
                model: {kind: diag_quadratic, dim: %d, curvature: %s}
                optimizer: {name: gd, lr: %s}
                train: {steps: %d, record: {every: 1}}
                grid: {seed: [1]}
                """.formatted(dim, curvature, eta, steps));
        Path lin = dir.resolve("ramp-linear.yaml");
        Files.writeString(lin, """
                experiment: fake_data
                data: {kind: ramp, n: 10, d: 3}
                model: {kind: linear_regression}
                optimizer: {name: gd, lr: 0.05}
                train: {steps: 5, record: {every: 1}}
                grid: {seed: [1]}
                """);
        String out = dir.resolve("out").toString();
        cli("run", spec.toString(), "--out", out, "--jars", jar.toString(), "--master", "local[1]");
        List<String[]> curve = rows(cli("sql", "--out", out, "SELECT step, loss FROM curves ORDER BY step"));
        assertEquals(steps + 1, curve.size());
        for (String[] r : curve) {
            int k = Integer.parseInt(r[0]);
            double want = 0;
            for (int j = 0; j < dim; j++) {
                double c = curvature * (j + 1);
                want += 0.5 * c * Math.pow(1 - eta * c, 2 * k);
            }
            assertEquals(want, Double.parseDouble(r[1]), 1e-14 * want, "F(theta_" + k + ")");
        }
        String runs = cli("sql", "--out", out, "SELECT model, n, d, status, config_json FROM runs");
        assertTrue(runs.contains("diag_quadratic\t10\t3\tmax_steps"), runs);
        assertTrue(runs.contains("\"plugin\":{\"jar\":\"model-data-1.3.jar\",\"version\":\"1.3\"}"), runs);

        String out2 = dir.resolve("out2").toString();
        cli("run", lin.toString(), "--out", out2, "--jars", jar.toString(), "--master", "local[1]");
        List<String[]> first = rows(cli("sql", "--out", out2, "SELECT loss FROM curves WHERE step = 0"));
        double want = 0;
        for (int i = 0; i < 10; i++) {
            double y = 0;
            for (int j = 0; j < 3; j++) y += (i + 1.0) / 10 * Math.cos(j);
            want += y * y / 10;                 // linear_regression's F = (1/n) Σ (x_i·θ − y_i)²
        }
        assertEquals(want, Double.parseDouble(first.get(0)[0]), 1e-14 * want, "linear regression from 0 on the ramp");
    }
}
