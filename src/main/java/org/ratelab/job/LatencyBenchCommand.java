package org.ratelab.job;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code ratelab bench-latency --out DIR}: the interactive latencies of issue 17, each a fresh process, in
 * one run, alternating, as medians of N rounds and as ratios to {@code session}:
 *
 * <ol>
 *   <li>{@code session}: a JVM with the launcher's flags and classpath that configures logging as the CLI
 *       does, starts the same local SparkSession ({@link Sessions#start}, no master given: local[*]) and
 *       stops it ({@link Session}) — the part no pipeline change removes;</li>
 *   <li>{@code session_c1}: the same with the JIT flags the launcher gives {@code report} and {@code sql}
 *       (C1 only, {@code ratelab_jit} in {@code jobs/jvm-opts.sh}): their like-for-like baseline, since those
 *       flags make the session itself faster too;</li>
 *   <li>{@code report}: {@code jobs/ratelab report --out Q} on the quickstart's output Q;</li>
 *   <li>{@code sql}: {@code jobs/ratelab sql --out Q "SELECT count(*) FROM runs"}, as a user meets it: the
 *       round not counted runs it in a JVM of its own and leaves the query server behind
 *       ({@code ratelab_sql_server} in {@code jobs/jvm-opts.sh}), which answers the counted rounds;</li>
 *   <li>{@code sql_cold}: the same query with {@code RATELAB_SQL_SERVER=0}, each in a JVM of its own (a first
 *       query, or one with {@code --master});</li>
 *   <li>{@code e2e_2runs}: {@code jobs/ratelab run} of a 2-run spec (the quickstart's data and model, GD,
 *       two seeds) into a new directory, its report included.</li>
 * </ol>
 * Each round runs the six in a rotated order, after one round that is not counted. Every row carries the
 * median 1-minute load average of its runs: the machine is shared, and only ratios measured side by side
 * mean much. Each row's ratio is to {@code session} (the baseline) and, in a second column, to the
 * session started with the row's own JIT flags. Writes {@code DIR/latency.tsv}. Targets (issue 17): e2e_2runs ≤ 2, sql ≤ 1.3, report ≤ 0.5.
 *
 * <p>A command of its own rather than a section of {@code bench}: adding a section there is more than one
 * line (its list of sections is checked in two places).
 */
@Command(name = "bench-latency", mixinStandardHelpOptions = true,
        description = "Time session, report, sql (served, and cold) and a 2-run job end to end, each a fresh process, alternating; "
                + "print medians and ratios to session, write DIR/latency.tsv.")
final class LatencyBenchCommand implements Callable<Integer> {
    @Spec CommandSpec cmd;

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "Writes DIR/latency.tsv, and its work files under DIR/latency-work/.")
    String out;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "5",
            description = "Counted rounds (default: ${DEFAULT-VALUE}); one more, first, is not counted.")
    int rounds;

    @Option(names = "--quickstart", paramLabel = "DIR",
            description = "An existing output of conf/experiments/quickstart.yaml for report and sql "
                    + "(default: made once under the work directory, not timed).")
    String quickstart;

    static final List<String> KINDS = List.of("session", "session_c1", "report", "sql", "sql_cold", "e2e_2runs");

    /** The session started with the same JIT flags as each row's command. */
    static final Map<String, String> SAME_JIT = Map.of("session", "session", "session_c1", "session_c1",
            "report", "session_c1", "sql", "session_c1", "sql_cold", "session_c1", "e2e_2runs", "session");

    /** issue 17's ratio targets against session. */
    static final Map<String, Double> TARGETS = Map.of("report", 0.5, "sql", 1.3, "e2e_2runs", 2.0);

    /** A 2-run spec: the quickstart's data and model, plain GD, two seeds. */
    static final String TWO_RUNS = """
            experiment: latency2
            description: two runs for the latency bench (issue 17)
            seed: 0
            data: {kind: teacher_student, n: 128, d: 16, teacher: two_layer, teacher_width: 4, noise: 0.0, test_n: 256}
            model: {kind: two_layer, width: 64, activation: tanh, parameterization: ntk}
            optimizer: {name: gd, lr: 1.0}
            train: {steps: 300, loss_threshold: 3.0e-3, record: {log_points: 60}}
            grid:
              seed: [1, 2]
            """;

    @Override
    public Integer call() throws Exception {
        if (rounds < 1 || rounds > 1000) throw new UsageException("--rounds must be from 1 to 1000, got " + rounds);
        org.ratelab.table.OutputDir checked = OutFlag.check("--out", out, new org.apache.hadoop.conf.Configuration());
        if (!"file".equals(checked.root().toUri().getScheme())) {
            throw new UsageException("--out " + out + ": bench-latency writes to a local directory only");
        }
        Path dir = Path.of(checked.root().toUri());
        Path work = dir.resolve("latency-work");
        if (Files.exists(dir.resolve("latency.tsv"))) {
            throw new UsageException(dir.resolve("latency.tsv") + " exists; remove it first");
        }
        Files.createDirectories(work);
        Path home = Path.of(System.getProperty("ratelab.home", ".")).toAbsolutePath();
        Path launcher = home.resolve("jobs").resolve("ratelab");
        if (!Files.isExecutable(launcher)) throw new UsageException(launcher + " not found (run through jobs/ratelab)");
        PrintWriter o = cmd.commandLine().getOut();

        Path q = quickstart == null ? work.resolve("quickstart") : Path.of(quickstart).toAbsolutePath();
        if (quickstart == null && !Files.exists(q.resolve("runs"))) {
            o.println("making the quickstart output (not timed): " + q);
            o.flush();
            run(work, "quickstart", List.of(launcher.toString(), "run",
                    home.resolve("conf/experiments/quickstart.yaml").toString(), "--out", q.toString(), "--overwrite"));
        }
        Path spec = work.resolve("latency2.yaml");
        Files.writeString(spec, TWO_RUNS);

        Map<String, List<Double>> secs = new LinkedHashMap<>();
        Map<String, List<Double>> loads = new LinkedHashMap<>();
        for (String k : KINDS) {
            secs.put(k, new ArrayList<>());
            loads.put(k, new ArrayList<>());
        }
        o.printf("ratelab bench-latency: %d counted rounds (+1 not counted), cores %d, load %.2f%n", rounds,
                Runtime.getRuntime().availableProcessors(), load());
        o.flush();
        for (int r = 0; r <= rounds; r++) {
            for (int i = 0; i < KINDS.size(); i++) {
                String kind = KINDS.get((i + r) % KINDS.size());
                List<String> command = switch (kind) {
                    // the launcher's java line, with its class-data sharing archive (of its own), like the CLI's
                    case "session", "session_c1" -> List.of("bash", "-c", ". \"$0/jobs/jvm-opts.sh\"; ratelab_build; "
                            + "ratelab_cds $1; ratelab_jit $2; rc=0; java $RATELAB_JVM_OPTS $RATELAB_CDS_OPTS "
                            + "$RATELAB_JIT_OPTS ${RATELAB_JAVA_OPTS:--Xmx8g} -Dratelab.home=\"$0\" -cp \"$RATELAB_CP\" '"
                            + Session.class.getName() + "' || rc=$?; ratelab_cds_keep $rc; exit $rc", home.toString(),
                            kind.equals("session") ? "session" : "session-quick", kind.equals("session") ? "run" : "sql");
                    case "report" -> List.of(launcher.toString(), "report", "--out", q.toString());
                    case "sql" -> List.of(launcher.toString(), "sql", "--out", q.toString(), "SELECT count(*) FROM runs");
                    case "sql_cold" -> List.of("env", "RATELAB_SQL_SERVER=0", launcher.toString(), "sql", "--out",
                            q.toString(), "SELECT count(*) FROM runs");
                    default -> List.of(launcher.toString(), "run", spec.toString(), "--out",
                            work.resolve("e2e-" + r).toString(), "--overwrite");
                };
                double before = load();
                double s = run(work, kind + "-" + r, command);
                double l = (before + load()) / 2;
                o.printf(Locale.ROOT, "  round %d%s %-10s %6.2f s  load %.2f%n", r, r == 0 ? " (not counted)" : "",
                        kind, s, l);
                o.flush();
                if (r > 0) {
                    secs.get(kind).add(s);
                    loads.get(kind).add(l);
                }
            }
        }
        double session = median(secs.get("session"));
        StringBuilder tsv = new StringBuilder("benchmark\tmedian_s\tratio_to_session\ttarget_ratio\tmin_s\tmax_s\t"
                + "runs\tload_avg\tratio_to_session_same_jit\n");
        o.println();
        o.printf("%-10s %9s %9s %7s %15s %6s %14s%n", "benchmark", "median s", "ratio", "target", "min-max s", "load",
                "same-JIT ratio");
        for (String k : KINDS) {
            List<Double> v = secs.get(k);
            double m = median(v);
            double ratio = m / session;
            double same = m / median(secs.get(SAME_JIT.get(k)));
            Double target = TARGETS.get(k);
            o.printf(Locale.ROOT, "%-10s %9.2f %9.2f %7s %7.2f-%-7.2f %6.2f %14.2f%n", k, m, ratio,
                    target == null ? "" : "<= " + target, min(v), max(v), median(loads.get(k)), same);
            tsv.append(String.format(Locale.ROOT, "%s\t%.3f\t%.3f\t%s\t%.3f\t%.3f\t%d\t%.2f\t%.3f%n", k, m, ratio,
                    target == null ? "" : target.toString(), min(v), max(v), v.size(), median(loads.get(k)), same));
        }
        Files.writeString(dir.resolve("latency.tsv"), tsv.toString(), StandardCharsets.UTF_8);
        o.printf("written: %s%n", dir.resolve("latency.tsv"));
        return 0;
    }

    /** Runs a command to its end, output to a log file under {@code work}; its wall time in seconds. */
    static double run(Path work, String name, List<String> command) throws IOException, InterruptedException {
        File log = work.resolve(name + ".log").toFile();
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log);
        pb.environment().put("RATELAB_CDS_WAIT", "1");   // a first use's archive is made before the next round
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException(name + ": did not finish in 30 minutes (log: " + log + ")");
        }
        double s = (System.nanoTime() - t0) / 1e9;
        if (p.exitValue() != 0) {
            List<String> lines = Files.readAllLines(log.toPath());
            throw new IOException(name + ": exit " + p.exitValue() + " (log: " + log + "): "
                    + String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())));
        }
        return s;
    }

    static double load() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        }
    }

    static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = a.length;
        return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
    }

    static double min(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    static double max(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /**
     * The {@code session} baseline's process: logging configured as the CLI's {@link Main} does, then the
     * CLI's local SparkSession ({@link Sessions#start} with no master, as {@code sql} and {@code run} start
     * it) started and stopped.
     */
    static final class Session {
        private Session() {}

        public static void main(String[] args) {
            Logs.init();
            SparkSession spark = Sessions.start(null, Map.of());
            spark.stop();
            System.out.println("session: started and stopped " + Arrays.toString(args));
        }
    }
}
