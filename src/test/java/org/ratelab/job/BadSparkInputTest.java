package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratelab.TestSpecs;
import org.ratelab.table.OutputDir;

/**
 * Spark settings Spark would refuse late, loudly or after minutes of retries, refused before a session
 * starts: a master URL in none of Spark's forms or that nobody answers, a {@code --conf} value that Spark's
 * own registered entry rejects, an unknown {@code --blas}. Each goes through the CLI and must exit 2 with one
 * line naming the flag, within seconds, and leave an existing output directory byte-identical.
 */
class BadSparkInputTest {
    @TempDir static Path dir;
    static Path out;
    static String spec;
    static int closedPort;

    @BeforeAll
    static void fixture() throws Exception {
        out = dir.resolve("existing");
        Files.createDirectories(out.resolve("runs"));
        Files.writeString(out.resolve(OutputDir.MARKER), "{\"tool\": \"ratelab\"}\n");
        Files.writeString(out.resolve("runs").resolve("part-0.parquet"), "table bytes");
        spec = TestSpecs.write(dir, "good.yaml", TestSpecs.SMALL).toString();
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();  // closed again when the test uses it
        }
    }

    record Case(String name, String expected, List<String> flags) {
        @Override public String toString() { return name; }
    }

    static Case c(String name, String expected, String... flags) {
        return new Case(name, expected, List.of(flags));
    }

    static Stream<Case> cases() {
        return Stream.of(
            c("master: unknown scheme", "--master foo://x: not a Spark master URL", "--master", "foo://x"),
            c("master: mesos is gone in Spark 4", "not a Spark master URL", "--master", "mesos://h:5050"),
            c("master: local with zero threads", "--master local[0]: the number of threads", "--master", "local[0]"),
            c("master: local with too many threads", "the number of threads", "--master", "local[99999999999]"),
            c("master: local with words", "not a Spark master URL", "--master", "local[two]"),
            c("master: local with zero failures", "the number of task failures", "--master", "local[2,0]"),
            c("master: local-cluster with two numbers", "not a Spark master URL", "--master", "local-cluster[2,1]"),
            c("master: local-cluster with zero memory", "local-cluster[workers, cores, memory MB]",
                    "--master", "local-cluster[2,1,0]"),
            c("master: spark without port", "expected spark://HOST:PORT", "--master", "spark://127.0.0.1"),
            c("master: spark port out of range", "port 1-65535", "--master", "spark://127.0.0.1:70000"),
            c("master: spark nobody listens", "no master answers", "--master", "spark://127.0.0.1:" + closedPort),
            c("master: spark HA list, nobody listens", "no master answers",
                    "--master", "spark://127.0.0.1:" + closedPort + ",127.0.0.1:" + closedPort),
            c("master: k8s without a URL", "not a Spark master URL", "--master", "k8s://"),
            c("conf: memory in words", "--conf spark.executor.memory=lots: Spark refuses it",
                    "--conf", "spark.executor.memory=lots"),
            c("conf: negative shuffle partitions", "--conf spark.sql.shuffle.partitions=-3: Spark refuses it",
                    "--conf", "spark.sql.shuffle.partitions=-3"),
            c("conf: shuffle partitions in words", "spark.sql.shuffle.partitions=many: Spark refuses it",
                    "--conf", "spark.sql.shuffle.partitions=many"),
            c("conf: task failures in words", "spark.task.maxFailures=abc: Spark refuses it",
                    "--conf", "spark.task.maxFailures=abc"),
            c("conf: boolean that is not", "spark.sql.ansi.enabled=maybe: Spark refuses it",
                    "--conf", "spark.sql.ansi.enabled=maybe"),
            c("conf: fractional driver cores", "spark.driver.cores=1.5: Spark refuses it",
                    "--conf", "spark.driver.cores=1.5"),
            c("conf: time zone nobody has", "spark.sql.session.timeZone=Mars/Olympus: Spark refuses it",
                    "--conf", "spark.sql.session.timeZone=Mars/Olympus"),
            c("conf: codec Parquet does not have", "spark.sql.parquet.compression.codec=zip: Spark refuses it",
                    "--conf", "spark.sql.parquet.compression.codec=zip"),
            c("conf: ratelab's BLAS property", "--blas nope: expected bundled or system",
                    "--blas", "nope")
        );
    }

    /** Object stores rename by copy and delete: refused as --out, whether or not their filesystem is installed. */
    static Stream<Case> objectStores() {
        return Stream.of("s3a://bucket/out", "s3://bucket/out", "gs://bucket/out", "wasbs://c@acct.blob/out",
                "oss://bucket/out").map(u -> c("out: " + u, "does not rename atomically", u));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("objectStores")
    void objectStoresAreRefusedAsOutput(Case c) throws Exception {
        Map<String, String> before = BadInputTest.hashTree(out);
        CliTest.Result r = CliTest.cli("run", spec, "--out", c.flags().get(0));
        assertEquals(2, r.code(), c.name() + ": " + r.err() + r.out());
        assertEquals(1, r.errLines().length, c.name() + ": exactly one line, got: " + r.err());
        assertTrue(r.err().contains("--out " + c.flags().get(0) + ": ") && r.err().contains(c.expected()), r.err());
        assertEquals(before, BadInputTest.hashTree(out));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void runExitsTwoWithOneLineBeforeSparkStarts(Case c) throws Exception {
        Map<String, String> before = BadInputTest.hashTree(out);
        List<String> args = new ArrayList<>(List.of("run", spec, "--out", out.toString(), "--overwrite"));
        args.addAll(c.flags());
        long t0 = System.nanoTime();
        CliTest.Result r = CliTest.cli(args.toArray(String[]::new));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(2, r.code(), c.name() + ": " + r.err() + r.out());
        assertEquals(1, r.errLines().length, c.name() + ": exactly one line, got: " + r.err());
        assertTrue(r.err().startsWith("ratelab: ") && r.err().contains(c.expected()),
                c.name() + ": expected '" + c.expected() + "' in: " + r.err());
        assertTrue(seconds < 15, c.name() + ": took " + seconds + " s");
        assertEquals(before, BadInputTest.hashTree(out), c.name() + ": the output directory changed");
    }

    /** The same checks hold for every command that starts Spark, not only run. */
    @Test
    void sqlAndReportRefuseTheSameMaster() {
        for (String[] args : List.of(
                new String[] {"sql", "--out", out.toString(), "--master", "foo://x", "SELECT 1"},
                new String[] {"report", "--out", out.toString(), "--master", "local[0]"})) {
            CliTest.Result r = CliTest.cli(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertEquals(1, r.errLines().length, r.err());
            assertTrue(r.err().contains("--master"), r.err());
        }
    }

    /** A valid value of a registered key passes the check untouched (the check is Spark's, not a list of ours). */
    @Test
    void acceptedValuesPass() {
        SparkConfs.validate(Map.of("spark.executor.memory", "2g", "spark.sql.shuffle.partitions", "7",
                "spark.sql.session.timeZone", "Europe/Paris", "spark.executorEnv.OPENBLAS_NUM_THREADS", "1",
                "spark.hadoop.fs.defaultFS", "file:///", "spark.ratelab.blas", "system"));
        for (String m : List.of("local", "local[1]", "local[*]", "local[4, 2]", "local-cluster[2, 1, 1024]", "yarn",
                "k8s://https://127.0.0.1:6443")) {
            SparkConfs.checkMaster(m, "--master");
        }
    }
}
