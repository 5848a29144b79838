package org.ratelab.job;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.ratelab.linalg.Blas;
import org.ratelab.linalg.Kernels;
import org.ratelab.table.OutputDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ratelab bench --out DIR [--quick]}: the performance benchmark of issue #10, measured in one run and
 * written to {@code DIR/bench/} (Parquet) and printed as a table.
 *
 * <ol>
 *   <li>{@code steps} ({@link BenchSteps}): {@code train_step}, {@code dgemm}, {@code torch_peer}
 *       ({@link BenchPeer}) and {@code trainer_step}.</li>
 *   <li>{@code grid} ({@link BenchGrid}): {@code grid_overhead}.</li>
 *   <li>{@code curves} ({@link BenchCurves}): {@code curve_rows_parquet}.</li>
 *   <li>{@code makespan} ({@link BenchMakespan}): {@code makespan_skewed}.</li>
 *   <li>{@code plan} ({@link BenchPlan}): {@code plan_1e4} and {@code plan_scale}.</li>
 *   <li>{@code e2e_peer} ({@link BenchE2ePeer}): the quickstart end to end against its PyTorch script.</li>
 *   <li>{@code grid_scale} ({@link BenchGridScale}): 10^5 tiny runs through {@code run} against a plain loop.</li>
 * </ol>
 * This class parses the options, runs the sections asked for in that order, and writes their rows
 * ({@link BenchRow}) to Parquet and the console.
 * Every row carries the 1-minute load average when it was measured: on a shared machine, compare ratios.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark training steps against dgemm and the PyTorch peer, and the grid engine.")
final class BenchCommand implements Callable<Integer> {
    @Spec CommandSpec cmd;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Writes DIR/bench/ (Parquet).")
    String out;

    @Option(names = "--quick", description = "Fewer rounds and a smaller grid (about a minute on an idle machine).")
    boolean quick;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master for the grid sections (default local[2]).")
    String master = "local[2]";

    // the python3 a user's shell runs (a virtual environment's or pyenv's, where torch usually is), not the system's
    @Option(names = "--python", paramLabel = "EXE", description = "Python for the PyTorch peer (default: python3 on "
            + "the PATH).")
    String python = "python3";

    @Option(names = "--no-peer", description = "Do not run the PyTorch peer.")
    boolean noPeer;

    /** Every section, in the order they run. */
    static final List<String> SECTIONS = List.of("steps", "grid", "curves", "makespan", "plan", "e2e_peer",
            "grid_scale");

    @Option(names = "--sections", paramLabel = "LIST", split = ",",
            description = "Subset of: steps, grid, curves, makespan, plan, e2e_peer, grid_scale (default all).")
    List<String> sections = new ArrayList<>(SECTIONS);

    @Override
    public Integer call() throws Exception {
        PrintWriter o = cmd.commandLine().getOut();
        for (String s : sections) {
            if (!SECTIONS.contains(s)) {
                throw new UsageException("--sections: unknown section " + s + " (" + String.join(", ", SECTIONS)
                        + ")");
            }
        }
        OutputDir checked = OutFlag.check("--out", out, new org.apache.hadoop.conf.Configuration());
        if (!"file".equals(checked.root().toUri().getScheme())) {
            throw new UsageException("--out " + out + ": bench writes to a local directory only");
        }
        Path dir = Path.of(checked.root().toUri());
        if (Files.exists(dir.resolve("bench"))) throw new UsageException(dir.resolve("bench") + " exists; remove it first");
        o.printf("ratelab bench: blas %s (%s), vector kernels %s, cores %d, load %.1f%s%n", Blas.implementation(),
                Blas.nativeLibrary(), Kernels.VECTOR, Runtime.getRuntime().availableProcessors(), Bench.load(),
                quick ? ", quick" : "");
        o.flush();
        List<BenchRow> rows = new ArrayList<>();
        // the sections' specs and outputs (a grid_scale job's 200 MB, the curves' rounds) go with the bench
        Path work = Files.createTempDirectory("ratelab-bench");
        try {
            Bench bench = new Bench(quick, work, rows, o);
            if (sections.contains("steps")) BenchSteps.run(bench, python, noPeer);
            if (sections.contains("plan")) BenchPlan.run(bench);
            if (sections.contains("e2e_peer")) BenchE2ePeer.run(bench, noPeer ? null : python);
            if (sections.contains("grid_scale")) BenchGridScale.run(bench);
            boolean spark = sections.contains("grid") || sections.contains("curves") || sections.contains("makespan");
            SparkSession session = Sessions.start(master, Map.of());
            try {
                if (sections.contains("grid")) BenchGrid.run(bench, session);
                if (sections.contains("curves")) BenchCurves.run(bench, session);
                if (sections.contains("makespan")) BenchMakespan.run(bench, session);
                List<Row> out = new ArrayList<>();
                for (BenchRow r : rows) out.add(r.toRow());
                session.createDataFrame(out, BenchRow.SCHEMA).coalesce(1).write().mode(SaveMode.ErrorIfExists)
                        .parquet(dir.resolve("bench").toString());
                if (!spark) o.println("(Spark used only to write the table)");
            } finally {
                session.stop();
            }
        } finally {
            org.apache.hadoop.fs.FileUtil.fullyDelete(work.toFile());
        }
        o.println();
        o.print(BenchRow.table(rows));
        o.printf("written: %s%n", dir.resolve("bench"));
        return 0;
    }

}
