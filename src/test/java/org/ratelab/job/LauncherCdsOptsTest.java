package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flags {@code ratelab_cds} ({@code jobs/jvm-opts.sh}) gives a command's first use: a class list for a static
 * archive, never a dynamic archive (JDK 17 archives the "queued for compilation" mark of the methods in the JIT's
 * queue at exit, JDK-8306460, and those methods are then never compiled in any later JVM); and no archive at all
 * when an agent or JFR hooks class loading (JDK 17 crashes mapping an archived class then).
 */
class LauncherCdsOptsTest {
    @TempDir Path dir;

    String cdsOpts(Map<String, String> env, String... args) throws Exception {
        Path jar = Files.writeString(dir.resolve("app.jar"), "not a real jar: only its size and time are read");
        Map<String, String> all = new java.util.HashMap<>(Map.of("RATELAB_TEST_CP", jar.toString(),
                "RATELAB_CDS_DIR", dir.resolve("cds").toString()));
        all.putAll(env);
        return LauncherJitTest.bash(". jobs/jvm-opts.sh; RATELAB_CP=\"$RATELAB_TEST_CP\"; ratelab_cds \"$@\"; "
                + "printf '%s' \"$RATELAB_CDS_OPTS\"", List.of("RATELAB_CDS", "RATELAB_JAVA_OPTS", "JAVA_TOOL_OPTIONS"),
                all, args);
    }

    @Test
    void aFirstUseListsItsClassesForAStaticArchive() throws Exception {
        String first = cdsOpts(Map.of(), "plan", "x.yaml");
        assertTrue(first.matches("-XX:DumpLoadedClassList=.*/cds/\\.plan-\\d+\\.\\d+\\.classlist"), first);
        assertFalse(first.contains("ArchiveClassesAtExit"), first);
        assertEquals("", cdsOpts(Map.of("RATELAB_CDS", "0"), "plan", "x.yaml"));
        assertEquals("", cdsOpts(Map.of(), "plan", "--help"));
    }

    /**
     * What a launcher killed half-way left (its class list, a dump's marker and partial archive) goes at the next
     * first use once untouched for 10 minutes and its launcher is gone; what a running launcher or a fresh dump
     * owns, and the archives, stay.
     */
    @Test
    void aFirstUseSweepsWhatAKilledLauncherLeft() throws Exception {
        Path cds = Files.createDirectories(dir.resolve("cds"));
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        long dead = gone.pid();
        long alive = ProcessHandle.current().pid();
        java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(java.time.Duration.ofMinutes(20)));
        List<String> stale = List.of(".run-1." + dead + ".classlist", ".report-2." + dead + ".pending",
                ".report-2." + dead + ".dumping");
        List<String> kept = List.of(".sql-3." + alive + ".classlist", "run-1.jsa", ".notes.classlist");
        for (String f : stale) Files.setLastModifiedTime(Files.writeString(cds.resolve(f), "x"), old);
        for (String f : kept) Files.setLastModifiedTime(Files.writeString(cds.resolve(f), "x"), old);
        Files.writeString(cds.resolve(".plan-4." + dead + ".classlist"), "fresh: a dump may still read it");
        cdsOpts(Map.of(), "plan", "x.yaml");
        for (String f : stale) assertFalse(Files.exists(cds.resolve(f)), f);
        for (String f : kept) assertTrue(Files.exists(cds.resolve(f)), f);
        assertTrue(Files.exists(cds.resolve(".plan-4." + dead + ".classlist")));
    }

    @Test
    void agentsAndFlightRecordingGetNoArchive() throws Exception {
        for (String opts : List.of("-Xmx2g -XX:StartFlightRecording=filename=x.jfr", "-javaagent:a.jar",
                "-Xmx1g -agentlib:jdwp=transport=dt_socket", "-agentpath:/x/libasyncProfiler.so")) {
            assertEquals("", cdsOpts(Map.of("RATELAB_JAVA_OPTS", opts), "run", "x.yaml"), opts);
        }
        assertEquals("", cdsOpts(Map.of("JAVA_TOOL_OPTIONS", "-javaagent:b.jar"), "run", "x.yaml"));
        assertTrue(cdsOpts(Map.of("RATELAB_JAVA_OPTS", "-Xmx2g"), "run", "x.yaml").startsWith("-XX:DumpLoadedClassList="));
    }
}
