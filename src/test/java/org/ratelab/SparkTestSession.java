package org.ratelab;

import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.ratelab.job.Sessions;

/**
 * One embedded SparkSession (local[2], UI off, loopback) shared by every Spark test class of the JVM:
 * starting Spark costs 5-10 s, so test classes share it instead of starting their own.
 */
public final class SparkTestSession {
    private static SparkSession session;
    private static boolean hooked;

    private SparkTestSession() {}

    public static synchronized SparkSession get() {
        // a CLI command run in-process (run, sql) stops the session it got from getOrCreate: start another
        if (session == null || session.sparkContext().isStopped()) {
            session = Sessions.start("local[2]", Map.of(
                    "spark.ui.enabled", "false",
                    "spark.sql.shuffle.partitions", "4",
                    "spark.driver.host", "127.0.0.1",
                    "spark.driver.bindAddress", "127.0.0.1"));
            if (!hooked) Runtime.getRuntime().addShutdownHook(new Thread(() -> session.stop()));
            hooked = true;
        }
        return session;
    }
}
