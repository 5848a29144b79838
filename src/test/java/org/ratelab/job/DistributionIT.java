package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.SparkTestSession;
import org.ratelab.table.OutputDir;

/**
 * ratelab as a Spark user runs it: a SPARK_HOME laid out like a Spark 4.1.0 binary distribution ({@code jars/}
 * holding exactly the runtime closure of spark-core, spark-sql and spark-mllib, resolved by Maven from
 * {@code src/test/spark-dist/pom.xml}, and a {@code bin/spark-submit} that starts SparkSubmit on
 * {@code jars/*} alone), the application jar {@code target/ratelab-app.jar} that {@code package} built, and
 * {@code jobs/submit}. The quickstart goes through spark-submit in local mode and through a loopback
 * standalone cluster started from that SPARK_HOME; both must exit 0, write the report, train every run on
 * the bundled OpenBLAS and give tables equal to {@code jobs/ratelab run}'s, value for value. Nothing of
 * ratelab's is on the distribution's classpath: whatever the job needs must travel in the jar.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributionIT {
    static final String QUICKSTART = "conf/experiments/quickstart.yaml";
    static final List<String> TABLES = List.of("runs", "curves", "rates", "laws", "summaries", "bounds", "checks");

    @TempDir static Path dir;
    static Path home;
    static Path local;
    static SparkDistribution.Cluster cluster;

    @BeforeAll
    static void distribution() throws Exception {
        home = SparkDistribution.layout(dir);
        local = dir.resolve("local");
        Process run = launcher(Map.of(), dir.resolve("local.log"), "ratelab", "run", QUICKSTART, "--out",
                local.toString());
        assertEquals(0, waitFor(run, 600), LocalClusterTest.read(dir.resolve("local.log")));
    }

    @AfterAll
    static void down() throws Exception {
        if (cluster != null) cluster.close();
    }

    @Test
    @Order(1)
    void distributionHoldsSparkOnly() throws IOException {
        TreeSet<String> jars = new TreeSet<>();
        try (Stream<Path> s = Files.list(home.resolve("jars"))) {
            s.forEach(p -> jars.add(p.getFileName().toString()));
        }
        assertTrue(jars.size() > 150, "Spark's runtime closure: " + jars.size() + " jars");
        assertTrue(jars.contains("spark-core_2.13-4.1.0.jar") && jars.contains("spark-mllib_2.13-4.1.0.jar"));
        for (String j : jars) {
            assertFalse(j.startsWith("picocli") || j.startsWith("jfreechart") || j.startsWith("org.jfree")
                    || j.startsWith("javacpp") || j.startsWith("openblas") || j.startsWith("ratelab"),
                    j + " is ratelab's, not Spark's");
        }
    }

    @Test
    @Order(2)
    void submitInLocalModeEqualsTheLauncher() throws Exception {
        Path out = dir.resolve("submit-local");
        Path log = dir.resolve("submit-local.log");
        Process p = launcher(Map.of("SPARK_HOME", home.toString()), log, "submit", "--master", "local[2]",
                QUICKSTART, "--out", out.toString());
        int code = waitFor(p, 600);
        String text = LocalClusterTest.read(log);
        assertEquals(0, code, text);
        assertTrue(Files.isRegularFile(out.resolve("report/index.html")), text);
        assertQuiet(text);
        assertTablesEqual(out);
        assertBundledBlas(out, 1);
    }

    @Test
    @Order(3)
    void submitToAClusterFromTheDistributionEqualsLocalMode() throws Exception {
        cluster = SparkDistribution.Cluster.up(home, dir);
        String master = cluster.master;
        // neither master nor workers see ratelab: they run from the distribution's jars
        for (String pidFile : List.of("master.pid", "worker-1.pid", "worker-2.pid")) {
            long pid = Long.parseLong(Files.readString(cluster.state.resolve(pidFile)).trim());
            String cmd = LocalClusterTest.commandLine(pid);
            assertTrue(cmd.contains(home.resolve("jars") + "/*") && !cmd.contains("ratelab"), cmd);
        }

        Path onCluster = dir.resolve("submit-cluster");
        Path log = dir.resolve("submit-cluster.log");
        Process p = cluster.submit(log, QUICKSTART, "--out", onCluster.toString());
        int code = waitFor(p, 900);
        String text = LocalClusterTest.read(log);
        assertEquals(0, code, text);
        assertTrue(Files.isRegularFile(onCluster.resolve("report/index.html")), text);
        assertTrue(Files.readString(onCluster.resolve(OutputDir.MARKER)).contains(master));
        assertQuiet(text);
        assertTablesEqual(onCluster);
        assertBundledBlas(onCluster, 2);

        // an executor whose native library is missing, under --require-native-blas: one line, exit 2, nothing written
        Path refused = dir.resolve("submit-refused");
        Path log2 = dir.resolve("submit-refused.log");
        Process r = launcher(Map.of("SPARK_HOME", home.toString()), log2, "submit", "--master", master, QUICKSTART,
                "--out", refused.toString(), "--require-native-blas",
                "--conf", "spark.executor.extraJavaOptions=-Ddev.ludovic.netlib.blas.nativeLibPath=/nonexistent/libblas.so.3");
        int rc = waitFor(r, 600);
        String t2 = LocalClusterTest.read(log2);
        assertEquals(2, rc, t2);
        List<String> ours = t2.lines().filter(l -> l.startsWith("ratelab: --require-native-blas")).toList();
        assertEquals(1, ours.size(), t2);
        assertTrue(ours.get(0).contains("runs VectorBLAS") || ours.get(0).contains("runs Java"), ours.get(0));
        assertFalse(t2.contains("\tat "), "a stack trace on the console:\n" + t2);
        assertFalse(Files.exists(refused), "a refused job wrote " + refused);
    }

    static void assertQuiet(String console) { SparkDistribution.assertQuiet(console); }

    /** Every table of the launcher's run equals this output's, value for value (wall times aside). */
    static void assertTablesEqual(Path out) { SparkDistribution.assertTablesEqual(local, out, TABLES); }

    /** Every run trained on JNIBLAS, and every executor ran the bundled OpenBLAS, named in _ratelab.json. */
    static void assertBundledBlas(Path out, int executors) throws IOException {
        SparkSession spark = SparkTestSession.get();
        List<Row> blas = spark.read().parquet(out.resolve("runs").toString()).select("blas").distinct().collectAsList();
        assertEquals(1, blas.size(), blas.toString());
        assertEquals("JNIBLAS", blas.get(0).getString(0));
        JsonNode marker = new ObjectMapper().readTree(out.resolve(OutputDir.MARKER).toFile());
        JsonNode ex = marker.get("executors_blas");
        assertEquals(executors, ex.size(), marker.toString());
        for (JsonNode e : ex) {
            assertEquals("JNIBLAS", e.get("blas").asText(), e.toString());
            assertEquals("bundled", e.get("blas_source").asText(), e.toString());
            assertTrue(e.get("blas_library").asText().endsWith("/org/bytedeco/openblas/linux-x86_64/libopenblas.so.0"),
                    e.toString());
            assertTrue(e.get("openblas_config").asText().startsWith("OpenBLAS 0.3.31"), e.toString());
        }
    }

    static Process launcher(Map<String, String> extraEnv, Path log, String name, String... args) throws IOException {
        return SparkDistribution.launcher(extraEnv, log, name, args);
    }

    static int waitFor(Process p, int seconds) throws InterruptedException {
        return SparkDistribution.waitFor(p, seconds);
    }
}
