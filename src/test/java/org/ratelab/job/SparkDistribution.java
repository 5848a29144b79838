package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.ratelab.SparkTestSession;
import org.ratelab.table.OutputDir;

/**
 * What the integration tests share: a SPARK_HOME laid out like a Spark 4.1.0 binary distribution
 * ({@code jars/} holding exactly the runtime closure of spark-core, spark-sql and spark-mllib, resolved by
 * Maven from {@code src/test/spark-dist/pom.xml}, and a {@code bin/spark-submit} that starts SparkSubmit on
 * {@code jars/*} alone), a loopback standalone cluster started from it with {@code jobs/local-cluster}, the
 * launchers run with the packaged application jar, and tables compared value for value.
 */
final class SparkDistribution {
    private SparkDistribution() {}

    static final Path APP_JAR = Path.of("target", "ratelab-app.jar").toAbsolutePath();

    /** Lays out the distribution under {@code dir} and returns its SPARK_HOME. */
    static Path layout(Path dir) throws Exception {
        assertTrue(Files.isRegularFile(APP_JAR), "package builds " + APP_JAR);
        Path home = dir.resolve("spark-4.1.0-bin");
        Files.createDirectories(home.resolve("bin"));
        Process mvn = new ProcessBuilder("mvn", "-B", "-q", "-Dstyle.color=never", "-f",
                "src/test/spark-dist/pom.xml", "dependency:copy-dependencies",
                "-DoutputDirectory=" + home.resolve("jars")).redirectErrorStream(true).start();
        String log = LocalClusterTest.finish(mvn, 600);
        assertEquals(0, mvn.exitValue(), "resolving Spark's runtime closure:\n" + log);
        // the launcher of a distribution, reduced to what it runs: SparkSubmit with Spark's JVM options
        String opts = org.apache.spark.launcher.JavaModuleOptions.defaultModuleOptions();
        Files.writeString(home.resolve("bin/spark-submit"), "#!/usr/bin/env bash\n"
                + "SPARK_HOME=\"$(cd \"$(dirname \"$0\")/..\" && pwd)\"\n"
                + "export SPARK_HOME SPARK_SCALA_VERSION=2.13\n"
                + "exec java " + opts + " -Xmx2g -cp \"$SPARK_HOME/jars/*\" org.apache.spark.deploy.SparkSubmit \"$@\"\n");
        assertTrue(home.resolve("bin/spark-submit").toFile().setExecutable(true));
        return home;
    }

    /** A standalone master and two one-core workers on 127.0.0.1, from the distribution's jars. */
    static final class Cluster implements AutoCloseable {
        final Path home;
        final Path state;
        final String master;
        private boolean up;

        private Cluster(Path home, Path state, int port) {
            this.home = home;
            this.state = state;
            this.master = "spark://127.0.0.1:" + port;
        }

        /** Starts it ({@code jobs/local-cluster up}), its state and logs under {@code dir}. */
        static Cluster up(Path home, Path dir) throws Exception {
            Cluster c = new Cluster(home, dir.resolve("cluster"), LocalClusterTest.freePort());
            Path log = dir.resolve("up.log");
            Process u = launcher(Map.of("SPARK_HOME", home.toString(), "RATELAB_CLUSTER_DIR", c.state.toString(),
                    "RATELAB_MASTER_PORT", c.master.substring(c.master.lastIndexOf(':') + 1)), log, "local-cluster", "up");
            c.up = true;
            assertEquals(0, waitFor(u, 180), LocalClusterTest.read(log));
            return c;
        }

        /** {@code jobs/submit --master <this cluster>} with ARGS, waiting for all executors to register. */
        Process submit(Path log, String... args) throws IOException {
            List<String> all = new java.util.ArrayList<>(List.of("--master", master));
            all.addAll(List.of(args));
            all.addAll(List.of("--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
                    "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=120s"));
            return launcher(Map.of("SPARK_HOME", home.toString()), log, "submit", all.toArray(String[]::new));
        }

        @Override
        public void close() throws Exception {
            if (!up) return;
            up = false;
            Process p = launcher(Map.of("SPARK_HOME", home.toString(), "RATELAB_CLUSTER_DIR", state.toString()), null,
                    "local-cluster", "down");
            waitFor(p, 90);
        }
    }

    /** Spark's INFO lines, ERROR lines and stack traces stay off the console (they go to the log file). */
    static void assertQuiet(String console) {
        for (String line : console.lines().toList()) {
            assertFalse(line.contains(" INFO ") || line.contains(" ERROR ") || line.startsWith("\tat "),
                    "Spark on the console: " + line);
        }
    }

    /** Each of {@code tables} present in {@code expected} equals {@code out}'s, value for value (wall times aside). */
    static void assertTablesEqual(Path expected, Path out, List<String> tables) {
        SparkSession spark = SparkTestSession.get();
        OutputDir a = OutputDir.of(expected.toString(), new Configuration());
        OutputDir b = OutputDir.of(out.toString(), new Configuration());
        for (String t : tables) {
            if (!Files.exists(expected.resolve(t))) continue;
            assertEquals(ResumeTest.rows(spark, a, t), ResumeTest.rows(spark, b, t), t + " differs from " + expected);
        }
    }

    /** {@code jobs/NAME ARGS} with the packaged application jar; output to {@code log}, or discarded. */
    static Process launcher(Map<String, String> extraEnv, Path log, String name, String... args) throws IOException {
        Map<String, String> env = new HashMap<>(Map.of("RATELAB_JAR", APP_JAR.toString(), "RATELAB_JAVA_OPTS", "-Xmx2g"));
        env.putAll(extraEnv);
        Process p = LocalClusterTest.jobsScript(env, log, name, args);
        if (log == null) p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        return p;
    }

    static int waitFor(Process p, int seconds) throws InterruptedException {
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            return -1;
        }
        return p.exitValue();
    }
}
