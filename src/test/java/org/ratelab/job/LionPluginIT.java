package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * The example plug-in as its author and its user meet it: ratelab's jar and conformance test-jar, built by this
 * same {@code mvn verify} (the package phase precedes integration-test), are installed into the local
 * repository this build uses (as {@code mvn install} would; the root build is not run again, which would
 * clobber {@code target/}); {@code src/examples/lion-optimizer} is built with Maven, its tests included (the
 * kit's conformance checks and Lion's closed form); then {@code lion.yaml} runs with {@code jobs/ratelab run
 * --jars target/lion-optimizer.jar} and through {@code jobs/submit --jars} on a loopback standalone cluster
 * from a Spark distribution's layout, whose executors load Lion from the shipped jar. The runs and curves
 * tables of both are equal, value for value; every run finished with finite losses; {@code runs.config_json}
 * names the plug-in's jar and version.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LionPluginIT {
    static final Path EXAMPLE = Path.of("src", "examples", "lion-optimizer").toAbsolutePath();
    static final String SPEC = "src/examples/lion-optimizer/lion.yaml";
    static final Path PLUGIN = EXAMPLE.resolve("target/lion-optimizer.jar");
    static final String PLUGIN_VERSION = "0.1.0";

    @TempDir static Path dir;
    static Path local;
    static SparkDistribution.Cluster cluster;

    /** The version this build made, the local repository and offline mode it uses (failsafe passes them). */
    static final String VERSION = System.getProperty("ratelab.version", "0.1.0-SNAPSHOT");

    static List<String> mvn(String... args) {
        List<String> cmd = new ArrayList<>(List.of("mvn", "-B", "-Dstyle.color=never"));
        String repo = System.getProperty("ratelab.mavenRepoLocal", "");
        if (!repo.isBlank() && !repo.startsWith("$")) cmd.add("-Dmaven.repo.local=" + repo);
        if (System.getProperty("ratelab.mavenOffline", "").equals("offline=true")) cmd.add("-o");
        cmd.addAll(List.of(args));
        return cmd;
    }

    static String run(List<String> cmd, Path cwd, Path log, int seconds) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        int code = SparkDistribution.waitFor(p, seconds);
        String text = LocalClusterTest.read(log);
        assertEquals(0, code, String.join(" ", cmd) + ":\n" + text);
        return text;
    }

    @BeforeAll
    static void installAndBuild() throws Exception {
        Path pom = Path.of("pom.xml").toAbsolutePath();
        Path jar = Path.of("target", "ratelab-" + VERSION + ".jar").toAbsolutePath();
        Path tests = Path.of("target", "ratelab-" + VERSION + "-tests.jar").toAbsolutePath();
        assertTrue(Files.isRegularFile(jar) && Files.isRegularFile(tests), "package builds " + jar + " and " + tests);
        Path cwd = Files.createDirectories(dir.resolve("install"));   // install-file outside ratelab's project
        String install = "org.apache.maven.plugins:maven-install-plugin:3.1.4:install-file";
        run(mvn(install, "-Dfile=" + jar, "-DpomFile=" + pom), cwd, dir.resolve("install-jar.log"), 300);
        run(mvn(install, "-Dfile=" + tests, "-DpomFile=" + pom, "-Dclassifier=tests"), cwd,
                dir.resolve("install-tests.log"), 300);
        String build = run(mvn("-f", EXAMPLE.resolve("pom.xml").toString(), "-Dratelab.version=" + VERSION,
                "clean", "package"), EXAMPLE, dir.resolve("example.log"), 600);
        assertTrue(build.contains("LionConformanceTest") && build.contains("LionClosedFormTest"), build);
        assertTrue(build.lines().anyMatch(l -> l.matches(".*Tests run: [1-9]\\d*, Failures: 0, Errors: 0, Skipped: 0$")), build);
        assertTrue(Files.isRegularFile(PLUGIN), build);
    }

    @AfterAll
    static void down() throws Exception {
        if (cluster != null) cluster.close();
    }

    @Test
    @Order(1)
    void theLauncherRunsLionFromItsJar() throws Exception {
        local = dir.resolve("local");
        Path log = dir.resolve("local.log");
        Process p = SparkDistribution.launcher(Map.of(), log, "ratelab", "run", SPEC, "--jars", PLUGIN.toString(),
                "--out", local.toString());
        assertEquals(0, SparkDistribution.waitFor(p, 600), LocalClusterTest.read(log));
        assertRuns(local);
    }

    @Test
    @Order(2)
    void submitToAClusterEqualsTheLauncher() throws Exception {
        Path home = SparkDistribution.layout(dir);
        cluster = SparkDistribution.Cluster.up(home, dir);
        Path out = dir.resolve("cluster-out");
        Path log = dir.resolve("submit.log");
        Process p = cluster.submit(log, SPEC, "--jars", PLUGIN.toString(), "--out", out.toString());
        int code = SparkDistribution.waitFor(p, 600);
        String text = LocalClusterTest.read(log);
        assertEquals(0, code, text);
        assertTrue(Files.readString(out.resolve(OutputDir.MARKER)).contains(cluster.master));
        SparkDistribution.assertQuiet(text);
        assertRuns(out);
        SparkDistribution.assertTablesEqual(local, out, List.of("runs", "curves"));
    }

    /** 12 runs, 6 of them Lion's, all finished with finite losses; config_json names the plug-in. */
    static void assertRuns(Path out) throws Exception {
        SparkSession spark = SparkTestSession.get();
        List<Row> rows = spark.read().parquet(out.resolve("runs").toString())
                .selectExpr("optimizer", "status", "final_loss", "initial_loss", "config_json").collectAsList();
        assertEquals(12, rows.size());
        int lion = 0;
        ObjectMapper json = new ObjectMapper();
        for (Row r : rows) {
            String status = r.getString(1);
            assertTrue(status.equals("converged") || status.equals("max_steps"), r.toString());
            assertTrue(Double.isFinite(r.getDouble(2)) && r.getDouble(2) < r.getDouble(3), r.toString());
            JsonNode opt = json.readTree(r.getString(4)).get("optimizer");
            if (!r.getString(0).equals("lion")) {
                assertTrue(opt.get("plugin") == null, "a built-in kind records no plug-in: " + opt);
                continue;
            }
            lion++;
            assertEquals("lion-optimizer.jar", opt.get("plugin").get("jar").asText(), opt.toString());
            assertEquals(PLUGIN_VERSION, opt.get("plugin").get("version").asText(), opt.toString());
        }
        assertEquals(6, lion);
        JsonNode marker = json.readTree(out.resolve(OutputDir.MARKER).toFile());
        assertTrue(marker.get("plugins").toString().contains("lion"), marker.toString());
    }
}
