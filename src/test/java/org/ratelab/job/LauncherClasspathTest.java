package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's build ({@code ratelab_build} in {@code jobs/jvm-opts.sh}) asks Maven for the class path of the
 * compile, provided and system scopes, not the test scope (JUnit and ArchUnit are not where spark-submit runs
 * the jar), and builds again when the launcher's own script changed. Run with a stand-in {@code mvn} on the
 * PATH that records its arguments and writes a class path, in a copy of the launcher under a directory of its
 * own.
 */
class LauncherClasspathTest {
    @TempDir Path home;

    private static final String FAKE_MVN = """
            #!/bin/bash
            echo "$*" >> "$RATELAB_HOME/mvn-args"
            mkdir -p "$RATELAB_HOME/target/classes"
            echo x > "$RATELAB_HOME/target/classes/x.txt"
            printf '/deps/a.jar:/deps/b.jar' > "$RATELAB_HOME/target/classpath.txt"
            printf '/deps/b.jar' > "$RATELAB_HOME/target/classpath-local.txt"
            """;

    private String build() throws Exception {
        return build("run");
    }

    /** The build, then the class path and JVM options of {@code command} ({@code ratelab_command}). */
    private String build(String command) throws Exception {
        return LauncherJitTest.bash(". \"$RATELAB_HOME/jobs/jvm-opts.sh\"; ratelab_build; ratelab_command " + command
                + "; echo \"CP=$RATELAB_CP\"; echo \"OPTS=$RATELAB_JVM_OPTS\"",
                List.of("RATELAB_CLASSPATH", "RATELAB_LOCAL_CLASSPATH"), Map.of("RATELAB_HOME", home.toString(),
                        "PATH", home.resolve("bin") + ":" + System.getenv("PATH")));
    }

    @Test
    void theLaunchClasspathLeavesTheTestScopeOutAndFollowsTheScript() throws Exception {
        Files.createDirectories(home.resolve("jobs"));
        Files.createDirectories(home.resolve("src/main"));
        Files.writeString(home.resolve("pom.xml"), "<project><spark.jvm.opts>--add-opens=x</spark.jvm.opts>"
                + "<local.jvm.opts>-XX:+IgnoreUnrecognizedVMOptions</local.jvm.opts></project>\n");
        Path script = home.resolve("jobs/jvm-opts.sh");
        Files.copy(Path.of("jobs/jvm-opts.sh"), script);
        Files.createDirectories(home.resolve("bin"));
        Path mvn = home.resolve("bin/mvn");
        Files.writeString(mvn, FAKE_MVN);
        assertTrue(mvn.toFile().setExecutable(true));

        String first = build();
        assertTrue(first.contains("ratelab: building"), first);
        String args = Files.readString(home.resolve("mvn-args"), StandardCharsets.UTF_8).strip();
        assertTrue(List.of(args.split(" ")).containsAll(List.of("compile", "dependency:build-classpath",
                "-DincludeScope=compile", "-Dmdep.outputFile=target/classpath.txt",
                "dependency:build-classpath@local-classpath")), args);
        String jar = home.resolve("target/ratelab-classes.jar").toString();
        assertTrue(first.contains("CP=" + jar + ":/deps/a.jar:/deps/b.jar\n"), first);
        assertTrue(first.contains("OPTS=--add-opens=x\n"), first);

        // report starts no Spark: the local class path, and the JVM options without Spark's
        String report = build("report");
        assertFalse(report.contains("ratelab: building"), report);
        assertTrue(report.contains("CP=" + jar + ":/deps/b.jar\n"), report);
        assertTrue(report.contains("OPTS=-XX:+IgnoreUnrecognizedVMOptions\n"), report);
        for (String other : List.of("sql", "plan", "checks", "run")) {
            String o = build(other);
            assertTrue(o.contains("CP=" + jar + ":/deps/a.jar:/deps/b.jar\n"), other + ": " + o);
        }

        // nothing changed: no second build
        String again = build();
        assertFalse(again.contains("ratelab: building"), again);
        assertEquals(1, Files.readAllLines(home.resolve("mvn-args")).size(), "built again");

        // the launcher's script changed: built again, so a new class path rule takes effect at once
        Files.setLastModifiedTime(script, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        String changed = build();
        assertTrue(changed.contains("ratelab: building"), changed);
        assertEquals(2, Files.readAllLines(home.resolve("mvn-args")).size());
    }

    /** An installed copy's RATELAB_CLASSPATH: report takes RATELAB_LOCAL_CLASSPATH, else the same class path. */
    @Test
    void aGivenClasspathServesReportThroughTheLocalOneWhenGiven() throws Exception {
        String script = ". \"$RATELAB_HOME/jobs/jvm-opts.sh\"; ratelab_build; ratelab_command \"$1\"; echo \"CP=$RATELAB_CP\"";
        Map<String, String> env = Map.of("RATELAB_HOME", Path.of("").toAbsolutePath().toString(),
                "RATELAB_CLASSPATH", "/x/all.jar");
        assertTrue(LauncherJitTest.bash(script, List.of("RATELAB_LOCAL_CLASSPATH"), env, "report")
                .contains("CP=/x/all.jar\n"));
        Map<String, String> both = new java.util.HashMap<>(env);
        both.put("RATELAB_LOCAL_CLASSPATH", "/x/local.jar");
        assertTrue(LauncherJitTest.bash(script, List.of(), both, "report").contains("CP=/x/local.jar\n"));
        assertTrue(LauncherJitTest.bash(script, List.of(), both, "sql").contains("CP=/x/all.jar\n"));
    }

    /** The build's "compile" scope leaves out runtime scope: the project has no dependency of that scope. */
    @Test
    void thePomHasNoRuntimeScopedDependency() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"), StandardCharsets.UTF_8);
        assertFalse(pom.contains("<scope>runtime</scope>"), "a runtime-scoped dependency: jobs/jvm-opts.sh "
                + "asks for the compile scope only");
        assertTrue(pom.contains("<scope>test</scope>"), "the test scope the launcher leaves out");
    }
}
