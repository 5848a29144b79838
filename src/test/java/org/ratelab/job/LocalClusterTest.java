package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.SparkTestSession;
import org.ratelab.TestSpecs;
import org.ratelab.grid.Plan;
import org.ratelab.grid.Planner;
import org.ratelab.spec.SpecLoader;
import org.ratelab.table.OutputDir;

/**
 * A real multi-process cluster on loopback: {@code jobs/local-cluster up} (a master and two workers, one core
 * each), {@code jobs/submit --master spark://127.0.0.1:PORT SPEC --out DIR}, and an executor JVM killed with
 * SIGKILL after the first batch committed. The job completes through Spark's retry, and its tables equal
 * those of local mode value for value: nothing lost, nothing duplicated. Never skipped: it needs only Java
 * and bash. {@code jobs/local-cluster down} runs whatever happens.
 */
class LocalClusterTest {
    /** 2 optimizers x 2 widths x 4 seeds = 16 runs, committed 2 at a time: 8 batches to kill among. */
    static final String SPEC = TestSpecs.SMALL
            .replace("seed: [1, 2]", "seed: [1, 2, 3, 4]")
            .replace("steps: 200", "steps: 400");

    @TempDir static Path dir;
    static Path state;
    static int port;
    static boolean up;

    @BeforeAll
    static void clusterUp() throws Exception {
        state = dir.resolve("cluster");
        port = freePort();
        Runtime.getRuntime().addShutdownHook(new Thread(LocalClusterTest::downQuietly));
        Process p = script("local-cluster", "up");
        String log = finish(p, 150);
        assertEquals(0, p.exitValue(), "jobs/local-cluster up failed:\n" + log);
        up = true;
        Process s = script("local-cluster", "status");
        assertEquals(0, s.waitFor(), finish(s, 30));
    }

    @AfterAll
    static void clusterDown() throws Exception {
        Process p = script("local-cluster", "down");
        String log = finish(p, 60);
        up = false;
        assertEquals(0, p.exitValue(), log);
        Process s = script("local-cluster", "status");
        finish(s, 30);
        assertEquals(3, s.exitValue(), "status after down");
    }

    @Test
    void submittedGridSurvivesAnExecutorKillAndEqualsLocalMode() throws Exception {
        Path spec = TestSpecs.write(dir, "cluster.yaml", SPEC);
        Plan plan = Planner.plan(SpecLoader.load(spec, "default"));
        int n = plan.runs().size();
        Path out = dir.resolve("out");
        Path jar = appJar(dir.resolve("ratelab-app.jar"));
        Path submitLog = dir.resolve("submit.log");
        // the derived tables per batch, in the executors' JVMs (a grid this small would be derived on the driver)
        Process submit = script(Map.of("RATELAB_JAR", jar.toString(),
                "RATELAB_SUBMIT_OPTS", "--conf spark.ratelab.localAnalysis=false"), submitLog, "submit",
                "--master", "spark://127.0.0.1:" + port, spec.toString(), "--out", out.toString(),
                "--batch-runs", "2", "--partitions", "2");
        Path batches = out.resolve(OutputDir.BATCHES);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (ResumeTest.batchNames(batches).isEmpty() && submit.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(submit.isAlive(), () -> "the job ended before its first batch: " + read(submitLog));
        ProcessHandle executor = executorOfWorker(1).or(() -> executorOfWorker(2))
                .orElseThrow(() -> new AssertionError("no executor JVM under the workers"));
        int committedAtKill = ResumeTest.batchNames(batches).size();
        executor.destroyForcibly();  // SIGKILL
        assertTrue(executor.onExit().get(30, TimeUnit.SECONDS) != null);
        finish(submit, 240);
        String log = read(submitLog);
        assertEquals(0, submit.exitValue(), log);
        int total = ResumeTest.batchNames(batches).size();
        System.out.printf("LocalClusterTest: executor pid %d killed with %d of %d batches committed%n",
                executor.pid(), committedAtKill, total);
        assertTrue(committedAtKill < total, "the kill landed after the last batch");
        assertTrue(log.contains(n + " runs in"), log);

        SparkSession spark = SparkTestSession.get();
        OutputDir cluster = OutputDir.of(out.toString(), new Configuration());
        assertTrue(Files.readString(out.resolve(OutputDir.MARKER)).contains("spark://127.0.0.1:" + port));
        assertEquals(n, spark.read().parquet(cluster.table("runs")).select("run_id").distinct().count());
        assertEquals(n, spark.read().parquet(cluster.table("runs")).count());
        OutputDir local = OutputDir.of(dir.resolve("local").toString(), new Configuration());
        local.create("{}");
        GridJob.execute(spark, plan, local, 2);
        for (String t : List.of("runs", "curves", "rates", "laws", "summaries")) {
            assertEquals(ResumeTest.rows(spark, local, t), ResumeTest.rows(spark, cluster, t),
                    t + ": cluster and local mode differ");
        }
        assertFalse(Files.exists(out.resolve("_staging")));
        try (var files = Files.list(out.resolve("rates"))) {
            assertEquals(total, files.filter(f -> f.getFileName().toString().endsWith("-batch.parquet")).count(),
                    "the cluster's rates: one file per batch, as BatchAnalysis writes them");
        }
    }

    /** The executor JVM that worker {@code i} launched, if any. */
    static Optional<ProcessHandle> executorOfWorker(int i) {
        try {
            long pid = Long.parseLong(Files.readString(state.resolve("worker-" + i + ".pid")).trim());
            return ProcessHandle.of(pid).flatMap(w -> w.children()
                    .filter(c -> commandLine(c.pid()).contains("CoarseGrainedExecutorBackend"))
                    .findFirst());
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The full command line from /proc (ProcessHandle.Info may leave out a long one). */
    static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"))).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    /** 7077 when it is free on loopback, else any free port (other jobs share the machine). */
    static int freePort() throws IOException {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (ServerSocket s = new ServerSocket(7077, 1, lo)) {
            return s.getLocalPort();
        } catch (IOException taken) {
            try (ServerSocket s = new ServerSocket(0, 1, lo)) {
                return s.getLocalPort();
            }
        }
    }

    static Process script(String name, String... args) throws IOException {
        return script(Map.of(), null, name, args);
    }

    static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Runs {@code jobs/NAME} with the test classpath (nothing is built) and the cluster's settings. */
    static Process script(Map<String, String> extraEnv, Path log, String name, String... args) throws IOException {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("RATELAB_CLUSTER_DIR", state.toString());
        env.put("RATELAB_MASTER_PORT", Integer.toString(port));
        env.putAll(extraEnv);
        return jobsScript(env, log, name, args);
    }

    /**
     * Runs {@code jobs/NAME ARGS} as a user's shell would, with the test classpath (so nothing is built),
     * loopback, one OpenBLAS thread, no inherited SPARK_HOME, and {@code env} on top; its output goes to
     * {@code log} (a file, not a pipe that could fill up), or to the returned process's stream when null.
     */
    static Process jobsScript(Map<String, String> env, Path log, String name, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("bash", Path.of("jobs", name).toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> e = pb.environment();
        e.remove("SPARK_HOME");
        e.put("RATELAB_CLASSPATH", System.getProperty("java.class.path"));
        e.put("SPARK_LOCAL_IP", "127.0.0.1");
        e.put("OPENBLAS_NUM_THREADS", "1");
        e.putAll(env);
        if (log != null) pb.redirectOutput(log.toFile());
        return pb.start();
    }

    /** Waits for the process (killing it after the timeout) and returns its output. */
    static String finish(Process p, int seconds) throws Exception {
        java.util.concurrent.CompletableFuture<String> text = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes());
            } catch (IOException e) {
                return e.toString();
            }
        });
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            return "(timed out after " + seconds + " s)\n" + text.get(10, TimeUnit.SECONDS);
        }
        return text.get(30, TimeUnit.SECONDS);
    }

    static void downQuietly() {
        if (!up) return;
        try {
            script("local-cluster", "down").waitFor(60, TimeUnit.SECONDS);  // a pipe: "down" prints one line
        } catch (Exception ignored) {
            // best effort at JVM exit
        }
    }

    /** The application jar spark-submit ships: target/classes, packed. */
    static Path appJar(Path jar) throws IOException {
        Path classes = Path.of("target", "classes");
        try (OutputStream o = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(o);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (!Files.isRegularFile(f)) continue;
                j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, j);
                j.closeEntry();
            }
        }
        return jar;
    }
}
