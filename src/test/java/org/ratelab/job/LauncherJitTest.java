package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The launcher's JIT per command ({@code ratelab_jit} in {@code jobs/jvm-opts.sh}): report, sql, checks, plan,
 * kinds and env run with C1 only, the commands that train with both compilers (run and reproduce with C2's
 * thresholds raised, the benches at the defaults), and {@code RATELAB_JIT=full} gives every
 * command both. The flag must also reach the java line of {@code jobs/ratelab}.
 */
class LauncherJitTest {
    static String jitOpts(Map<String, String> env, String... args) throws Exception {
        return bash(". jobs/jvm-opts.sh; ratelab_jit \"$@\"; printf '%s' \"$RATELAB_JIT_OPTS\"",
                List.of("RATELAB_JIT"), env, args);
    }

    /**
     * Runs a bash script from the project's root with {@code args} as its arguments, without the variables
     * {@code unset} and with {@code env}; returns what it printed, after asserting it exited 0.
     */
    static String bash(String script, List<String> unset, Map<String, String> env, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(new java.util.ArrayList<>(List.of("bash", "-c", script, "launcher")));
        pb.command().addAll(List.of(args));
        unset.forEach(pb.environment()::remove);
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void shortCommandsGetTheQuickCompilerOnly() throws Exception {
        Path never = java.nio.file.Files.createTempFile("thp", ".txt");
        java.nio.file.Files.writeString(never, "always madvise [never]\n");
        Map<String, String> noThp = Map.of("RATELAB_THP_SYSFILE", never.toString());
        for (String c : new String[] {"report", "sql", "checks", "plan", "kinds", "env"}) {
            assertEquals("-XX:TieredStopAtLevel=1 -XX:+UseSerialGC", jitOpts(noThp, c, "--out", "x"), c);
            assertEquals("", jitOpts(Map.of("RATELAB_JIT", "full"), c, "--out", "x"), c + " with RATELAB_JIT=full");
        }
        // where Linux offers transparent huge pages on request, the short commands ask for them
        for (String offered : new String[] {"always [madvise] never", "[always] madvise never"}) {
            java.nio.file.Files.writeString(never, offered + "\n");
            assertEquals("-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:+UseTransparentHugePages",
                    jitOpts(noThp, "sql", "--out", "x"),
                    offered);
            assertEquals(List.of("-XX:Tier4InvocationThreshold=15000", "-XX:Tier4MinInvocationThreshold=1800",
                    "-XX:Tier4CompileThreshold=45000", "-XX:Tier4BackEdgeThreshold=120000"),
                    List.of(jitOpts(noThp, "run", "x.yaml").split(" ")), "run keeps its own");
        }
        java.nio.file.Files.writeString(never, "always madvise [never]\n");
        assertEquals("-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
                jitOpts(Map.of("RATELAB_THP_SYSFILE", "/nonexistent/thp"), "sql"));
        java.nio.file.Files.delete(never);
        // the JVM takes this machine's short-command flags, and prints nothing on stdout (sql's answer goes there)
        assertEquals("", bash("java $(. jobs/jvm-opts.sh; ratelab_jit sql; printf '%s' \"$RATELAB_JIT_OPTS\") "
                + "-version 2>/dev/null", List.of("RATELAB_JIT", "RATELAB_THP_SYSFILE"), Map.of()));
        for (String c : new String[] {"bench", "bench-latency", "--help", "--version", ""}) {
            assertEquals("", jitOpts(Map.of(), c), c);
        }
    }

    @Test
    void jobsRaiseTheOptimizingCompilersThresholds() throws Exception {
        for (String c : new String[] {"run", "reproduce"}) {
            List<String> flags = List.of(jitOpts(Map.of(), c, "spec.yaml").split(" "));
            assertEquals(List.of("-XX:Tier4InvocationThreshold=15000", "-XX:Tier4MinInvocationThreshold=1800",
                    "-XX:Tier4CompileThreshold=45000", "-XX:Tier4BackEdgeThreshold=120000"), flags, c);
            assertEquals("", jitOpts(Map.of("RATELAB_JIT", "full"), c, "spec.yaml"), c + " with RATELAB_JIT=full");
        }
        // the JVM takes them (an unknown or misspelt -XX flag would stop it before main)
        String out = bash("java $(. jobs/jvm-opts.sh; ratelab_jit run; printf '%s' \"$RATELAB_JIT_OPTS\") "
                + "-XX:+PrintFlagsFinal -version | grep -E 'Tier4(Invocation|MinInvocation|Compile|BackEdge)Threshold '",
                List.of("RATELAB_JIT"), Map.of());
        for (String f : List.of("Tier4InvocationThreshold += 15000", "Tier4MinInvocationThreshold += 1800",
                "Tier4CompileThreshold += 45000", "Tier4BackEdgeThreshold += 120000")) {
            assertTrue(java.util.regex.Pattern.compile(f).matcher(out).find(), f + " in\n" + out);
        }
    }

    @Test
    void theLauncherPassesItsJitFlagsToJava() throws Exception {
        String launcher = java.nio.file.Files.readString(Path.of("jobs", "ratelab"));
        assertTrue(launcher.contains("ratelab_jit \"$@\""), "jobs/ratelab calls ratelab_jit");
        assertTrue(launcher.matches("(?s).*java_cmd=\\(java [^)]*\\$RATELAB_JIT_OPTS [^)]*\\$\\{RATELAB_JAVA_OPTS.*"),
                "RATELAB_JIT_OPTS comes before RATELAB_JAVA_OPTS on the java line");
    }
}
