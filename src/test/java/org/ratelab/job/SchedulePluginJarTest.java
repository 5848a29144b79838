package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.api.Plugins;
import org.ratelab.grid.Plan;
import org.ratelab.grid.Planner;
import org.ratelab.probes.CurvePoint;
import org.ratelab.probes.Metrics;
import org.ratelab.spec.SpecLoader;
import org.ratelab.train.RunResult;
import org.ratelab.train.RunStatus;
import org.ratelab.train.Trainer;

/**
 * A step-size schedule from a plug-in jar, one file plus one services line (built here with the system Java
 * compiler and {@link PluginJarTest#jar}): {@code kinds schedule} lists it with its jar and version, a spec
 * naming it plans only with the jar, its section in {@code config_json} carries {@code plugin: {jar, version}},
 * its version (not its jar's file name) enters the run_id, and the run steps with lr · factor(k).
 */
class SchedulePluginJarTest {
    @TempDir static Path dir;
    static Path v1;
    static Path v1Renamed;
    static Path v2;
    static Path spec;

    static final String SOURCE = """
            package com.example.sched;

            import org.ratelab.optim.Schedule;
            import org.ratelab.optim.ScheduleKind;
            import org.ratelab.spec.Node;

            /** Halves the step every `every` steps: factor 2^(-floor(k/every)). */
            public record HalvingSchedule(long every) implements Schedule {
                public String kind() { return "halving"; }

                public double factor(long k, int batch) { return Math.scalb(1.0, (int) -(k / every)); }

                public static final class Provider implements ScheduleKind {
                    public String name() { return "halving"; }
                    public String doc() { return "halves the step every `every` steps (a test plug-in)"; }
                    public Class<? extends Record> config() { return HalvingSchedule.class; }
                    public Schedule parse(Node n) { return new HalvingSchedule(n.lng("every", 10, 1, Long.MAX_VALUE)); }
                }
            }
            """;

    @BeforeAll
    static void buildJars() throws IOException {
        Path src = dir.resolve("src/com/example/sched/HalvingSchedule.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, SOURCE);
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                src.toString()), "javac");
        String service = "org.ratelab.optim.ScheduleKind";
        String provider = "com.example.sched.HalvingSchedule$Provider";
        v1 = PluginJarTest.jar(classes, dir.resolve("sched-1.jar"), "1.0", service, provider);
        v1Renamed = PluginJarTest.jar(classes, dir.resolve("renamed.jar"), "1.0", service, provider);
        v2 = PluginJarTest.jar(classes, dir.resolve("sched-2.jar"), "2.0", service, provider);
        spec = dir.resolve("halving.yaml");
        Files.writeString(spec, """
                experiment: halving
                data: {kind: none}
                model: {kind: quadratic, dim: 1}
                optimizer: {name: sgd, lr: 0.4, batch_size: 0, schedule: {kind: halving, every: 5}}
                train: {steps: 20, record: {every: 1}}
                """);
    }

    @AfterEach
    void noPlugins() {
        Plugins.use(List.of());
    }

    static String[] cli(int expect, String... args) {
        return PluginJarTest.cli(expect, args);
    }

    @Test
    void kindsListsThePlugInScheduleAndASpecNamingItNeedsTheJar() {
        String out = cli(0, "kinds", "schedule", "halving", "--jars", v1.toString())[0];
        assertTrue(out.contains("schedule halving  (plug-in ") && out.contains("sched-1.jar 1.0"), out);
        assertTrue(out.contains("  every ") && out.contains("default 10"), out);
        String err = cli(2, "plan", spec.toString())[1];
        assertTrue(err.contains("optimizer.schedule.kind: unknown value 'halving'; expected one of constant"), err);
        assertTrue(cli(0, "plan", spec.toString(), "--jars", v1.toString())[0].contains("runs 1"));
    }

    @Test
    void thePlugInsVersionEntersTheRunIdAndItsFactorTheSteps() {
        Plugins.use(List.of(v1));
        Plan p1 = Planner.plan(SpecLoader.load(spec, null));
        String json = p1.runs().get(0).configJson();
        assertTrue(json.contains("\"schedule\":{\"every\":5,\"kind\":\"halving\",\"plugin\":{\"jar\":\"sched-1.jar\",\"version\":\"1.0\"}}"), json);
        RunResult r = Trainer.train(p1.runs().get(0));
        assertEquals(RunStatus.MAX_STEPS, r.status(), String.valueOf(r.message()));
        // F = x^2/2: F_{k+1}/F_k = (1 - eta_k)^2 with eta_k = 0.4 * 2^(-floor(k/5))
        List<CurvePoint> curve = r.curve();
        int loss = Metrics.NAMES.indexOf("loss");
        for (int k = 0; k < 20; k++) {
            double eta = 1 - Math.sqrt(curve.get(k + 1).values()[loss] / curve.get(k).values()[loss]);
            assertEquals(0.4 * Math.pow(0.5, k / 5), eta, 1e-13, "step size at k = " + k);
        }
        Plugins.use(List.of(v1Renamed));
        Plan renamed = Planner.plan(SpecLoader.load(spec, null));
        assertTrue(renamed.runs().get(0).configJson().contains("\"jar\":\"renamed.jar\""));
        assertEquals(p1.runs().get(0).runId(), renamed.runs().get(0).runId(), "the jar's file name is not in the run_id");
        Plugins.use(List.of(v2));
        Plan p2 = Planner.plan(SpecLoader.load(spec, null));
        assertNotEquals(p1.runs().get(0).runId(), p2.runs().get(0).runId(), "a plug-in schedule's version is in the run_id");
    }
}
