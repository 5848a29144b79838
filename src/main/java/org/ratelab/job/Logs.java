package org.ratelab.job;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.ratelab.table.OutputDir;

/**
 * Where the driver's log goes. The CLI configures Log4j 2 from {@code conf/log4j2.properties} as packed in
 * ratelab's jar (unless {@code -Dlog4j2.configurationFile} names another), so a user holding only the jar
 * gets the same console as {@code jobs/ratelab}: Spark's warnings as one line each, and its ERROR lines
 * and every stack trace in a log file, never on the console. The file is {@code ratelab-TIME-PID.log} in
 * the temporary directory while the job has no output directory; {@code run} copies it to
 * {@code DIR/_logs/} once it has written there, and a refusal names it.
 */
public final class Logs {
    private Logs() {}

    /** The JVM property the packed configuration reads the log file's path from. */
    static final String FILE_PROPERTY = "ratelab.log.file";
    static final String CONFIG_RESOURCE = "/ratelab/log4j2.properties";

    private static volatile Path file;

    /** Configures logging for a CLI process: the packed configuration and a log file of its own. */
    static void init() {
        if (System.getProperty(FILE_PROPERTY) == null) {
            String pid = Long.toString(ProcessHandle.current().pid());
            String time = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "ratelab-logs");
            System.setProperty(FILE_PROPERTY, dir.resolve("ratelab-" + time + "-" + pid + ".log").toString());
        }
        file = Path.of(System.getProperty(FILE_PROPERTY));
        if (System.getProperty("log4j2.configurationFile") != null) return;  // the user's own configuration
        URL packed = Logs.class.getResource(CONFIG_RESOURCE);
        if (packed == null) return;
        try {
            // the context of the class loader that holds Log4j, which is Spark's: under spark-submit ratelab's
            // own classes come from a child loader, whose default context no Spark logger uses
            LoggerContext context = (LoggerContext) LogManager.getContext(LogManager.class.getClassLoader(), false);
            context.setConfigLocation(packed.toURI());
            // spark-submit configured Spark's default profile before main(); unless told it is gone, Spark
            // applies that profile again when the SparkContext starts (Logging.initializeLogging). Without
            // spark-submit nothing set it, and a command that starts no Spark need not load Spark's Logging
            if (underSparkSubmit()) {
                try {
                    org.apache.spark.internal.Logging$.MODULE$.org$apache$spark$internal$Logging$$defaultSparkLog4jConfig_$eq(false);
                } catch (LinkageError notThisSpark) {
                    // another Spark version: its console may be louder, nothing else changes
                }
            }
        } catch (URISyntaxException | RuntimeException e) {
            System.err.println("ratelab: warning: logging stays as it was (" + e + ")");
        }
    }

    /** Whether spark-submit called this {@code main()}: a frame of its {@code org.apache.spark.deploy} is below. */
    static boolean underSparkSubmit() {
        return StackWalker.getInstance().walk(frames -> frames.anyMatch(
                f -> f.getClassName().startsWith("org.apache.spark.deploy.")));
    }

    /** The driver's log file when it has been written to, else null. */
    static Path written() {
        Path f = file;
        try {
            return f != null && Files.isRegularFile(f) && Files.size(f) > 0 ? f : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** " (Spark's log: PATH)" when the log holds something, for a refusal's one line; else "". */
    static String seeLog() {
        Path f = written();
        return f == null ? "" : " (Spark's log: " + f + ")";
    }

    /** Copies the log into the output's {@code _logs/} under its own name, best effort: a log never fails a job. */
    static void keepIn(OutputDir out) {
        Path f = written();
        if (f == null) return;
        try {
            out.keepLog(f, f.getFileName().toString());
        } catch (IOException | RuntimeException e) {
            System.err.println("ratelab: warning: the driver log stays at " + f + " (" + e.getMessage() + ")");
        }
    }
}
