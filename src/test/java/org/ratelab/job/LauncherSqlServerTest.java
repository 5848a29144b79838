package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ratelab_sql_server} in {@code jobs/jvm-opts.sh}: which {@code sql} command lines may go to a query
 * server, and which server: the socket's name changes with the working directory, the JVM flags, the build's
 * class path and the environment Spark and ratelab read, not with the idle time; the directory is the user's
 * alone (made 0700), and one that is a symbolic link gets no server.
 */
class LauncherSqlServerTest {
    @TempDir Path dir;

    String socket(Path cwd, Map<String, String> env, String... args) throws Exception {
        Map<String, String> e = new HashMap<>(Map.of("RATELAB_SQL_SERVER_DIR", dir.resolve("srv").toString(),
                "RATELAB_CLASSPATH", dir.resolve("a.jar") + ":" + dir.resolve("b.jar"), "RATELAB_JAVA_OPTS", "-Xmx1g"));
        e.putAll(env);
        String script = "cd '" + cwd + "' && . '" + Path.of("jobs", "jvm-opts.sh").toAbsolutePath() + "' && "
                + "ratelab_build && ratelab_sql_server \"$@\" && printf '%s' \"$RATELAB_SQL_SOCKET\"";
        return LauncherJitTest.bash(script, List.of("RATELAB_SQL_SERVER"), e, args);
    }

    @Test
    void sqlCommandLinesGetTheSocketOfTheirSetting() throws Exception {
        Files.writeString(dir.resolve("a.jar"), "a");
        Files.writeString(dir.resolve("b.jar"), "b");
        Path one = Files.createDirectories(dir.resolve("one"));
        Path two = Files.createDirectories(dir.resolve("two"));
        String s = socket(one, Map.of(), "sql", "--out", "q", "SELECT 1");
        assertTrue(s.startsWith(dir.resolve("srv").resolve("sql-").toString()) && s.endsWith(".sock"), s);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("srv"))));
        // the same setting, another query or flags: the same server
        assertEquals(s, socket(one, Map.of(), "sql", "--out", "other", "--format", "csv", "SELECT 2"));
        assertEquals(s, socket(one, Map.of("RATELAB_SQL_SERVER_IDLE", "5", "RATELAB_CDS_WAIT", "1"), "sql", "--out", "q", "x"));
        // another working directory, JVM flags, environment or build: another server
        assertNotEquals(s, socket(two, Map.of(), "sql", "--out", "q", "SELECT 1"));
        assertNotEquals(s, socket(one, Map.of("RATELAB_JAVA_OPTS", "-Xmx2g"), "sql", "--out", "q", "SELECT 1"));
        assertNotEquals(s, socket(one, Map.of("SPARK_LOCAL_IP", "127.0.0.2"), "sql", "--out", "q", "SELECT 1"));
        assertNotEquals(s, socket(one, Map.of("HADOOP_CONF_DIR", "/etc/h"), "sql", "--out", "q", "SELECT 1"));
        assertNotEquals(s, socket(one, Map.of("TZ", "Asia/Tokyo"), "sql", "--out", "q", "SELECT 1"));
        Files.writeString(dir.resolve("b.jar"), "b, rebuilt");
        assertNotEquals(s, socket(one, Map.of(), "sql", "--out", "q", "SELECT 1"));
    }

    @Test
    void otherCommandLinesAreNotServed() throws Exception {
        Files.writeString(dir.resolve("a.jar"), "a");
        Files.writeString(dir.resolve("b.jar"), "b");
        for (List<String> args : List.<List<String>>of(List.of("report", "--out", "q"), List.of("run", "x.yaml"),
                List.of("sql", "--out", "q", "--master", "local[1]", "SELECT 1"),
                List.of("sql", "--out", "q", "--master=local[1]", "SELECT 1"), List.of("sql", "--help"),
                List.of("sql", "-h"), List.of("sql", "--version"), List.of())) {
            assertEquals("", socket(dir, Map.of(), args.toArray(String[]::new)), args.toString());
        }
        assertEquals("", socket(dir, Map.of("RATELAB_SQL_SERVER", "0"), "sql", "--out", "q", "SELECT 1"));
        for (String idle : List.of("10m", "-5", "0", "1.5")) {
            assertEquals("ratelab: RATELAB_SQL_SERVER_IDLE must be a whole number of seconds, got '" + idle
                    + "'; no query server\n", socket(dir, Map.of("RATELAB_SQL_SERVER_IDLE", idle), "sql", "--out", "q",
                    "SELECT 1"), idle);
        }
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.createSymbolicLink(dir.resolve("link"), elsewhere);
        assertEquals("", socket(dir, Map.of("RATELAB_SQL_SERVER_DIR", dir.resolve("link").toString()), "sql", "--out",
                "q", "SELECT 1"), "a symbolic link as the server directory");
    }
}
