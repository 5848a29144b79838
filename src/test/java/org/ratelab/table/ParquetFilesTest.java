package org.ratelab.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.SparkTestSession;
import org.ratelab.TestSpecs;
import org.ratelab.grid.Planner;
import org.ratelab.probes.CurvePoint;
import org.ratelab.spec.SpecLoader;
import org.ratelab.train.RunConfig;
import org.ratelab.train.RunResult;
import org.ratelab.train.Trainer;

/**
 * The runs and curves files written with parquet-hadoop ({@link ParquetFiles}) are the files Spark writes
 * from {@link Rows} for the same results: the same Parquet schema and Spark schema in the footer, and the same
 * rows read back by Spark, for runs that converge, diverge and record every probe, per-layer maps, particles,
 * plug-in metrics (a NaN among them), an empty map and an empty particle list.
 */
class ParquetFilesTest {
    static final List<RunResult> results = new ArrayList<>();

    @BeforeAll
    static void train(@TempDir Path dir) {
        Path spec = TestSpecs.write(dir, "files.yaml", """
                experiment: files
                seed: 0
                data: {kind: teacher_student, n: 32, d: 2, teacher: two_layer, teacher_width: 3, test_n: 16}
                model: {kind: two_layer, activation: tanh, parameterization: meanfield, width: 8}
                train: {steps: 60, loss_threshold: 1.0e-3, record: {every: 5}}
                probes: {hessian: {enabled: true, every: 20}, ntk: {enabled: true, every: 30},
                         noise: {enabled: true, every: 30}, particles: {enabled: true, every: 20}}
                optimizers:
                  - {name: gd, lr: 0.5}
                  - {name: sgd, lr: 1.0e6, batch_size: 4}
                grid:
                  seed: [1, 2]
                """);
        for (RunConfig c : Planner.plan(SpecLoader.load(spec, null)).runs()) results.add(Trainer.train(c));
        // plug-in metrics (one NaN), an empty map and an empty particle list, which no built-in probe gives
        RunResult r = results.get(0);
        List<CurvePoint> pts = new ArrayList<>();
        for (CurvePoint p : r.curve()) {
            Map<String, Double> extra = new LinkedHashMap<>();
            extra.put("zeta", (double) p.step());
            extra.put("alpha", Double.NaN);
            pts.add(new CurvePoint(p.step(), p.oracleCalls(), p.values(), p.measured(), Map.of(),
                    p.layerRelChange(), new double[0], p.step() % 10 == 0 ? extra : null));
        }
        RunConfig c = r.config();
        results.set(0, new RunResult(c, r.status(), r.steps(), r.oracleCalls(), r.initialLoss(), r.finalLoss(),
                r.optimalLoss(), r.stepsToThreshold(), r.divergedStep(), r.distInit(), r.relChange(), r.wallMs(),
                r.blas(), r.message(), pts, r.probes(), r.constants()));
    }

    @Test
    void curvesAndRunsFilesAreSparksFiles(@TempDir Path dir) throws Exception {
        SparkSession spark = SparkTestSession.get();
        Configuration conf = new Configuration();
        List<Row> curveRows = new ArrayList<>();
        List<Row> runRows = new ArrayList<>();
        for (RunResult r : results) {
            curveRows.addAll(Rows.curve(r));
            runRows.add(Rows.run(r));
        }
        Path bySpark = dir.resolve("spark");
        spark.createDataFrame(curveRows, Schemas.CURVES).write().mode(SaveMode.ErrorIfExists)
                .partitionBy("experiment", "optimizer").parquet(bySpark.resolve("curves").toString());
        spark.createDataFrame(runRows, Schemas.RUNS).coalesce(1).write().mode(SaveMode.ErrorIfExists)
                .parquet(bySpark.resolve("runs").toString());

        Path mine = dir.resolve("mine");
        List<ParquetFiles.DataFile> written;
        try (ParquetFiles.CurveFiles files = new ParquetFiles.CurveFiles(
                new org.apache.hadoop.fs.Path(mine.toUri()), "part-b-0-0.parquet", conf)) {
            for (RunResult r : results) files.write(r);
            written = files.finish();
        }
        assertEquals(2, written.size(), "one file per optimizer");
        assertEquals(curveRows.size(), written.stream().mapToLong(ParquetFiles.DataFile::rows).sum());
        for (ParquetFiles.DataFile f : written) {
            assertTrue(Files.exists(mine.resolve(f.path())), f.path());
            assertTrue(f.path().startsWith("curves/experiment=files/optimizer="), f.path());
        }
        Files.createDirectories(mine.resolve("runs"));
        ParquetFiles.writeRows(new org.apache.hadoop.fs.Path(mine.resolve("runs").resolve("part-b.parquet").toUri()),
                conf, Schemas.RUNS, runRows);

        for (String table : List.of("curves", "runs")) {
            FileMetaData sparks = footer(bySpark.resolve(table), conf);
            FileMetaData mines = footer(mine.resolve(table), conf);
            assertEquals(sparks.getSchema(), mines.getSchema(), table + ": Parquet schema");
            assertEquals(sparks.getKeyValueMetaData().get(ParquetFiles.SPARK_ROW_METADATA),
                    mines.getKeyValueMetaData().get(ParquetFiles.SPARK_ROW_METADATA), table + ": Spark schema");
            for (boolean explicit : List.of(true, false)) {
                assertEquals(rows(spark, bySpark.resolve(table), table, explicit),
                        rows(spark, mine.resolve(table), table, explicit), table + ": rows");
            }
        }
        assertTrue(rows(spark, mine.resolve("curves"), "curves", true).stream().anyMatch(s -> s.contains("NaN")));
    }

    /** The footer of the first data file under {@code dir}. */
    static FileMetaData footer(Path dir, Configuration conf) throws Exception {
        Path file;
        try (Stream<Path> s = Files.walk(dir)) {
            file = s.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().findFirst().orElseThrow();
        }
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(file.toUri()), conf))) {
            return r.getFooter().getFileMetaData();
        }
    }

    /** Every row as text, sorted, read with the table's explicit schema or with the files' own. */
    static List<String> rows(SparkSession spark, Path dir, String table, boolean explicit) {
        Dataset<Row> t = explicit ? Schemas.read(spark, table, dir.toString()) : spark.read().parquet(dir.toString());
        List<String> out = new ArrayList<>();
        for (Row r : t.collectAsList()) out.add(r.toString());
        out.sort(null);
        return out;
    }
}
