package org.ratelab.job;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.internal.config.ConfigEntry;
import org.apache.spark.internal.config.ConfigEntry$;

/**
 * Spark settings checked before a session starts, so that what Spark would refuse (late, with a stack trace,
 * or after minutes of retries) is a one-line usage error instead: the master URL against the forms Spark 4.1
 * accepts (and, for a standalone master, a TCP connection to it), and every {@code --conf} value against
 * Spark's own registered entry for its key (type, range and allowed values: the entry's converter with its
 * validators). Keys Spark does not register ({@code spark.executorEnv.*}, {@code spark.hadoop.*}, a
 * plug-in's) pass as they are.
 */
final class SparkConfs {
    private SparkConfs() {}

    /** How long a standalone master may take to accept a TCP connection. */
    static final int CONNECT_TIMEOUT_MS = 3000;

    private static final Pattern LOCAL_N = Pattern.compile("local\\[\\s*([0-9]+|\\*)\\s*]");
    private static final Pattern LOCAL_N_F = Pattern.compile("local\\[\\s*([0-9]+|\\*)\\s*,\\s*([0-9]+)\\s*]");
    private static final Pattern LOCAL_CLUSTER =
            Pattern.compile("local-cluster\\[\\s*([0-9]+)\\s*,\\s*([0-9]+)\\s*,\\s*([0-9]+)\\s*]");
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9a-fA-F:.]+]|[A-Za-z0-9.\\-_]+):([0-9]{1,5})");

    /** Config objects whose entries register when they load: core, SQL and static SQL settings. */
    private static final String[] REGISTRIES = {
        "org.apache.spark.internal.config.package$",
        "org.apache.spark.sql.internal.SQLConf$",
        "org.apache.spark.sql.internal.StaticSQLConf$",
    };

    /** Refuses a {@code --conf} value that Spark's registered entry for the key does not accept. */
    static void validate(Map<String, String> confs) {
        if (confs.isEmpty()) return;
        for (String r : REGISTRIES) {
            try {
                Class.forName(r, true, SparkConfs.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                // a Spark without that module: its keys are simply not checked here
            }
        }
        for (Map.Entry<String, String> e : confs.entrySet()) {
            ConfigEntry<?> entry = ConfigEntry$.MODULE$.findEntry(e.getKey());
            if (entry == null) continue;
            try {
                entry.valueConverter().apply(e.getValue());
            } catch (RuntimeException ex) {
                throw new UsageException("--conf " + e.getKey() + "=" + e.getValue() + ": Spark refuses it: "
                        + oneLine(ex));
            }
        }
    }

    /**
     * Refuses a master URL that is none of Spark's forms ({@code local}, {@code local[N|*]},
     * {@code local[N|*,F]}, {@code local-cluster[N,C,M]}, {@code spark://HOST:PORT[,HOST:PORT...]},
     * {@code yarn}, {@code k8s://URL}), and a standalone master none of whose addresses accepts a connection.
     */
    static void checkMaster(String url, String flag) {
        String u = url.trim();
        String where = flag + " " + url;
        if (u.equals("local") || u.equals("yarn")) return;
        Matcher m;
        if ((m = LOCAL_N.matcher(u)).matches() || (m = LOCAL_N_F.matcher(u)).matches()) {
            if (!m.group(1).equals("*") && !positiveInt(m.group(1))) {
                throw new UsageException(where + ": the number of threads must be a whole number from 1 to "
                        + Integer.MAX_VALUE + " (or *)");
            }
            if (m.groupCount() == 2 && !positiveInt(m.group(2))) {
                throw new UsageException(where + ": the number of task failures must be from 1 to " + Integer.MAX_VALUE);
            }
            return;
        }
        if ((m = LOCAL_CLUSTER.matcher(u)).matches()) {
            for (int g = 1; g <= 3; g++) {
                if (!positiveInt(m.group(g))) {
                    throw new UsageException(where + ": local-cluster[workers, cores, memory MB] takes whole numbers >= 1");
                }
            }
            return;
        }
        if (u.startsWith("k8s://") && u.length() > "k8s://".length()) return;
        if (u.startsWith("spark://")) {
            String rest = u.substring("spark://".length());
            StringBuilder failures = new StringBuilder();
            for (String hp : rest.split(",", -1)) {
                Matcher h = HOST_PORT.matcher(hp.trim());
                if (!h.matches() || Integer.parseInt(h.group(2)) < 1 || Integer.parseInt(h.group(2)) > 65535) {
                    throw new UsageException(where + ": expected spark://HOST:PORT (port 1-65535), got '" + hp + "'");
                }
                String host = h.group(1).replace("[", "").replace("]", "");
                String problem = connect(host, Integer.parseInt(h.group(2)));
                if (problem == null) return;  // one reachable master is enough (standalone HA lists several)
                if (failures.length() > 0) failures.append("; ");
                failures.append(hp.trim()).append(": ").append(problem);
            }
            throw new UsageException(where + ": no master answers (" + failures + "); is it up? "
                    + "(jobs/local-cluster status)");
        }
        throw new UsageException(where + ": not a Spark master URL (local, local[N], local[*], "
                + "local-cluster[N,C,M], spark://HOST:PORT, yarn, k8s://URL)");
    }

    private static boolean positiveInt(String s) {
        try {
            return Integer.parseInt(s) >= 1;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Null when {@code host:port} accepts a TCP connection in time, else why not. */
    private static String connect(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
            return null;
        } catch (IOException | IllegalArgumentException | SecurityException e) {
            String msg = e.getMessage();
            return e.getClass().getSimpleName() + (msg == null ? "" : " " + msg);
        }
    }

    /** The innermost cause's message on one line, at most 300 characters. */
    static String oneLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage();
        if (m == null || m.isBlank()) m = t.getClass().getSimpleName();
        m = m.replaceAll("\\s+", " ").trim();
        return m.length() > 300 ? m.substring(0, 297) + "..." : m;
    }
}
