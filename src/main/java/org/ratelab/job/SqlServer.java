package org.ratelab.job;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;

/**
 * The query server: a JVM that keeps one local SparkSession warm and answers {@code ratelab sql} for the launcher
 * ({@code jobs/ratelab}), so that a query after the first costs what the query costs, not a JVM and a Spark
 * session started again. The launcher starts it in the background after a {@code sql} that succeeded, one per
 * build, JVM flags, environment and working directory (all in the socket's name); {@link SqlClient} sends it a
 * command line and gets back what the command printed and its exit status. Each query runs as {@code sql} runs
 * in a JVM of its own, in a new session of the server's ({@link SparkSession#newSession}: its own views and
 * settings, the tables' files listed again), one query at a time. The server ends after {@code IDLE} seconds
 * without a query, removing its socket.
 *
 * <p>Protocol, over a Unix domain socket: the client writes {@link #MAGIC}, the number of arguments and each as
 * UTF-8 (length first); the server writes frames of one byte {@link #OUT} or {@link #ERR}, a length and that
 * many bytes, then {@link #EXIT} and the exit status. A command line the server does not answer (not
 * {@code sql}, or with {@code --master}) gets {@link #DECLINED} before anything runs, and the launcher runs it
 * in a JVM of its own.
 */
public final class SqlServer {
    private SqlServer() {}

    static final int MAGIC = 0x524c5351;  // "RLSQ"
    static final byte EXIT = 0;
    static final byte OUT = 1;
    static final byte ERR = 2;
    /** The exit status that tells the launcher to run the command itself (EX_TEMPFAIL). */
    static final int DECLINED = 75;

    /**
     * {@code SqlServer SOCKET IDLE_SECONDS [sql ARGS...]}: starts the session, answers the given {@code sql}
     * command line once with its output thrown away (the query the launcher just ran: the server's JIT then has
     * compiled what such a query runs; not one that writes with {@code --to}), binds SOCKET and serves until IDLE
     * seconds pass without a query.
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: SqlServer SOCKET IDLE_SECONDS [sql ARGS...]");
            System.exit(Main.EXIT_USAGE);
        }
        Path socket = Path.of(args[0]).toAbsolutePath();
        long idleMillis = Math.max(1, Long.parseLong(args[1])) * 1000L;
        Logs.init();
        org.ratelab.table.LocalFiles.register();
        Path warehouse = Files.createTempDirectory("ratelab-sql-warehouse-");
        SparkSession spark = Sessions.start(null, SqlCommand.sessionConfs(warehouse));
        try {
            warmUp(spark, Arrays.copyOfRange(args, 2, args.length));
            serve(spark, socket, idleMillis);
        } finally {
            spark.stop();
            SqlCommand.deleteTree(warehouse);
        }
    }

    /** Binds {@code socket} (atomically: bound under another name, then moved there) and answers until idle. */
    static void serve(SparkSession spark, Path socket, long idleMillis) throws IOException {
        Path bound = socket.resolveSibling(socket.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Files.deleteIfExists(bound);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(bound));
            Files.move(bound, socket, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Object ours = Files.readAttributes(socket, BasicFileAttributes.class).fileKey();
            Files.deleteIfExists(socket.resolveSibling(socket.getFileName() + ".starting"));  // the launcher's mark
            System.out.println("ratelab sql server: pid " + ProcessHandle.current().pid() + ", listening on " + socket
                    + ", ends after " + idleMillis / 1000 + " s without a query");
            Idle idle = new Idle(server, idleMillis);
            idle.start();
            // a server killed (SIGTERM) removes its socket too; a stale one is also removed by the next client
            Thread onKill = new Thread(() -> removeIfOurs(socket, ours), "ratelab-sql-server-exit");
            Runtime.getRuntime().addShutdownHook(onKill);
            try {
                while (true) {
                    SocketChannel client;
                    try {
                        client = server.accept();
                    } catch (java.nio.channels.ClosedChannelException idleOut) {
                        return;
                    }
                    idle.busy(true);
                    long t0 = System.nanoTime();
                    try (client) {
                        int code = answer(spark, client);
                        System.out.printf(java.util.Locale.ROOT, "ratelab sql server: answered in %.3f s, exit %d%n",
                                (System.nanoTime() - t0) / 1e9, code);
                    } catch (IOException | RuntimeException e) {  // a client gone away, a bad request
                        System.err.println("ratelab sql server: " + e);
                    } finally {
                        idle.busy(false);
                    }
                    if (spark.sparkContext().isStopped()) {  // nothing more can be answered here
                        System.out.println("ratelab sql server: Spark's context stopped; ending");
                        return;
                    }
                }
            } finally {
                idle.interrupt();
                try {
                    Runtime.getRuntime().removeShutdownHook(onKill);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs
                }
                removeIfOurs(socket, ours);
                Files.deleteIfExists(bound);
            }
        }
    }

    /** Deletes the socket file unless another server has replaced it since. */
    private static void removeIfOurs(Path socket, Object ours) {
        try {
            if (ours != null && ours.equals(Files.readAttributes(socket, BasicFileAttributes.class).fileKey())) {
                Files.deleteIfExists(socket);
            }
        } catch (IOException gone) {
            // already removed
        }
    }

    /** Reads one command line from {@code client}, runs it, writes back its output and exit status. */
    static int answer(SparkSession spark, SocketChannel client) throws IOException {
        DataInputStream in = new DataInputStream(Channels.newInputStream(client));
        // written with the channel's own write, not Channels.newOutputStream: those streams share the channel's
        // blocking lock with Channels.newInputStream's reads, and Hangup blocks in a read while the answer is written
        DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b, off, len);
                while (buf.hasRemaining()) client.write(buf);
            }
        }));
        if (in.readInt() != MAGIC) throw new IOException("not a ratelab sql request");
        int n = in.readInt();
        if (n < 0 || n > 100_000) throw new IOException("bad argument count " + n);
        String[] args = new String[n];
        for (int i = 0; i < n; i++) {
            int len = in.readInt();
            if (len < 0 || len > 64 << 20) throw new IOException("bad argument length " + len);
            args[i] = new String(in.readNBytes(len), StandardCharsets.UTF_8);
            if (args[i].getBytes(StandardCharsets.UTF_8).length != len) throw new IOException("truncated request");
        }
        if (!served(args) || spark.sparkContext().isStopped()) {  // a stopped context: ended below
            exit(out, DECLINED);
            return DECLINED;
        }
        PrintStream originalErr = System.err;
        Frames frames = new Frames(out);
        PrintWriter o = new PrintWriter(new java.io.OutputStreamWriter(frames.stream(OUT), StandardCharsets.UTF_8), true);
        PrintStream e = new PrintStream(frames.stream(ERR), true, StandardCharsets.UTF_8);
        PrintWriter ew = new PrintWriter(new java.io.OutputStreamWriter(e, StandardCharsets.UTF_8), true);
        int code;
        Hangup hangup = new Hangup(in, spark);
        hangup.start();
        // Spark's console lines (Log4j's console appender follows System.err) go to this client while it runs
        System.setErr(e);
        try {
            code = Main.execute(args, o, ew, new Factory(spark));
        } finally {
            hangup.done();
            // an abandoned query's tasks log their end (TaskKilled) after the command returns: to its own stderr,
            // which is gone, not to the next client's
            if (hangup.cancelled) quiesce(spark);
            System.setErr(originalErr);
            o.flush();
            ew.flush();
            e.flush();
        }
        exit(out, code);
        return code;
    }

    /** Answers {@code args} once, its output thrown away, unless the server would not answer it or it writes. */
    static void warmUp(SparkSession spark, String[] args) {
        if (!served(args) || Arrays.stream(args).anyMatch(a -> a.equals("--to") || a.startsWith("--to="))) return;
        PrintWriter none = new PrintWriter(OutputStream.nullOutputStream());
        PrintStream err = System.err;
        System.setErr(new PrintStream(OutputStream.nullOutputStream()));
        try {
            Main.execute(args, none, none, new Factory(spark));
        } catch (RuntimeException e) {
            // a warm-up only
        } finally {
            System.setErr(err);
        }
    }

    /** Whether the server answers this command line: {@code sql}, on the server's own (local) session. */
    static boolean served(String[] args) {
        if (args.length == 0 || !args[0].equals("sql")) return false;
        return Arrays.stream(args).noneMatch(a -> a.equals("--master") || a.startsWith("--master="));
    }

    private static void exit(DataOutputStream out, int code) throws IOException {
        synchronized (out) {
            out.writeByte(EXIT);
            out.writeInt(code);
            out.flush();
        }
    }

    /** Makes {@code sql} answer in the server's session; every other class as picocli would. */
    private record Factory(SparkSession spark) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            if (cls == SqlCommand.class) return cls.cast(new SqlCommand(spark));
            return CommandLine.defaultFactory().create(cls);
        }
    }

    /** The two output streams of a request, as frames on one connection. */
    private record Frames(DataOutputStream out) {
        OutputStream stream(byte kind) {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (len == 0) return;
                    synchronized (out) {
                        out.writeByte(kind);
                        out.writeInt(len);
                        out.write(b, off, len);
                    }
                }

                @Override
                public void flush() throws IOException {
                    synchronized (out) {
                        out.flush();
                    }
                }
            };
        }
    }

    /** Waits (at most 30 s) until Spark runs no job and no task, as its status tracker sees three times in a row. */
    static void quiesce(SparkSession spark) {
        org.apache.spark.SparkStatusTracker t = spark.sparkContext().statusTracker();
        long end = System.nanoTime() + 30_000_000_000L;
        for (int quiet = 0; quiet < 3 && System.nanoTime() < end; ) {
            boolean idle = t.getActiveJobIds().length == 0
                    && Arrays.stream(t.getExecutorInfos()).allMatch(e -> e.numRunningTasks() == 0);
            quiet = idle ? quiet + 1 : 0;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Cancels the query's Spark jobs when its client goes away (a Ctrl-C): the client sends nothing after its
     * request, so a read that ends means the connection closed. Queries run one at a time, so every job running
     * is this query's.
     */
    private static final class Hangup extends Thread {
        private final java.io.InputStream in;
        private final SparkSession spark;
        private volatile boolean done;
        volatile boolean cancelled;

        Hangup(java.io.InputStream in, SparkSession spark) {
            super("ratelab-sql-server-hangup");
            setDaemon(true);
            this.in = in;
            this.spark = spark;
        }

        void done() {
            done = true;
        }

        @Override
        public void run() {
            try {
                while (in.read() >= 0) {
                    // nothing is sent after the request
                }
            } catch (IOException closed) {
                // closed by the client or, once the answer is written, by the server
            }
            if (!done) {
                System.out.println("ratelab sql server: the client went away; cancelling the query's jobs");
                cancelled = true;
                spark.sparkContext().cancelAllJobs();
            }
        }
    }

    /** Closes the server's channel once it has been idle (no query running) for the given time. */
    private static final class Idle extends Thread {
        private final ServerSocketChannel server;
        private final long idleMillis;
        private boolean busy;
        private long since = System.nanoTime();

        Idle(ServerSocketChannel server, long idleMillis) {
            super("ratelab-sql-server-idle");
            setDaemon(true);
            this.server = server;
            this.idleMillis = idleMillis;
        }

        synchronized void busy(boolean b) {
            busy = b;
            since = System.nanoTime();
        }

        @Override
        public void run() {
            try {
                while (true) {
                    Thread.sleep(Math.min(1000, idleMillis));
                    synchronized (this) {
                        if (!busy && (System.nanoTime() - since) / 1_000_000 >= idleMillis) break;
                    }
                }
                server.close();
            } catch (InterruptedException | IOException e) {
                // the server is ending anyway
            }
        }
    }
}
