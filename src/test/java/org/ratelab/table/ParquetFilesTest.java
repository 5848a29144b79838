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
        // strings with a value a row get no dictionary in the runs file; strings that repeat keep theirs
        Path runsFile = dataFiles(mine.resolve("runs")).get(0);
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(runsFile.toUri()), conf))) {
            Map<String, Boolean> dictionary = new java.util.TreeMap<>();
            for (org.apache.parquet.hadoop.metadata.ColumnChunkMetaData c : r.getRowGroups().get(0).getColumns()) {
                dictionary.put(c.getPath().toDotString(), c.hasDictionaryPage());
            }
            for (String c : List.of("run_id", "config_json", "axes_json")) assertEquals(false, dictionary.get(c), c);
            for (String c : List.of("experiment", "optimizer", "status", "group_key")) assertEquals(true, dictionary.get(c), c);
        }
    }

    /**
     * Many points (400 copies of the curves above), in pages of 500 rows and row groups closed at 8 KiB: each
     * column takes several pages and several row groups, each with a dictionary of its own.
     * Spark reads back the rows Spark's writer wrote for the same points, and each column's statistics over
     * the files (min, max, nulls) are those of Spark's writer.
     */
    @Test
    void curvesOfManyPagesAndRowGroupsAreSparksRowsAndStatistics(@TempDir Path dir) throws Exception {
        SparkSession spark = SparkTestSession.get();
        Configuration conf = new Configuration();
        int copies = 400;
        List<Row> curveRows = new ArrayList<>();
        for (int k = 0; k < copies; k++) for (RunResult r : results) curveRows.addAll(Rows.curve(r));
        Path bySpark = dir.resolve("spark");
        spark.createDataFrame(curveRows, Schemas.CURVES).write().mode(SaveMode.ErrorIfExists)
                .partitionBy("experiment", "optimizer").parquet(bySpark.resolve("curves").toString());
        Path mine = dir.resolve("mine");
        try (ParquetFiles.CurveFiles files = new ParquetFiles.CurveFiles(
                new org.apache.hadoop.fs.Path(mine.toUri()), "part-b-0-0.parquet", conf, 500, 8 << 10)) {
            for (int k = 0; k < copies; k++) for (RunResult r : results) files.write(r);
            assertEquals(curveRows.size(), files.finish().stream().mapToLong(ParquetFiles.DataFile::rows).sum());
        }
        int groups = 0;
        int pagesOfRunId = 0;
        for (Path f : dataFiles(mine)) {
            try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(
                    new org.apache.hadoop.fs.Path(f.toUri()), conf))) {
                groups += r.getRowGroups().size();
                for (org.apache.parquet.hadoop.metadata.BlockMetaData b : r.getRowGroups()) {
                    org.apache.parquet.hadoop.metadata.ColumnChunkMetaData c = b.getColumns().get(0);
                    assertEquals("run_id", c.getPath().toDotString());
                    assertTrue(c.hasDictionaryPage(), "each row group has its own dictionary of run_ids");
                    pagesOfRunId += r.readColumnIndex(c) == null ? 1 : r.readColumnIndex(c).getMinValues().size();
                }
            }
        }
        assertTrue(groups > dataFiles(mine).size(), groups + " row groups in " + dataFiles(mine).size() + " files");
        assertTrue(pagesOfRunId > groups, pagesOfRunId + " run_id pages in " + groups + " row groups");
        for (boolean explicit : List.of(true, false)) {
            assertEquals(rows(spark, bySpark.resolve("curves"), "curves", explicit),
                    rows(spark, mine.resolve("curves"), "curves", explicit), "rows");
        }
        Map<String, String> sparks = statistics(bySpark.resolve("curves"), conf);
        Map<String, String> mines = statistics(mine.resolve("curves"), conf);
        assertEquals(ParquetFiles.messageType(ParquetFiles.CURVES_FILE).getColumns().size(), mines.size());
        assertEquals(sparks, mines, "min, max and nulls of each column");
    }

    /** Every Parquet file under {@code dir}, in name order. */
    static List<Path> dataFiles(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
        }
    }

    /** Each column's statistics merged over every row group of every file under {@code dir}, as text. */
    static Map<String, String> statistics(Path dir, Configuration conf) throws Exception {
        Map<String, org.apache.parquet.column.statistics.Statistics<?>> merged = new java.util.TreeMap<>();
        for (Path f : dataFiles(dir)) {
            try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(
                    new org.apache.hadoop.fs.Path(f.toUri()), conf))) {
                for (org.apache.parquet.hadoop.metadata.BlockMetaData b : r.getRowGroups()) {
                    for (org.apache.parquet.hadoop.metadata.ColumnChunkMetaData c : b.getColumns()) {
                        org.apache.parquet.column.statistics.Statistics<?> st = c.getStatistics();
                        merged.merge(c.getPath().toDotString(), st.copy(), (x, y) -> {
                            x.mergeStatistics(y);
                            return x;
                        });
                    }
                }
            }
        }
        Map<String, String> out = new java.util.TreeMap<>();
        merged.forEach((k, st) -> out.put(k, st.isEmpty() ? "empty" : "nulls " + st.getNumNulls()
                + (st.hasNonNullValue() ? " min " + st.genericGetMin() + " max " + st.genericGetMax() : "")));
        return out;
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
