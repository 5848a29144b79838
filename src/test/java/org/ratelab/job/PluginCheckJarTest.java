package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.SparkTestSession;
import org.ratelab.api.Plugins;
import org.ratelab.table.OutputDir;
import org.ratelab.table.Schemas;

/**
 * A check kind that ratelab does not ship, from a plug-in jar built in the test (as {@link PluginJarTest}
 * builds its optimizer): one file and one {@code META-INF/services/org.ratelab.checks.CheckKind} line.
 * {@code kinds check} lists it with its keys; a spec using it plans only with {@code --jars}, and an unknown
 * kind's error lists it among the registered; {@code run --jars} (its own JVM) evaluates it into the checks
 * table, which {@code checks} prints; two providers of its name are refused naming both jars.
 */
class PluginCheckJarTest {
    @TempDir static Path dir;
    static Path jar;
    static Path twin;
    static Path spec;

    static final String SOURCE = """
            package com.example.checks;

            import java.util.List;
import java.util.concurrent.TimeUnit;
            import org.ratelab.checks.CheckKind;
            import org.ratelab.checks.Observed;
            import org.ratelab.checks.PlanContext;
            import org.ratelab.checks.Selection;
            import org.ratelab.spec.Node;

            /** How many of the selected runs ended with a status (a test plug-in). */
            public record StatusCount(String status, long atLeast) implements CheckKind.Observation {
                public void validate(PlanContext ctx) {
                    if (ctx.axes().isEmpty()) throw ctx.error(null, "needs a grid");
                }

                public List<Observed> observe(Selection s) {
                    long k = s.runs().where(org.apache.spark.sql.functions.col("status").equalTo(status)).count();
                    return List.of(Observed.of(k, k, k, s.n(), k + " of " + s.scope() + " ended " + status
                            + " (counted by a plug-in)"));
                }

                public static final class Provider implements CheckKind {
                    public String name() { return "status_count"; }
                    public String doc() { return "How many selected runs ended with a status (a test plug-in)"; }
                    public Class<? extends Record> config() { return StatusCount.class; }
                    public CheckKind.Observation parse(Node n) {
                        return new StatusCount(n.choice("status", "max_steps", List.of("converged", "max_steps",
                                "diverged", "failed")), n.lng("at_least", 0, 0, Long.MAX_VALUE));
                    }
                }
            }
            """;

    static Path build(String pkg, String name) throws IOException {
        Path src = dir.resolve("src-" + name + "/" + pkg.replace('.', '/') + "/StatusCount.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, SOURCE.replace("package com.example.checks;", "package " + pkg + ";"));
        Path classes = dir.resolve("classes-" + name);
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "-d", classes.toString(), "-cp",
                System.getProperty("java.class.path"), src.toString()), "javac");
        return PluginJarTest.jar(classes, dir.resolve(name + ".jar"), "1.0", "org.ratelab.checks.CheckKind",
                pkg + ".StatusCount$Provider");
    }

    @BeforeAll
    static void buildJars() throws IOException {
        jar = build("com.example.checks", "count-check");
        twin = build("com.example.twin", "twin-check");
        spec = dir.resolve("count.yaml");
        Files.writeString(spec, """
                experiment: counted
                data: {kind: teacher_student, n: 32, d: 4, teacher: linear}
                model: {kind: linear_regression}
                optimizer: {name: gd, lr: 0.01}
                train: {steps: 20, record: {every: 1}}
                grid: {seed: [1, 2]}
                checks:
                  - name: every-run-counted
                    status_count: {status: max_steps}
                    expect: {min: 0, max: 2}
                """);
    }

    @AfterEach
    void noPlugins() {
        Plugins.use(List.of());
    }

    @Test
    void kindsListsThePlugInCheck() {
        String out = PluginJarTest.cli(0, "kinds", "check", "status_count", "--jars", jar.toString())[0];
        assertTrue(out.contains("check status_count  (plug-in ") && out.contains("count-check.jar 1.0"), out);
        assertTrue(out.contains("  status ") && out.contains("default max_steps"), out);
        assertTrue(out.contains("  at_least ") && out.contains("default 0"), out);
        String all = PluginJarTest.cli(0, "kinds", "check")[0];
        assertTrue(all.contains("check law  (built-in)") && all.contains("check compare  (built-in)"), all);
        assertFalse(all.contains("status_count"), all);
    }

    @Test
    void aSpecUsingThePlugInCheckPlansOnlyWithItsJar() throws IOException {
        String err = PluginJarTest.cli(2, "plan", spec.toString())[1];
        assertTrue(err.contains("checks[0].status_count: unknown check kind 'status_count'; registered: law, rate, "
                + "value, fraction, bound, compare"), err);
        PluginJarTest.cli(0, "plan", spec.toString(), "--jars", jar.toString());
        Path typo = dir.resolve("typo.yaml");
        Files.writeString(typo, Files.readString(spec).replace("status_count:", "status_cont:"));
        err = PluginJarTest.cli(2, "plan", typo.toString(), "--jars", jar.toString())[1];
        assertTrue(err.contains("unknown check kind 'status_cont'; registered: law, rate, value, fraction, bound, "
                + "compare, status_count"), err);
    }

    /**
     * {@code run --jars} in its own JVM (an in-process run would stop the test JVM's shared session), then the
     * checks table printed as {@code checks} prints it.
     */
    @Test
    void runEvaluatesThePlugInCheck() throws Exception {
        Path out = dir.resolve("out");
        Process p = GridJobTest.cliProcess("run", spec.toString(), "--out", out.toString(), "--jars", jar.toString(),
                "--master", "local[1]");
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "run finished");
        assertEquals(0, p.exitValue(), log);
        List<Row> rows = SparkTestSession.get().read().schema(Schemas.CHECKS)
                .parquet(OutputDir.of(out.toString(), new Configuration()).table("checks")).collectAsList();
        StringWriter text = new StringWriter();
        assertEquals(0, ChecksCommand.print(rows, new PrintWriter(text)), text.toString());
        String verdicts = text.toString();
        assertTrue(verdicts.contains("PASS  every-run-counted") && verdicts.contains("ended max_steps (counted by a plug-in)"),
                verdicts);
    }

    @Test
    void twoProvidersOfOneCheckKindAreRefused() {
        String err = PluginJarTest.cli(2, "kinds", "check", "--jars", jar + "," + twin)[1];
        assertTrue(err.contains("two providers of check 'status_count'") && err.contains("count-check.jar")
                && err.contains("twin-check.jar"), err);
        assertEquals(1, err.strip().split("\n").length, err);
    }
}
