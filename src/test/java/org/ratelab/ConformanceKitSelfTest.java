package org.ratelab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;
import org.ratelab.api.Plugins;
import org.ratelab.testkit.Check;
import org.ratelab.testkit.OptimizerConformance;
import org.ratelab.testkit.Problem;

/**
 * The kit catches what it is for: a plug-in optimizer compiled at test time, GD with one flaw switched on by
 * its {@code flaw} key, fails exactly the check for that flaw and passes the others; an excluded check is
 * skipped with its reason.
 */
class ConformanceKitSelfTest {
    static final String SOURCE = """
            package com.example.flawed;

            import org.ratelab.optim.Optimizer;
            import org.ratelab.optim.OptimizerKind;
            import org.ratelab.optim.OptimizerSpec;
            import org.ratelab.spec.Node;

            /** GD with a flaw: none, allocate (a buffer per step), shared_state (a static counter), miscount. */
            public record FlawedSpec(double lr, String flaw) implements OptimizerSpec {
                static long shared;

                public String name() { return "flawed_gd"; }

                public Optimizer instantiate(int dim, int n, double lrScale) {
                    double[] kept = new double[dim];
                    return (k, theta, oracle) -> {
                        double[] g = flaw.equals("allocate") ? new double[dim] : kept;
                        oracle.fullGrad(theta, g);
                        if (flaw.equals("miscount")) oracle.fullGrad(theta, g);   // twice what the cost model says
                        double eta = lr * lrScale * (flaw.equals("shared_state") ? 1.0 + 0.01 * (shared++ % 7) : 1.0);
                        for (int i = 0; i < dim; i++) theta[i] -= eta * g[i];
                    };
                }

                public static final class Provider implements OptimizerKind {
                    public String name() { return "flawed_gd"; }
                    public String doc() { return "GD with a flaw (a test plug-in)"; }
                    public Class<? extends Record> config() { return FlawedSpec.class; }
                    public OptimizerSpec parse(Node n) {
                        return new FlawedSpec(n.positive("lr", 0.05), n.choice("flaw", "none",
                                java.util.List.of("none", "allocate", "shared_state", "miscount")));
                    }
                }
            }
            """;

    @TempDir static Path dir;

    @BeforeAll
    static void plugin() throws IOException {
        Path src = dir.resolve("src/com/example/flawed/FlawedSpec.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, SOURCE);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), "-cp",
                System.getProperty("java.class.path"), src.toString()), "javac");
        Path jar = dir.resolve("flawed.jar");
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(os, m);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                j.write(Files.readAllBytes(f));
                j.closeEntry();
            }
            j.putNextEntry(new JarEntry("META-INF/services/org.ratelab.optim.OptimizerKind"));
            j.write("com.example.flawed.FlawedSpec$Provider\n".getBytes(StandardCharsets.UTF_8));
            j.closeEntry();
        }
        Plugins.use(List.of(jar));
    }

    @AfterAll
    static void noPlugins() {
        Plugins.use(List.of());
    }

    static OptimizerConformance kit(String flaw, Map<Check, String> excluded) {
        return new OptimizerConformance() {
            @Override protected String optimizer() { return "{name: flawed_gd, flaw: " + flaw + "}"; }
            @Override protected List<Problem> problems() { return List.of(Problem.LEAST_SQUARES); }
            @Override protected Map<Check, String> excluded() { return excluded; }
        };
    }

    /** Each check's outcome: "pass", "fail: message" or "skipped: message". */
    static Map<String, String> outcomes(OptimizerConformance kit) {
        Map<String, String> out = new LinkedHashMap<>();
        kit.conformance().forEach(n -> collect(n, out));
        return out;
    }

    private static void collect(DynamicNode n, Map<String, String> out) {
        if (n instanceof DynamicContainer c) {
            c.getChildren().forEach(child -> collect(child, out));
            return;
        }
        DynamicTest t = (DynamicTest) n;
        try {
            t.getExecutable().execute();
            out.put(t.getDisplayName(), "pass");
        } catch (TestAbortedException e) {
            out.put(t.getDisplayName(), "skipped: " + e.getMessage());
        } catch (AssertionError e) {
            out.put(t.getDisplayName(), "fail: " + e.getMessage());
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void eachFlawFailsItsCheckOnly() {
        Map<String, String> sound = outcomes(kit("none", Map.of()));
        assertEquals(Map.of("replay", "pass", "oracle_calls", "pass", "no_allocation", "pass", "probes", "pass"), sound);
        for (String[] flawAndCheck : new String[][] {
                {"allocate", "no_allocation"}, {"shared_state", "replay"}, {"miscount", "oracle_calls"}}) {
            Map<String, String> o = outcomes(kit(flawAndCheck[0], Map.of()));
            for (Map.Entry<String, String> e : o.entrySet()) {
                boolean expectFail = e.getKey().equals(flawAndCheck[1])
                        // a static counter also changes the trajectory between the probes' three runs
                        || (flawAndCheck[0].equals("shared_state") && e.getKey().equals("probes"));
                assertEquals(expectFail, e.getValue().startsWith("fail"), flawAndCheck[0] + ": " + e);
            }
        }
    }

    @Test
    void anExcludedCheckIsSkippedWithItsReason() {
        Map<String, String> o = outcomes(kit("allocate", Map.of(Check.NO_ALLOCATION, "boxes on purpose")));
        assertTrue(o.get("no_allocation").startsWith("skipped") && o.get("no_allocation").contains("boxes on purpose"),
                o.toString());
    }
}
