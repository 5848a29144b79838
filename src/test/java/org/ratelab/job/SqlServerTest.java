package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.SparkTestSession;
import org.ratelab.TestSpecs;
import org.ratelab.grid.Planner;
import org.ratelab.spec.SpecLoader;
import org.ratelab.table.OutputDir;

/**
 * The query server ({@link SqlServer}) and its client ({@link SqlClient}) over a real Unix socket, on the shared
 * session: a served {@code sql} prints what the command prints in a JVM of its own, byte for byte, on the same
 * streams with the same exit status; it reads the tables as they are at the query, not as they were; EXPLAIN,
 * {@code --master} and other commands are declined with nothing run; the server ends when idle and removes its
 * socket; a socket nobody listens on is declined and removed.
 */
class SqlServerTest {
    static final int RUNS = 8;

    @TempDir static Path dir;
    static SparkSession spark;
    static OutputDir out;
    static Path socket;
    static Thread server;

    @BeforeAll
    static void servedOutput() throws Exception {
        spark = SparkTestSession.get();
        Path spec = TestSpecs.write(dir, "sql.yaml", TestSpecs.SMALL.replace("steps: 200", "steps: 30"));
        out = OutputDir.of(dir.resolve("out").toString(), new Configuration());
        out.create("{\"tool\": \"ratelab\"}");
        GridJob.execute(spark, Planner.plan(SpecLoader.load(spec, "default")), out, 2);
        socket = dir.resolve("s.sock");
        server = serving(socket, 600_000);
    }

    @AfterAll
    static void stop() throws Exception {
        // an interrupt closes the server's channel; it ends and removes its socket (before the directory goes)
        server.interrupt();
        server.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(server.isAlive(), "the server did not end");
        assertFalse(Files.exists(socket), "the server left its socket");
        assertFalse(spark.sparkContext().isStopped(), "a served query stopped the server's session");
    }

    /** A server on {@code socket} in a thread of its own, listening once this returns. */
    static Thread serving(Path socket, long idleMillis) throws Exception {
        Thread t = new Thread(() -> {
            try {
                SqlServer.serve(spark, socket, idleMillis);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, "sql-server-test");
        t.setDaemon(true);
        t.start();
        for (int i = 0; i < 200 && !Files.exists(socket); i++) Thread.sleep(25);
        assertTrue(Files.exists(socket), "the server did not bind " + socket);
        return t;
    }

    /** What a served command line printed: exit status, stdout, stderr. */
    record Answer(int code, String out, String err) {}

    static Answer served(String... args) throws Exception {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = SqlClient.run(socket, args, o, e);
        return new Answer(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    /** What {@code sql} prints for a query: the command's own query and printing, on the shared session. */
    static String printed(String query) throws Exception {
        StringWriter w = new StringWriter();
        PrintWriter p = new PrintWriter(w);
        SqlCommand.print(SqlCommand.query(spark.newSession(), out, query), 1000, p, "\t");
        return w.toString().replace(System.lineSeparator(), "\n");
    }

    @Test
    void aServedQueryPrintsWhatTheCommandPrints() throws Exception {
        String o = out.root().toUri().getPath();
        Answer count = served("sql", "--out", o, "SELECT count(*) AS n FROM runs");
        assertEquals(new Answer(0, "n\n" + RUNS + "\n", ""), count);
        for (String q : List.of(
                "SELECT optimizer, count(*) AS points, round(avg(loss), 12) AS loss FROM curves_runs GROUP BY optimizer "
                        + "ORDER BY optimizer",
                "SELECT run_id, status, steps FROM runs ORDER BY run_id",
                "SHOW TABLES")) {
            Answer a = served("sql", "--out", o, q);
            assertEquals(0, a.code(), a.err());
            assertEquals("", a.err());
            assertEquals(printed(q), a.out(), q);
        }
        Answer csv = served("sql", "--out", o, "--format", "csv", "SELECT 'a' AS x, 2 AS y");
        assertEquals(new Answer(0, "x,y\na,2\n", ""), csv);
    }

    @Test
    void aServedRefusalIsTheCommandsOwnLineAndExitStatus() throws Exception {
        String o = out.root().toUri().getPath();
        Answer drop = served("sql", "--out", o, "DROP TABLE runs");
        assertEquals(2, drop.code());
        assertEquals("", drop.out());
        assertTrue(drop.err().startsWith("ratelab: query refused, sql is read-only") && drop.err().endsWith("\n")
                && drop.err().strip().lines().count() == 1, drop.err());
        Answer column = served("sql", "--out", o, "SELECT nosuch FROM runs");
        assertEquals(2, column.code());
        assertTrue(column.err().startsWith("ratelab: query: [UNRESOLVED_COLUMN"), column.err());
        Answer noOut = served("sql", "--out", dir.resolve("nothing-here").toString(), "SELECT 1");
        assertEquals(2, noOut.code());
        assertTrue(noOut.err().startsWith("ratelab: --out "), noOut.err());
        Answer flag = served("sql", "--out", o, "--limit", "0", "SELECT 1");
        assertEquals(new Answer(2, "", "ratelab: --limit must be >= 1, got 0\n"), flag);
    }

    @Test
    void explainMasterAndOtherCommandsAreLeftToAJvmOfTheirOwn() throws Exception {
        String o = out.root().toUri().getPath();
        for (String[] args : List.of(
                new String[] {"sql", "--out", o, "EXPLAIN SELECT count(*) FROM runs"},
                new String[] {"sql", "--out", o, "explain extended SELECT 1"},
                new String[] {"sql", "--out", o, "--master", "local[1]", "SELECT 1"},
                new String[] {"sql", "--out", o, "--master=local[1]", "SELECT 1"},
                new String[] {"report", "--out", o},
                new String[] {})) {
            assertEquals(new Answer(SqlServer.DECLINED, "", ""), served(args), String.join(" ", args));
        }
    }

    @Test
    void aServedQueryReadsTheTablesAsTheyAreNow() throws Exception {
        Path copy = dir.resolve("copy");
        GridJobTest.copyTree(Path.of(out.root().toUri()), copy);
        String o = copy.toString();
        assertEquals(new Answer(0, "n\n" + RUNS + "\n", ""), served("sql", "--out", o, "SELECT count(*) AS n FROM runs"));
        // every part file of runs once more, under another name: the next query lists the files again
        try (var s = Files.list(copy.resolve("runs"))) {
            for (Path f : s.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList()) {
                Files.copy(f, f.resolveSibling("again-" + f.getFileName()));
            }
        }
        assertEquals(new Answer(0, "n\n" + 2 * RUNS + "\n", ""), served("sql", "--out", o, "SELECT count(*) AS n FROM runs"));
    }

    @Test
    void theJobsOfAQueryWhoseClientWentAwayAreCancelled() throws Exception {
        String o = out.root().toUri().getPath();
        try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            SqlClient.request(new java.io.DataOutputStream(java.nio.channels.Channels.newOutputStream(ch)),
                    new String[] {"sql", "--out", o, "SELECT sum(id % 7) FROM range(0, 1000000000000)"});  // hours
            for (int i = 0; i < 300 && spark.sparkContext().statusTracker().getActiveJobIds().length == 0; i++) {
                Thread.sleep(50);
            }
            assertTrue(spark.sparkContext().statusTracker().getActiveJobIds().length > 0, "the query's job did not start");
        }  // the client goes away (its socket closes) while the query runs
        long t0 = System.nanoTime();
        Answer next = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(120),
                () -> served("sql", "--out", o, "SELECT count(*) AS n FROM runs"));
        assertEquals(new Answer(0, "n\n" + RUNS + "\n", ""), next);
        assertTrue((System.nanoTime() - t0) / 1e9 < 120, "the next query waited for the abandoned one");
    }

    @Test
    void anIdleServerEndsAndRemovesItsSocket() throws Exception {
        Path s = dir.resolve("idle.sock");
        Thread t = serving(s, 1000);
        t.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(t.isAlive(), "the idle server still runs");
        assertFalse(Files.exists(s), "the idle server left its socket");
        assertFalse(spark.sparkContext().isStopped(), "serve() stopped the session it was given");
    }

    @Test
    void aSocketNobodyListensOnIsDeclinedAndRemoved() throws Exception {
        Path s = dir.resolve("stale.sock");
        try (ServerSocketChannel gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            gone.bind(UnixDomainSocketAddress.of(s));
        }
        assertTrue(Files.exists(s), "a closed server leaves its socket file");
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        assertEquals(SqlServer.DECLINED, SqlClient.run(s, new String[] {"sql", "--out", "x", "SELECT 1"}, o, o));
        assertEquals(0, o.size());
        assertFalse(Files.exists(s), "the stale socket is still there");
        assertEquals(SqlServer.DECLINED, SqlClient.run(dir.resolve("never.sock"), new String[] {"sql"}, o, o));
    }
}
