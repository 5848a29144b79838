package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.TestSpecs;

/**
 * {@code jobs/ratelab report} as the launcher runs it: on the class path of the commands that start no Spark
 * ({@code target/classpath-local.txt}, which {@code mvn verify} writes before the integration tests with the
 * execution the launcher uses, {@code dependency:build-classpath@local-classpath}) and the JVM options without
 * Spark's. The report of a job's output made there loads no Spark or Scala class, takes every class from that
 * class path, and is the page the job's own report wrote on the whole class path: the same HTML but for its
 * time, and the same PNG bytes.
 */
class ReportLocalClasspathIT {
    @TempDir Path dir;

    static final Pattern GENERATED = Pattern.compile("generated \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");

    static List<String> localClasspath() throws Exception {
        Path file = Path.of("target", "classpath-local.txt");
        assertTrue(Files.isRegularFile(file), file + " is written by mvn verify before the integration tests");
        return List.of(Files.readString(file, StandardCharsets.UTF_8).strip().split(File.pathSeparator));
    }

    @Test
    void theLocalClasspathHasNoSparkAndKeepsWhatTheReportReadsWith() throws Exception {
        List<String> jars = localClasspath();
        Set<String> full = Set.of(System.getProperty("java.class.path").split(File.pathSeparator));
        for (String j : jars) {
            assertTrue(full.contains(j), j + " is not on the build's own class path");
            assertFalse(j.contains("/org/apache/spark/") || j.contains("/org/scala-lang/") || j.contains("_2.13"),
                    "a Spark or Scala jar on the local class path: " + j);
        }
        for (String needed : List.of("parquet-hadoop-", "hadoop-client-api-", "hadoop-client-runtime-", "log4j-core-",
                "jfreechart-", "org.jfree.svg-", "picocli-", "snappy-java-", "zstd-jni-")) {
            assertTrue(jars.stream().anyMatch(j -> Path.of(j).getFileName().toString().startsWith(needed)),
                    "no " + needed + "*.jar on the local class path: " + jars);
        }
        long spark = full.stream().filter(j -> j.contains("/org/apache/spark/")).count();
        assertTrue(spark >= 10, "the build's class path has Spark's jars: " + spark);
        assertTrue(jars.size() < full.size() / 2, jars.size() + " local jars of " + full.size());
    }

    @Test
    void theReportOfAJobOnTheLocalClasspathIsTheJobsOwnPage() throws Exception {
        Path spec = TestSpecs.write(dir, "small.yaml", TestSpecs.SMALL.replace("steps: 200", "steps: 40"));
        Path out = dir.resolve("out");
        Process job = GridJobTest.cliProcessIn(dir, "run", spec.toString(), "--out", out.toString());
        String jobLog = new String(job.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(job.waitFor(300, TimeUnit.SECONDS), "the job did not finish");
        assertEquals(0, job.exitValue(), jobLog);
        Map<String, byte[]> before = page(out.resolve("report"));
        assertTrue(before.keySet().stream().filter(f -> f.endsWith(".png")).count() >= 4, before.keySet().toString());
        GridJobTest.deleteTree(out.resolve("report"));

        List<String> local = new ArrayList<>(List.of(Path.of("target", "classes").toAbsolutePath().toString()));
        local.addAll(localClasspath());
        Path classLog = dir.resolve("classes.log");
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        ProcessBuilder pb = new ProcessBuilder("bash", Path.of("jobs", "ratelab").toString(), "report", "--out",
                out.toString(), "--master", "local[2]").redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        pb.environment().remove("SPARK_HOME");
        pb.environment().put("RATELAB_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("RATELAB_LOCAL_CLASSPATH", String.join(File.pathSeparator, local));
        pb.environment().put("RATELAB_CDS", "0");
        pb.environment().put("RATELAB_JAVA_OPTS", "-Xmx1g -Xlog:class+load=info:file=" + classLog);
        Process p = pb.start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the report did not finish");
        String err = Files.readString(stderr);
        assertEquals(0, p.exitValue(), err);
        assertTrue(Files.readString(stdout).contains("ratelab: report: "), Files.readString(stdout) + err);

        // every class from the local class path, none of Spark or Scala
        Set<String> sources = new LinkedHashSet<>();
        List<String> sparkOrScala = new ArrayList<>();
        Pattern line = Pattern.compile("\\] (\\S+) source: (\\S+)");
        for (String l : Files.readAllLines(classLog)) {
            Matcher m = line.matcher(l);
            if (!m.find()) continue;
            if (m.group(1).startsWith("org.apache.spark.") || m.group(1).startsWith("scala.")) {
                sparkOrScala.add(m.group(1));
            }
            if (m.group(2).startsWith("file:")) sources.add(m.group(2).substring("file:".length()));
        }
        assertEquals(List.of(), sparkOrScala);
        Set<String> allowed = Set.copyOf(local);
        for (String s : sources) {
            String entry = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
            assertTrue(allowed.contains(entry), "a class from outside the local class path: " + s);
        }
        assertTrue(sources.stream().anyMatch(s -> s.contains("parquet-hadoop")), sources.toString());

        Map<String, byte[]> after = page(out.resolve("report"));
        assertEquals(before.keySet(), after.keySet());
        for (String f : before.keySet()) {
            if (f.endsWith(".html")) {
                String a = GENERATED.matcher(new String(before.get(f), StandardCharsets.UTF_8)).replaceAll("generated T");
                String b = GENERATED.matcher(new String(after.get(f), StandardCharsets.UTF_8)).replaceAll("generated T");
                assertTrue(a.contains("generated T"), "the page's time line");
                assertEquals(a, b, f);
            } else {
                assertArrayEquals(before.get(f), after.get(f), f);
            }
        }
    }

    /** Every file of a report directory, by its relative path. */
    static Map<String, byte[]> page(Path report) throws Exception {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(report)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                files.put(report.relativize(f).toString(), Files.readAllBytes(f));
            }
        }
        assertTrue(files.containsKey("index.html"), files.keySet().toString());
        return files;
    }
}
