package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class-data sharing ({@code jobs/jvm-opts.sh}, {@code ratelab_cds}) as a user meets it: on a
 * classpath of jars only (the application jar and Spark's), a command's first use lists its classes and exits
 * as it would without, a JVM in the background makes a static archive of that list (never a dynamic one: see
 * {@code jobs/jvm-opts.sh}), the next use maps its classes from the archive, stdout carries the command's output
 * only (never a JVM log line), a failing command keeps no archive, and {@code RATELAB_CDS=0} or a directory on
 * the classpath switch it off.
 */
class LauncherCdsIT {
    @TempDir static Path dir;

    record Result(int exit, String out, String err) {}

    static String jarsOnly() {
        List<String> cp = new ArrayList<>(List.of(SparkDistribution.APP_JAR.toString()));
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (e.endsWith(".jar") && !Path.of(e).getFileName().toString().startsWith("ratelab")) cp.add(e);
        }
        return String.join(File.pathSeparator, cp);
    }

    static Result launch(String classpath, Path cds, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", Path.of("jobs", "ratelab").toString()));
        cmd.addAll(Arrays.asList(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("SPARK_HOME");
        pb.environment().put("RATELAB_CLASSPATH", classpath);
        pb.environment().put("RATELAB_CDS_DIR", cds.toString());
        pb.environment().put("RATELAB_JAVA_OPTS", "-Xmx1g");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("launcher did not finish in 300 s: " + cmd);
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    static List<String> archives(Path cds) throws IOException {
        if (!Files.isDirectory(cds)) return List.of();
        try (Stream<Path> s = Files.list(cds)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aCommandsSecondUseMapsTheArchiveItsFirstUseWrote() throws Exception {
        Path cds = dir.resolve("cds");
        String cp = jarsOnly();
        Path spec = Path.of("conf", "experiments", "quickstart.yaml").toAbsolutePath();
        long t0 = System.nanoTime();
        Result first = launch(cp, cds, Map.of(), "plan", spec.toString());
        assertEquals(0, first.exit(), first.err());
        List<String> made = archives(cds);
        // the archive is dumped after the command exited, in the background: wait for it (and its leftovers to go)
        while ((made.size() != 1 || made.get(0).startsWith(".")) && System.nanoTime() - t0 < 180e9) {
            Thread.sleep(250);
            made = archives(cds);
        }
        assertEquals(1, made.size(), made.toString());
        assertTrue(made.get(0).matches("plan-\\d+\\.jsa"), made.toString());
        assertTrue(Files.size(cds.resolve(made.get(0))) > 1_000_000, "archive size");

        Path classLog = dir.resolve("classes.log");
        Result second = launch(cp, cds, Map.of("RATELAB_JAVA_OPTS",
                "-Xmx1g -Xlog:class+load=info:file=" + classLog), "plan", spec.toString());
        assertEquals(0, second.exit(), second.err());
        assertEquals(first.out(), second.out(), "the same plan with and without the archive");
        assertFalse(first.out().contains("[cds") || first.out().contains("warning]"), first.out());
        assertEquals(made, archives(cds), "the second use writes nothing");
        List<String> loaded = Files.readAllLines(classLog);
        long shared = loaded.stream().filter(l -> l.contains("source: shared objects file")).count();
        long ratelab = loaded.stream().filter(l -> l.contains(" org.ratelab.") && l.contains("shared objects file"))
                .count();
        assertTrue(shared > 1000, shared + " of " + loaded.size() + " classes from the archive");
        assertTrue(ratelab > 10, ratelab + " ratelab classes from the archive");
    }

    @Test
    void aFailedCommandKeepsNoArchiveAndCdsCanBeSwitchedOff() throws Exception {
        Path cds = dir.resolve("cds-fail");
        Result bad = launch(jarsOnly(), cds, Map.of(), "plan", dir.resolve("no-such.yaml").toString());
        assertEquals(2, bad.exit(), bad.err());
        Thread.sleep(2000);   // a dump would have started by now
        assertEquals(List.of(), archives(cds), "nothing kept after exit 2");

        Path off = dir.resolve("cds-off");
        Result env = launch(jarsOnly(), off, Map.of("RATELAB_CDS", "0"), "env");
        assertEquals(0, env.exit(), env.err());
        assertEquals(List.of(), archives(off));

        Path dirs = dir.resolve("cds-dirs");
        Result withDir = launch(System.getProperty("java.class.path"), dirs, Map.of(), "env");
        assertEquals(0, withDir.exit(), withDir.err());
        assertEquals(List.of(), archives(dirs), "a classpath with a directory is not archived");
    }
}
