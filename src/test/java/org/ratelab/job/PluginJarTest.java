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
 * A plug-in jar built in the test (its sources compiled with the system Java compiler against ratelab's
 * classes, packed with {@code META-INF/services} lines and an {@code Implementation-Version}) adds an
 * optimizer and a probe that ratelab does not ship: {@code kinds} lists them, {@code plan} accepts a spec naming
 * them only with {@code --jars}, their runs train, record the plug-in's jar and version in {@code config_json}
 * and change run_id with the version, while specs that do not name the probe keep their run_ids; the probe's
 * metrics land in {@code curves.extra_metrics} through a real {@code run}; two providers of one name, an
 * unreadable jar, and a plug-in that throws are handled as README says.
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

    /** A plug-in probe: scale·F(θ_k) and ‖θ_k‖² into curves.extra_metrics; it scribbles on its θ and may throw. */
    static final String PROBE_SOURCE = """
            package com.example.fake;

            import org.ratelab.probes.Probe;
            import org.ratelab.probes.ProbeConfig;
            import org.ratelab.probes.ProbeKind;
            import org.ratelab.spec.Node;

            public record LossEchoProbe(boolean enabled, int every, double scale, long explodeAt) implements ProbeConfig {
                public Probe instantiate(Probe.Run run) {
                    return new Probe() {
                        long steps;

                        @Override
                        public void afterStep(long k, double[] theta) {
                            steps++;
                            theta[0] = 1e9;   // a plug-in's theta is a copy: the trajectory must not see this
                        }

                        @Override
                        public void measure(Probe.Point at, Probe.Sink out) {
                            if (at.step() == explodeAt) throw new IllegalStateException("fake probe exploded at step " + at.step());
                            out.extra("scaled_loss", scale * at.loss());
                            double s = 0;
                            for (double x : at.theta()) s += x * x;
                            out.extra("theta_norm_sq", s);
                            out.extra("steps_seen", steps);
                            at.theta()[0] = 1e9;
                        }
                    };
                }

                public static final class Provider implements ProbeKind {
                    public String name() { return "loss_echo"; }
                    public String doc() { return "scale times the loss, and the squared parameter norm (a test plug-in)"; }
                    public Class<? extends Record> config() { return LossEchoProbe.class; }
                    public ProbeConfig parse(Node n) {
                        return new LossEchoProbe(n.bool("enabled", true), n.integer("every", 1, 0, Integer.MAX_VALUE),
                                n.positive("scale", 1.0), n.lng("explode_at", -1, -1, Long.MAX_VALUE));
                    }
                }
            }
            """;

    static Path echoSpec;
    static Path plainSpec;

    @BeforeAll
    static void buildJars() throws IOException {
        Path src = dir.resolve("src/com/example/fake/SignGdSpec.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, SOURCE);
        Path probeSrc = dir.resolve("src/com/example/fake/LossEchoProbe.java");
        Files.writeString(probeSrc, PROBE_SOURCE);
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                src.toString(), probeSrc.toString());
        assertEquals(0, rc, "javac");
        v1 = jar(classes, dir.resolve("fake-1.jar"), "1.0", "com.example.fake", true);
        v2 = jar(classes, dir.resolve("fake-2.jar"), "2.0", "com.example.fake", true);
        // another provider class (another package) that claims the same name
        Path src2 = dir.resolve("src2/com/example/other/SignGdSpec.java");
        Files.createDirectories(src2.getParent());
        Files.writeString(src2, SOURCE.replace("package com.example.fake;", "package com.example.other;"));
        Path classes2 = dir.resolve("classes2");
        Files.createDirectories(classes2);
        assertEquals(0, javac.run(null, null, null, "-d", classes2.toString(), "-cp",
                System.getProperty("java.class.path"), src2.toString()), "javac");
        other = jar(classes2, dir.resolve("other.jar"), "0.1", "com.example.other", false);
        spec = dir.resolve("sign.yaml");
        Files.writeString(spec, """
                experiment: sign
                data: {kind: teacher_student, n: 32, d: 4, teacher: linear}
                model: {kind: linear_regression}
                optimizer: {name: sign_gd, lr: 0.01}
                train: {steps: 20, record: {every: 1}}
                grid: {seed: [1, 2]}
                """);
        String plain = """
                experiment: echo
                data: {kind: teacher_student, n: 32, d: 4, teacher: linear}
                model: {kind: linear_regression, init: gaussian}
                optimizer: {name: gd, lr: 0.1}
                train: {steps: 10, record: {every: 1}}
                """;
        plainSpec = dir.resolve("plain.yaml");
        Files.writeString(plainSpec, plain + "grid: {seed: [1, 2]}\n");
        echoSpec = dir.resolve("echo.yaml");
        Files.writeString(echoSpec, plain + "probes: {loss_echo: {enabled: true, every: 2, scale: 3}}\n"
                + "grid: {seed: [1, 2], probes.loss_echo.explode_at: [-1, 4]}\n");
    }

    static Path jar(Path classes, Path out, String version, String pkg, boolean probe) throws IOException {
        Map<String, String> services = new java.util.LinkedHashMap<>();
        services.put("org.ratelab.optim.OptimizerKind", pkg + ".SignGdSpec$Provider");
        if (probe) services.put("org.ratelab.probes.ProbeKind", pkg + ".LossEchoProbe$Provider");
        return jar(classes, out, version, services);
    }

    /** A plug-in jar of {@code classes} registering {@code provider} as a {@code service}. */
    static Path jar(Path classes, Path out, String version, String service, String provider) throws IOException {
        return jar(classes, out, version, Map.of(service, provider));
    }

    /** A plug-in jar of {@code classes}, each service interface → its provider's binary name. */
    static Path jar(Path classes, Path out, String version, Map<String, String> services) throws IOException {
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
            for (Map.Entry<String, String> e : services.entrySet()) {
                j.putNextEntry(new JarEntry("META-INF/services/" + e.getKey()));
                j.write((e.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
                j.closeEntry();
            }
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

    @Test
    void kindsListsThePlugInProbeBesideTheBuiltIns() {
        String out = cli(0, "kinds", "probe", "--jars", v1.toString())[0];
        assertTrue(out.contains("probe hessian  (built-in)") && out.contains("probe particles  (built-in)"), out);
        assertTrue(out.contains("probe loss_echo  (plug-in ") && out.contains("fake-1.jar 1.0"), out);
        out = cli(0, "kinds", "probe", "loss_echo", "--jars", v1.toString())[0];
        assertTrue(out.contains("  scale ") && out.contains("default 1 "), out);
        assertTrue(out.contains("  explode_at ") && out.contains("default -1 "), out);
        out = cli(0, "kinds", "probe", "hessian")[0];
        assertTrue(out.contains("  max_basis ") && out.contains("every k-th recorded point"), out);
        String err = cli(2, "kinds", "probe", "lion", "--jars", v1.toString())[1];
        assertTrue(err.contains("unknown probe 'lion'; registered: test_loss, param_norm, dist, update_norm, pl, "
                + "effective_lr, hessian, ntk, noise, particles, loss_echo"), err);
    }

    @Test
    void aSpecNamingThePlugInProbeNeedsItsJarAndAnUnknownProbeListsTheRegisteredOnes() {
        String err = cli(2, "plan", echoSpec.toString())[1];
        assertTrue(err.contains("probes.loss_echo: unknown probe; registered probes: test_loss, param_norm, dist, "
                + "update_norm, pl, effective_lr, hessian, ntk, noise, particles"), err);
        assertTrue(cli(0, "plan", echoSpec.toString(), "--jars", v1.toString())[0].contains("runs 4"));
        Plugins.use(List.of(v1));
        org.ratelab.spec.SpecException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.ratelab.spec.SpecException.class, () -> org.ratelab.probes.ProbeSpec.parse(
                        new org.ratelab.spec.Node("probes", Map.of("los_echo", Map.of()))));
        assertTrue(e.getMessage().contains("probes.los_echo: unknown probe; registered probes: test_loss")
                && e.getMessage().contains("particles, loss_echo"), e.getMessage());
    }

    @Test
    void aPlugInProbeEntersRunIdsOnlyWhereTheSpecNamesIt() {
        Plugins.use(List.of());
        Plan none = Planner.plan(SpecLoader.load(plainSpec, null));
        Plugins.use(List.of(v1));
        Plan withJar = Planner.plan(SpecLoader.load(plainSpec, null));
        Plan echo1 = Planner.plan(SpecLoader.load(echoSpec, null));
        Plugins.use(List.of(v2));
        Plan echo2 = Planner.plan(SpecLoader.load(echoSpec, null));
        for (int i = 0; i < 2; i++) {
            assertEquals(none.runs().get(i).runId(), withJar.runs().get(i).runId(), "loading a plug-in changes no run_id");
            assertEquals(none.runs().get(i).configJson(), withJar.runs().get(i).configJson());
            assertTrue(!none.runs().get(i).configJson().contains("loss_echo"), none.runs().get(i).configJson());
        }
        String json = echo1.runs().get(0).configJson();
        assertTrue(json.contains("\"loss_echo\":{\"enabled\":true,\"every\":2,\"explode_at\":-1,\"plugin\":{\"jar\":"
                + "\"fake-1.jar\",\"version\":\"1.0\"},\"scale\":3.0}"), json);
        for (int i = 0; i < 4; i++) {
            assertNotEquals(echo1.runs().get(i).runId(), echo2.runs().get(i).runId(), "the probe's version is in run_id");
        }
        java.util.Set<String> plainIds = new java.util.HashSet<>();
        for (var r : none.runs()) plainIds.add(r.runId());
        for (var r : echo1.runs()) assertTrue(!plainIds.contains(r.runId()), "a run with the probe is another run");
    }

    @Test
    void aPlugInProbeReadsCopiesAndLeavesTheTrajectoryBitIdentical() {
        Plugins.use(List.of(v1));
        RunResult plain = Trainer.train(Planner.plan(SpecLoader.load(plainSpec, null)).runs().get(0));
        RunResult echo = Trainer.train(Planner.plan(SpecLoader.load(echoSpec, null)).runs().get(0));
        assertEquals(RunStatus.MAX_STEPS, echo.status(), String.valueOf(echo.message()));
        assertEquals(plain.curve().size(), echo.curve().size());
        for (int i = 0; i < plain.curve().size(); i++) {
            org.ratelab.probes.CurvePoint p = plain.curve().get(i);
            org.ratelab.probes.CurvePoint q = echo.curve().get(i);
            for (int m = 0; m < org.ratelab.probes.Metrics.count(); m++) {
                assertEquals(Double.doubleToRawLongBits(p.get(m)), Double.doubleToRawLongBits(q.get(m)),
                        org.ratelab.probes.Metrics.NAMES.get(m) + " at step " + p.step());
            }
            assertEquals(null, p.extraMetrics(), "no plug-in probe, no extra metrics");
            if (i % 2 == 0) {
                assertEquals(3 * q.get(org.ratelab.probes.Metrics.LOSS), q.extraMetrics().get("scaled_loss"), 0.0);
                assertEquals((double) q.step(), q.extraMetrics().get("steps_seen"), 0.0, "its afterStep hook ran every step");
            } else {
                assertEquals(null, q.extraMetrics(), "every: 2");
            }
        }
    }

    @Test
    void aRunWithThePlugInProbeWritesCurvesExtraMetricsAndAThrowingProbeFailsOnlyItsRun() {
        String out = dir.resolve("echo-out").toString();
        cli(0, "run", echoSpec.toString(), "--out", out, "--jars", v1.toString(), "--master", "local[2]");
        String runs = cli(0, "sql", "--out", out, "SELECT run_id, status, message FROM runs ORDER BY run_index")[0];
        String[] r = runs.strip().split("\n");
        assertEquals(5, r.length, runs);
        int failed = 0;
        for (int i = 1; i < r.length; i++) {
            String[] c = r[i].split("\t");
            boolean explodes = i % 2 == 0;        // explode_at varies fastest: -1, 4, -1, 4
            assertEquals(explodes ? "failed" : "max_steps", c[1], r[i]);
            if (explodes) {
                failed++;
                assertTrue(c[2].contains("probe loss_echo (plug-in fake-1.jar 1.0) failed at step 4: "
                        + "IllegalStateException: fake probe exploded at step 4"), c[2]);
            }
        }
        assertEquals(2, failed);
        String curves = cli(0, "sql", "--out", out, "SELECT c.step, c.loss, c.param_norm, c.extra_metrics['scaled_loss'], "
                + "c.extra_metrics['theta_norm_sq'], size(c.extra_metrics) FROM curves c JOIN runs r USING (run_id) "
                + "WHERE r.status = 'max_steps' ORDER BY r.run_index, c.step")[0];
        String[] rows = curves.strip().split("\n");
        assertEquals(1 + 2 * 11, rows.length, curves);
        for (int i = 1; i < rows.length; i++) {
            String[] c = rows[i].split("\t");
            long step = Long.parseLong(c[0]);
            if (step % 2 == 0) {
                double loss = Double.parseDouble(c[1]);
                double norm = Double.parseDouble(c[2]);
                assertEquals(3 * loss, Double.parseDouble(c[3]), 0.0, rows[i]);
                assertEquals(norm * norm, Double.parseDouble(c[4]), 1e-12 * norm * norm, rows[i]);
                assertEquals("3", c[5], rows[i]);
            } else {
                assertEquals("null", c[3], rows[i]);
                assertEquals("null", c[4], rows[i]);
            }
        }
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
