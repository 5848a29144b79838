package org.ratelab.job;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.ratelab.grid.Plan;
import org.ratelab.linalg.Blas;
import org.ratelab.table.OutputDir;
import org.ratelab.table.Schemas;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ratelab reproduce}: runs every experiment of the library (or the given specs) at one profile, each
 * into {@code DIR/<experiment>/} with the same tables as {@code run}, then writes {@code DIR/RESULTS.md} and
 * the {@code DIR/results/} table: one row per check, with the claim, the seed reference, the prediction, the
 * measured value with its interval and the verdict. Every spec is planned and validated before any runs.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = "Run every experiment spec at one profile and write RESULTS.md with the verdicts.")
final class ReproduceCommand implements Callable<Integer> {
    @Spec CommandSpec cmd;

    @Parameters(paramLabel = "SPEC", arity = "0..*",
            description = "Specs to run (default: conf/experiments/*.yaml except quickstart.yaml).")
    List<Path> specs = new ArrayList<>();

    @Option(names = "--profile", paramLabel = "P", defaultValue = "default",
            description = "smoke, default or large (default: ${DEFAULT-VALUE}).")
    String profile;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: out/reproduce-<profile>).")
    String out;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: local[*]).")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "Spark configuration, repeatable.")
    List<String> confs = new ArrayList<>();

    @Option(names = "--overwrite", description = "Replace results of an earlier reproduce in DIR.")
    boolean overwrite;

    /**
     * One row per check of every spec: the claim and spec, then the checks table's verdict columns. A method,
     * not a constant: picocli builds every command at start, and a Spark schema in a static field would load
     * Spark's types (and ICU, for collations) in every command, {@code report}'s too.
     */
    static StructType results() {
        return new StructType(new StructField[] {
            DataTypes.createStructField("claim", DataTypes.IntegerType, false),
            DataTypes.createStructField("experiment", DataTypes.StringType, false),
            DataTypes.createStructField("reference", DataTypes.StringType, false),
            DataTypes.createStructField("check", DataTypes.StringType, false),
            Schemas.CHECKS.apply("expect"),
            Schemas.CHECKS.apply("predicted"),
            Schemas.CHECKS.apply("observed"),
            Schemas.CHECKS.apply("ci_low"),
            Schemas.CHECKS.apply("ci_high"),
            Schemas.CHECKS.apply("passed"),
            Schemas.CHECKS.apply("detail"),
            DataTypes.createStructField("profile", DataTypes.StringType, false),
        });
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter o = cmd.commandLine().getOut();
        Map<String, String> confMap = Sessions.parseConfs(confs);
        if (out != null) OutFlag.check("--out", out, new Configuration());
        List<Path> files = specs.isEmpty() ? library() : specs;
        if (files.isEmpty()) throw new UsageException("no specs found in conf/experiments");
        List<Plan> plans = new ArrayList<>();
        for (Path f : files) {
            SpecOptions so = new SpecOptions();
            so.spec = f;
            so.profile = profile;
            plans.add(so.plan());
        }
        String dir = out != null ? out : "out/reproduce-" + profile;
        OutputDir root = OutFlag.check("--out", dir, new Configuration());
        String refusal = root.refusal(overwrite);
        if (refusal != null) throw new UsageException(refusal);
        for (Plan p : plans) {
            String sub = OutputDir.of(dir + "/" + p.spec().name(), new Configuration()).refusal(true);
            if (sub != null) throw new UsageException(sub);
        }
        long t0 = System.currentTimeMillis();
        SparkSession spark = Sessions.start(master, confMap);
        try {
            Map<String, org.ratelab.linalg.Blas.Facts> executors = GridJob.executorBlas(spark);
            root.create("{\"tool\": \"ratelab\", \"command\": \"reproduce\", \"profile\": \"" + profile + "\"}");
            List<Row> results = new ArrayList<>();
            List<String[]> experiments = new ArrayList<>();
            int i = 0;
            for (Plan p : plans) {
                i++;
                o.printf("ratelab: [%d/%d] %s: %d runs%n", i, plans.size(), p.spec().name(), p.runs().size());
                OutputDir target = OutputDir.of(dir + "/" + p.spec().name(), spark.sparkContext().hadoopConfiguration());
                Instant started = Instant.now();
                target.create(RunCommand.marker(p, spark, started, null, executors));
                GridJob.Summary s = GridJob.execute(spark, p, target, 0, System.err);
                target.create(RunCommand.marker(p, spark, started, s.wallMs(), executors));
                RunCommand.afterRun(spark, target, o, cmd.commandLine().getErr());
                o.printf("ratelab:   %.1f s (%s); checks %d passed, %d failed%n", s.wallMs() / 1000.0,
                        RunCommand.counts(s.statusCounts()), s.checks() - s.checksFailed(), s.checksFailed());
                experiments.add(new String[] {String.valueOf(p.spec().claim()), p.spec().name(),
                        String.valueOf(p.runs().size()), String.format("%.0f", s.wallMs() / 1000.0),
                        RunCommand.counts(s.statusCounts()), (s.checks() - s.checksFailed()) + " of " + s.checks()});
                for (Row c : spark.read().schema(Schemas.CHECKS).parquet(target.table("checks"))
                        .orderBy("check").collectAsList()) {
                    results.add(RowFactory.create(p.spec().claim(), p.spec().name(), p.spec().reference(),
                            c.getString(c.fieldIndex("check")), c.getString(c.fieldIndex("expect")),
                            c.get(c.fieldIndex("predicted")), c.get(c.fieldIndex("observed")),
                            c.get(c.fieldIndex("ci_low")), c.get(c.fieldIndex("ci_high")),
                            c.getBoolean(c.fieldIndex("passed")), c.getString(c.fieldIndex("detail")), profile));
                }
            }
            results.sort((a, b) -> a.getInt(0) != b.getInt(0) ? Integer.compare(a.getInt(0), b.getInt(0))
                    : (a.getString(1) + a.getString(3)).compareTo(b.getString(1) + b.getString(3)));
            spark.createDataFrame(results, results()).coalesce(1).write().mode(SaveMode.Overwrite)
                    .parquet(root.table("results"));
            long failed = results.stream().filter(r -> !r.getBoolean(9)).count();
            String md = markdown(results, experiments, spark, System.currentTimeMillis() - t0);
            Files.writeString(Path.of(dir, "RESULTS.md"), md);
            o.printf("ratelab: %d checks: %d passed, %d failed; %s/RESULTS.md%n", results.size(),
                    results.size() - failed, failed, dir);
            return 0;
        } finally {
            spark.stop();
        }
    }

    static List<Path> library() throws IOException {
        List<Path> out = new ArrayList<>();
        Path lib = Path.of("conf", "experiments");
        String home = System.getProperty("ratelab.home");
        if (!Files.isDirectory(lib) && home != null) lib = Path.of(home, "conf", "experiments");
        if (!Files.isDirectory(lib)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(lib, "*.yaml")) {
            for (Path p : ds) if (!p.getFileName().toString().equals("quickstart.yaml")) out.add(p);
        }
        out.sort(null);
        return out;
    }

    String markdown(List<Row> rows, List<String[]> experiments, SparkSession spark, long wallMs) {
        StringBuilder b = new StringBuilder();
        b.append("# Results: profile `").append(profile).append("`\n\n");
        b.append("Generated by `jobs/reproduce-all --profile ").append(profile).append("` (ratelab ")
                .append(Main.version()).append(", Spark ").append(spark.version()).append(", Java ")
                .append(System.getProperty("java.version")).append(", BLAS ").append(Blas.implementation())
                .append(", master ").append(spark.sparkContext().master()).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(String.format("%.0f s", wallMs / 1000.0)).append(", ").append(Instant.now())
                .append("). Do not edit by hand: rerun the command.\n\n");
        long failed = rows.stream().filter(r -> !r.getBoolean(9)).count();
        b.append(rows.size() - failed).append(" of ").append(rows.size()).append(" checks pass.\n\n");
        b.append("| claim | experiment | seed reference | check | prediction | measured [interval] | verdict |\n");
        b.append("|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            b.append("| ").append(r.getInt(0) == 0 ? "" : r.getInt(0)).append(" | ").append(r.getString(1))
                    .append(" | ").append(esc(r.getString(2))).append(" | ").append(esc(r.getString(3)))
                    .append(" | ").append(esc(r.getString(4))).append(" | ").append(num(r, 6)).append(" [")
                    .append(num(r, 7)).append(", ").append(num(r, 8)).append("] | ")
                    .append(r.getBoolean(9) ? "reproduced" : "**not reproduced**").append(" |\n");
        }
        b.append("\nExperiments (wall time of the run, training and analysis, on the machine above):\n\n");
        b.append("| claim | experiment | runs | wall s | statuses | checks passed |\n|---|---|---|---|---|---|\n");
        for (String[] e : experiments) b.append("| ").append(String.join(" | ", e)).append(" |\n");
        b.append("\nDetails (what each number was computed from):\n\n");
        for (Row r : rows) {
            b.append("- `").append(r.getString(1)).append(" / ").append(r.getString(3)).append("`: ")
                    .append(esc(r.getString(10))).append('\n');
        }
        return b.toString();
    }

    private static String num(Row r, int i) {
        return r.isNullAt(i) ? "n/a" : String.format("%.4g", r.getDouble(i));
    }

    private static String esc(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
