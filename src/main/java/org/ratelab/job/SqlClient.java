package org.ratelab.job;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * {@code SqlClient SOCKET sql ARGS...}: hands a {@code sql} command line to the query server ({@link SqlServer})
 * listening on SOCKET and prints what the command printed, each on its own stream, exiting with its status.
 * Exits {@link SqlServer#DECLINED} when nothing ran: no server answers on SOCKET, the server declined the command
 * line, or it closed the connection before the command printed anything; the launcher then runs the command in
 * a JVM of its own. Uses the JDK alone, so that its JVM loads no Spark.
 */
public final class SqlClient {
    private SqlClient() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: SqlClient SOCKET sql ARGS...");
            System.exit(Main.EXIT_USAGE);
        }
        System.exit(run(Path.of(args[0]), java.util.Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
    }

    /** Writes a request for {@code args} (the protocol of {@link SqlServer}) and flushes it. */
    static void request(DataOutputStream req, String[] args) throws IOException {
        req.writeInt(SqlServer.MAGIC);
        req.writeInt(args.length);
        for (String a : args) {
            byte[] b = a.getBytes(StandardCharsets.UTF_8);
            req.writeInt(b.length);
            req.write(b);
        }
        req.flush();
    }

    /** Sends {@code args} to the server on {@code socket}; its exit status, or DECLINED when nothing ran. */
    static int run(Path socket, String[] args, OutputStream out, OutputStream err) throws IOException {
        SocketChannel ch;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (java.net.ConnectException stale) {
            // a socket nobody listens on: its server ended without removing it (a server binds under another
            // name and moves the socket into place, so one that is starting is never seen here)
            java.nio.file.Files.deleteIfExists(socket);
            return SqlServer.DECLINED;
        } catch (IOException noServer) {
            return SqlServer.DECLINED;
        }
        try (ch) {
            request(new DataOutputStream(new java.io.BufferedOutputStream(Channels.newOutputStream(ch))), args);
            DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Channels.newInputStream(ch)));
            boolean printed = false;
            while (true) {
                byte kind;
                try {
                    kind = in.readByte();
                } catch (EOFException | java.net.SocketException gone) {
                    if (!printed) return SqlServer.DECLINED;  // closed before the command printed: nothing ran
                    err.write(("ratelab: the sql server ended during the query\n").getBytes(StandardCharsets.UTF_8));
                    err.flush();
                    return 1;
                }
                if (kind == SqlServer.EXIT) {
                    int code = in.readInt();
                    out.flush();
                    err.flush();
                    return code;
                }
                int len = in.readInt();
                byte[] b = in.readNBytes(len);
                OutputStream to = kind == SqlServer.ERR ? err : out;
                to.write(b);
                to.flush();
                printed = true;
            }
        }
    }
}
