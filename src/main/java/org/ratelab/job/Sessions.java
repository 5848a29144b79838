package org.ratelab.job;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the SparkSession. Precedence, highest first: {@code --conf key=value} and {@code --master} on the
 * command line; what spark-submit set; {@code conf/spark-defaults.conf} as packed into ratelab's jar; and
 * {@code local[*]} when nothing set a master. {@code main()} never hard-codes a cluster: spark-submit or
 * the launcher owns the master. The UI is off unless asked for; in local mode it must then bind to
 * 127.0.0.1 (Spark binds it to {@code SPARK_LOCAL_IP}, which the launchers set).
 */
public final class Sessions {
    private Sessions() {}

    public static final String DEFAULT_MASTER = "local[*]";

    /** Parses repeated {@code --conf key=value} flags; a malformed one is a usage error. */
    public static Map<String, String> parseConfs(java.util.List<String> confs) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String c : confs) {
            int eq = c.indexOf('=');
            if (eq <= 0 || eq == c.length() - 1) {
                throw new UsageException("--conf " + c + ": expected key=value");
            }
            String key = c.substring(0, eq).trim();
            if (!key.startsWith("spark.")) {
                throw new UsageException("--conf " + c + ": only spark.* keys are accepted");
            }
            out.put(key, c.substring(eq + 1).trim());
        }
        return out;
    }

    /** ratelab's Spark defaults, {@code conf/spark-defaults.conf} as packed into the jar. */
    static final String DEFAULTS_RESOURCE = "/ratelab/spark-defaults.conf";

    /**
     * Starts the session. A master URL or a {@code --conf} value that Spark refuses, and a session that fails
     * to start (an unreachable master, a resource Spark cannot have), are usage errors: one line, exit 2,
     * Spark's own trace left to its log.
     */
    public static SparkSession start(String master, Map<String, String> confs) {
        return start(conf(master, confs));
    }

    /**
     * The session's configuration, with the precedence above; a master URL or a {@code --conf} value that
     * Spark refuses is a usage error. {@code spark.master} is always set.
     */
    public static SparkConf conf(String master, Map<String, String> confs) {
        SparkConf conf = new SparkConf();
        try (InputStream in = Sessions.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in != null) {
                Properties p = new Properties();
                p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String k : p.stringPropertyNames()) conf.setIfMissing(k, p.getProperty(k).trim());
            }
        } catch (IOException e) {
            throw new UsageException("cannot read ratelab's Spark defaults: " + e.getMessage());
        }
        SparkConfs.validate(confs);
        conf.setIfMissing("spark.app.name", "ratelab");
        conf.setIfMissing("spark.ui.enabled", "false");
        conf.setIfMissing("spark.sql.session.timeZone", "UTC");
        for (Map.Entry<String, String> e : confs.entrySet()) conf.set(e.getKey(), e.getValue());
        if (master != null) conf.setMaster(master);
        conf.setIfMissing("spark.master", DEFAULT_MASTER);
        SparkConfs.checkMaster(conf.get("spark.master"), master != null ? "--master" : "spark.master");
        if (conf.get("spark.master").startsWith("local")) {
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
            String ip = System.getenv("SPARK_LOCAL_IP");
            if (conf.getBoolean("spark.ui.enabled", false) && !"127.0.0.1".equals(ip)) {
                // Spark binds its UI to SPARK_LOCAL_IP, else to every interface: refuse the latter
                throw new UsageException("--conf spark.ui.enabled=true: the UI would bind to "
                        + (ip == null ? "every interface (SPARK_LOCAL_IP is unset)" : ip)
                        + "; set SPARK_LOCAL_IP=127.0.0.1 (jobs/ratelab does)");
            }
        }
        return conf;
    }

    /**
     * Loads and initializes Spark's session builder on a daemon thread of its own: the lookup of the session's
     * implementation behind {@code SparkSession.builder()} initializes Scala's runtime reflection, about 0.6 s
     * of one core, and {@link #start} needs it first. It starts nothing of Spark (no context, no port, no log
     * line), so a command calls it before its own checks, which keep their place before Spark. A failure here is
     * left to {@link #start}, which meets it again and reports it.
     */
    static void prepare() {
        Thread t = new Thread(() -> {
            try {
                SparkSession.builder();
            } catch (RuntimeException | LinkageError e) {  // start() meets it again and reports it
            }
        }, "ratelab-spark-prepare");
        t.setDaemon(true);
        t.start();
    }

    /** Starts (or joins) the session of {@code conf}; a session that fails to start is a usage error. */
    public static SparkSession start(SparkConf conf) {
        try {
            return SparkSession.builder().config(conf).getOrCreate();
        } catch (RuntimeException | LinkageError e) {
            throw new UsageException("Spark did not start with master " + conf.get("spark.master") + ": "
                    + SparkConfs.oneLine(e) + Logs.seeLog());
        }
    }
}
