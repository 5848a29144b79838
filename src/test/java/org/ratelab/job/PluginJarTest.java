package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.api.Plugins;
import org.ratelab.grid.Plan;
import org.ratelab.grid.Planner;
import org.ratelab.spec.SpecLoader;
import org.ratelab.train.RunResult;
import org.ratelab.train.RunStatus;
import org.ratelab.train.Trainer;

/**
 * A plug-in jar built in the test (its source compiled with the system Java compiler against ratelab's
 * classes, packed with a {@code META-INF/services} line and an {@code Implementation-Version}) adds an
 * optimizer that ratelab does not ship: {@code kinds} lists it, {@code plan} accepts a spec naming it only with
 * {@code --jars}, its runs train, record the plug-in's jar and version in {@code config_json} and change run_id
 * with the version; two providers of one name, an unreadable jar, and a plug-in that throws are handled as
 * README says.
 */
class PluginJarTest {
    @TempDir static Path dir;
    static Path v1;
    static Path v2;
    static Path other;
    static Path spec;

    static final String SOURCE = """
            package com.example.fake;

            import org.ratelab.optim.Optimizer;
            import org.ratelab.optim.OptimizerKind;
            import org.ratelab.optim.OptimizerSpec;
            import org.ratelab.spec.Node;

            /** signSGD, full batch (Bernstein et al. 2018): theta -= lr * sign(grad). */
            public record SignGdSpec(double lr, boolean explode) implements OptimizerSpec {
                public String name() { return "sign_gd"; }

                public Optimizer instantiate(int dim, int n, double lrScale) {
                    double[] g = new double[dim];
                    return (k, theta, oracle) -> {
                        if (explode && k == 3) throw new IllegalStateException("fake plug-in exploded at step 3");
                        oracle.fullGrad(theta, g);
                        for (int i = 0; i < dim; i++) theta[i] -= lr * lrScale * Math.signum(g[i]);
                    };
                }

                public static final class Provider implements OptimizerKind {
                    public String name() { return "sign_gd"; }
                    public String doc() { return "signSGD, full batch (a test plug-in)"; }
                    public Class<? extends Record> config() { return SignGdSpec.class; }
                    public OptimizerSpec parse(Node n) {
                        return new SignGdSpec(n.positive("lr", 0.01), n.bool("explode", false));
                    }
                }
            }
            """;

    @BeforeAll
    static void buildJars() throws IOException {
        Path src = dir.resolve("src/com/example/fake/SignGdSpec.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, SOURCE);
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                src.toString());
        assertEquals(0, rc, "javac");
        v1 = jar(classes, dir.resolve("fake-1.jar"), "1.0", "com.example.fake");
        v2 = jar(classes, dir.resolve("fake-2.jar"), "2.0", "com.example.fake");
        // another provider class (another package) that claims the same name
        Path src2 = dir.resolve("src2/com/example/other/SignGdSpec.java");
        Files.createDirectories(src2.getParent());
        Files.writeString(src2, SOURCE.replace("package com.example.fake;", "package com.example.other;"));
        Path classes2 = dir.resolve("classes2");
        Files.createDirectories(classes2);
        assertEquals(0, javac.run(null, null, null, "-d", classes2.toString(), "-cp",
                System.getProperty("java.class.path"), src2.toString()), "javac");
        other = jar(classes2, dir.resolve("other.jar"), "0.1", "com.example.other");
        spec = dir.resolve("sign.yaml");
        Files.writeString(spec, """
                experiment: sign
                data: {kind: teacher_student, n: 32, d: 4, teacher: linear}
                model: {kind: linear_regression}
                optimizer: {name: sign_gd, lr: 0.01}
                train: {steps: 20, record: {every: 1}}
                grid: {seed: [1, 2]}
                """);
    }

    static Path jar(Path classes, Path out, String version, String pkg) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
        try (OutputStream os = Files.newOutputStream(out); JarOutputStream j = new JarOutputStream(os, m);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                j.write(Files.readAllBytes(f));
                j.closeEntry();
            }
            j.putNextEntry(new JarEntry("META-INF/services/org.ratelab.optim.OptimizerKind"));
            j.write((pkg + ".SignGdSpec$Provider\n").getBytes(StandardCharsets.UTF_8));
            j.closeEntry();
        }
        return out;
    }

    @AfterEach
    void noPlugins() {
        Plugins.use(List.of());
    }

    static String[] cli(int expect, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
        assertEquals(expect, code, "exit status of " + String.join(" ", args) + ": " + err);
        return new String[] {out.toString(), err.toString()};
    }

    @Test
    void kindsListsThePlugInWithItsJarAndVersion() {
        String out = cli(0, "kinds", "optimizer", "sign_gd", "--jars", v1.toString())[0];
        assertTrue(out.contains("optimizer sign_gd  (plug-in ") && out.contains("fake-1.jar 1.0"), out);
        assertTrue(out.contains("  lr ") && out.contains("default 0.01"), out);
        assertTrue(out.contains("  explode ") && out.contains("default false"), out);
    }

    @Test
    void aSpecNamingThePlugInPlansOnlyWithItsJar() {
        String err = cli(2, "plan", spec.toString())[1];
        assertTrue(err.contains("optimizer.name: unknown value 'sign_gd'; expected one of gd, sgd"), err);
        String out = cli(0, "plan", spec.toString(), "--jars", v1.toString())[0];
        assertTrue(out.contains("runs 2"), out);
    }

    @Test
    void plugInRunsTrainAndRecordTheirVersion() {
        Plugins.use(List.of(v1));
        Plan p1 = Planner.plan(SpecLoader.load(spec, null));
        String json = p1.runs().get(0).configJson();
        assertTrue(json.contains("\"plugin\":{\"jar\":\"fake-1.jar\",\"version\":\"1.0\"}"), json);
        RunResult r = Trainer.train(p1.runs().get(0));
        assertEquals(RunStatus.MAX_STEPS, r.status(), String.valueOf(r.message()));
        assertTrue(r.finalLoss() < r.initialLoss(), "signSGD lowers the loss: " + r.initialLoss() + " -> " + r.finalLoss());
        Plugins.use(List.of(v2));
        Plan p2 = Planner.plan(SpecLoader.load(spec, null));
        assertNotEquals(p1.runs().get(0).runId(), p2.runs().get(0).runId(), "a plug-in's version is part of run_id");
    }

    @Test
    void aPlugInThatThrowsFailsItsRunOnly() {
        Plugins.use(List.of(v1));
        Plan p = Planner.plan(SpecLoader.load(spec, "default"));
        org.ratelab.train.RunConfig c = p.runs().get(0);
        Map<String, Object> tree = new java.util.LinkedHashMap<>(Map.of("seed", 1L,
                "data", Map.of("kind", "teacher_student", "n", 32, "d", 4, "teacher", "linear"),
                "model", Map.of("kind", "linear_regression"),
                "optimizer", Map.of("name", "sign_gd", "explode", true),
                "train", Map.of("steps", 20)));
        org.ratelab.grid.RunBinder.Bound b = org.ratelab.grid.RunBinder.bind("sign", tree);
        org.ratelab.train.RunConfig boom = new org.ratelab.train.RunConfig(c.runId(), c.experiment(), 0, 1L, b.data(),
                b.model(), b.optimizer(), b.train(), c.axes(), c.groupKey(), c.configJson(), c.cost());
        RunResult r = Trainer.train(boom);
        assertEquals(RunStatus.FAILED, r.status());
        assertTrue(String.valueOf(r.message()).contains("fake plug-in exploded at step 3"), r.message());
    }

    @Test
    void badPlugInsAreRefusedWithOneLine() throws IOException {
        String err = cli(2, "kinds", "--jars", v1 + "," + other)[1];
        assertTrue(err.contains("two providers of optimizer 'sign_gd'") && err.contains("fake-1.jar")
                && err.contains("other.jar"), err);
        Path notAJar = dir.resolve("broken.jar");
        Files.writeString(notAJar, "not a zip");
        err = cli(2, "kinds", "--jars", notAJar.toString())[1];
        assertTrue(err.contains("broken.jar: cannot be read as a jar"), err);
        assertEquals(1, err.strip().split("\n").length, err);
        err = cli(2, "plan", spec.toString(), "--jars", dir.resolve("missing.jar").toString())[1];
        assertTrue(err.contains("missing.jar: no such file"), err);
    }

    /**
     * Under spark-submit, spark.jars already holds the application jar and --jars: run keeps them and adds only
     * the plug-in jars not listed (dropping the application jar left executors unable to deserialize a task).
     */
    @Test
    void sparkJarsKeepsTheApplicationJarAndListsEachPluginOnce() {
        Path plugin = dir.resolve("p/lion.jar").toAbsolutePath();
        Path other = dir.resolve("p/other.jar").toAbsolutePath();
        assertEquals(plugin.toUri().toString(), RunCommand.sparkJars(null, null, List.of(plugin)));
        String submitted = "file:/opt/ratelab-app.jar,file:" + plugin;
        assertEquals(submitted + ",hdfs:/x.jar," + other.toUri(),
                RunCommand.sparkJars(submitted, "hdfs:/x.jar", List.of(plugin, other)));
        assertEquals("file:/opt/ratelab-app.jar," + plugin.toUri(),
                RunCommand.sparkJars("file:/opt/ratelab-app.jar", "", List.of(plugin)));
    }
}
