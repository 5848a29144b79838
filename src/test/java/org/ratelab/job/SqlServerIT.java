package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.TestSpecs;

/**
 * {@code jobs/ratelab sql} with its query server, as a user meets it: the first query runs in a JVM of its own
 * and leaves a server behind; the next ones, from the same directory with relative paths, are answered by that
 * server (its log counts them) and print what the first printed; a relative {@code --to} lands in the user's
 * directory; a query from another directory is not sent to it but leaves a server of its own, which removes its
 * socket when killed (SIGTERM); the first server ends after its idle time and removes its socket.
 */
class SqlServerIT {
    @TempDir Path dir;

    record Result(int code, String out, String err) {}

    Result launcher(Path cwd, Map<String, String> env, String... args) throws Exception {
        Path o = Files.createTempFile(dir, "out", ".txt");
        Path e = Files.createTempFile(dir, "err", ".txt");
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", Path.of("jobs", "ratelab").toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectOutput(o.toFile())
                .redirectError(e.toFile());
        pb.environment().remove("SPARK_HOME");
        pb.environment().put("RATELAB_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("RATELAB_CDS", "0");
        pb.environment().put("RATELAB_JAVA_OPTS", "-Xmx1g");
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the launcher did not finish");
        return new Result(p.exitValue(), Files.readString(o), Files.readString(e));
    }

    static List<Path> sockets(Path srv) throws Exception {
        if (!Files.isDirectory(srv)) return List.of();
        try (Stream<Path> s = Files.list(srv)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".sock")).toList();
        }
    }

    /** The sockets of running servers and the marks of starting ones. */
    static List<Path> serverFiles(Path srv) throws Exception {
        try (Stream<Path> s = Files.list(srv)) {
            return s.filter(p -> p.toString().endsWith(".sock") || p.toString().endsWith(".starting")).toList();
        }
    }

    static long answered(Path srv) throws Exception {
        try (Stream<Path> s = Files.list(srv)) {
            long n = 0;
            for (Path log : s.filter(p -> p.getFileName().toString().endsWith(".log")).toList()) {
                n += Files.readAllLines(log).stream().filter(l -> l.startsWith("ratelab sql server: answered")).count();
            }
            return n;
        }
    }

    @Test
    void laterQueriesAreAnsweredByTheServerTheFirstLeftBehind() throws Exception {
        Path spec = TestSpecs.write(dir, "small.yaml", TestSpecs.SMALL.replace("steps: 200", "steps: 30"));
        Path work = Files.createDirectories(dir.resolve("work"));
        Process job = GridJobTest.cliProcessIn(work, "run", spec.toString(), "--out", "out");
        String jobLog = new String(job.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(job.waitFor(300, TimeUnit.SECONDS), "the job did not finish");
        assertEquals(0, job.exitValue(), jobLog);

        Path srv = dir.resolve("srv");
        Map<String, String> env = Map.of("RATELAB_SQL_SERVER", "1", "RATELAB_SQL_SERVER_DIR", srv.toString(),
                "RATELAB_SQL_SERVER_IDLE", "20");
        String query = "SELECT run_id, status, steps FROM runs ORDER BY run_id";
        Result first = launcher(work, env, "sql", "--out", "out", query);
        assertEquals(0, first.code(), first.err());
        assertEquals(9, first.out().lines().count(), first.out());  // a header and 8 runs
        for (int i = 0; i < 1200 && sockets(srv).isEmpty(); i++) Thread.sleep(100);
        assertEquals(1, sockets(srv).size(), "no server was left behind");
        Path socket = sockets(srv).get(0);

        Result second = launcher(work, env, "sql", "--out", "out", query);
        assertEquals(first, second);
        Result csv = launcher(work, env, "sql", "--out", "out", "--to", "runs.csv", query);
        assertEquals(new Result(0, "wrote runs.csv\n", ""), csv);
        List<String> lines = Files.readAllLines(work.resolve("runs.csv"));
        assertEquals("run_id,status,steps", lines.get(0));
        assertEquals(first.out().lines().skip(1).map(l -> l.replace('\t', ',')).toList(), lines.subList(1, lines.size()));
        Result refused = launcher(work, env, "sql", "--out", "out", "DELETE FROM runs");
        assertEquals(2, refused.code());
        assertTrue(refused.err().startsWith("ratelab: query refused, sql is read-only"), refused.err());
        assertEquals(3, answered(srv), "the server's log counts the queries it answered");

        // another directory is another setting: its relative --out is not the server's, so it runs on its own
        Result elsewhere = launcher(dir, env, "sql", "--out", "work/out", "SELECT count(*) AS n FROM runs");
        assertEquals(new Result(0, "n\n8\n", ""), elsewhere);
        assertEquals(3, answered(srv));

        // the other directory's server, once up, is killed (SIGTERM): it removes its socket on the way out
        // (the first server may reach its idle end meanwhile: a slow machine starts the second late)
        Path other = null;
        for (int i = 0; i < 1800 && other == null; i++) {
            for (Path p : sockets(srv)) if (!p.equals(socket)) other = p;
            if (other == null) Thread.sleep(100);
        }
        assertTrue(other != null, "the other directory's query left no server of its own");
        String log = Files.readString(Path.of(other.toString().replaceAll("\\.sock$", ".log")));
        java.util.regex.Matcher pid = java.util.regex.Pattern.compile("ratelab sql server: pid (\\d+),").matcher(log);
        assertTrue(pid.find(), log);
        ProcessHandle killed = ProcessHandle.of(Long.parseLong(pid.group(1))).orElseThrow();
        assertTrue(killed.destroy(), "SIGTERM");
        killed.onExit().get(60, TimeUnit.SECONDS);
        assertFalse(Files.exists(other), "a killed server left its socket");

        // this directory's server ends after its idle time, removing its socket
        for (int i = 0; i < 1200 && (Files.exists(socket) || !serverFiles(srv).isEmpty()); i++) Thread.sleep(100);
        assertFalse(Files.exists(socket), "the server did not end after its idle time");
        assertEquals(List.of(), serverFiles(srv), "a server still runs or is starting");
    }
}
