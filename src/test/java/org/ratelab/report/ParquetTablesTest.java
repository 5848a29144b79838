package org.ratelab.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.SparkTestSession;

/**
 * {@link ParquetTables} reads a flat projection column by column: the same values, in the same order, as
 * Parquet's record assembly (the general path, {@link ParquetTables#RECORDS}) and as Spark's own reader, over
 * every primitive type a table has, nulls, NaN and −0.0, several row groups and more rows than one chunk.
 */
class ParquetTablesTest {
    private static SparkSession spark;
    @TempDir static Path dir;  // deleted after the class (it was left in /tmp before)
    private static final int ROWS = 5_000;

    private static final StructType SCHEMA = new StructType()
            .add("run_id", DataTypes.StringType)
            .add("step", DataTypes.LongType, false)
            .add("k", DataTypes.IntegerType)
            .add("loss", DataTypes.DoubleType)
            .add("f", DataTypes.FloatType)
            .add("ok", DataTypes.BooleanType)
            .add("raw", DataTypes.BinaryType)
            .add("small", DataTypes.ShortType)
            .add("particles", DataTypes.createArrayType(DataTypes.DoubleType));

    @BeforeAll
    static void write() throws Exception {
        spark = SparkTestSession.get();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            // run_ids repeat in runs of 7 (a run's points), every 13th row has nulls, special doubles recur
            double loss = switch (i % 5) {
                case 0 -> Double.NaN;
                case 1 -> -0.0;
                default -> 1.0 / (i + 1);
            };
            boolean nulls = i % 13 == 0;
            rows.add(RowFactory.create(nulls ? null : "run-" + (i / 7), (long) i, nulls ? null : i * 3,
                    nulls ? null : loss, nulls ? null : (float) i / 7, nulls ? null : i % 2 == 0,
                    nulls ? null : new byte[] {(byte) i, 1, 2}, nulls ? null : (short) (i % 300),
                    i % 3 == 0 ? null : new double[] {i, 0.5 * i}));
        }
        // small row groups: the file has many, and a page of a column spans chunks unevenly
        spark.createDataFrame(rows, SCHEMA).coalesce(1).write().option("parquet.block.size", 16 * 1024)
                .parquet(dir.resolve("t").toString());
    }

    @AfterEach
    void recordsOff() {
        ParquetTables.RECORDS = false;
    }

    private static List<Object[]> read(List<String> columns, boolean records) throws Exception {
        ParquetTables.RECORDS = records;
        FileSystem fs = FileSystem.getLocal(spark.sparkContext().hadoopConfiguration());
        return ParquetTables.read(fs, new org.apache.hadoop.fs.Path(dir.resolve("t").toUri()), columns);
    }

    @Test
    void theFileHasSeveralRowGroups() throws Exception {
        Path file;
        try (var s = Files.list(dir.resolve("t"))) {
            file = s.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        try (var r = org.apache.parquet.hadoop.ParquetFileReader.open(org.apache.parquet.hadoop.util.HadoopInputFile
                .fromPath(new org.apache.hadoop.fs.Path(file.toUri()), spark.sparkContext().hadoopConfiguration()))) {
            assertTrue(r.getRowGroups().size() >= 3, "row groups: " + r.getRowGroups().size());
        }
    }

    @Test
    void columnByColumnGivesWhatRecordAssemblyGives() throws Exception {
        List<String> cols = List.of("small", "run_id", "missing", "step", "k", "loss", "f", "ok", "raw");
        List<Object[]> fast = read(cols, false);
        List<Object[]> records = read(cols, true);
        assertEquals(ROWS, fast.size());
        assertEquals(records.size(), fast.size());
        for (int i = 0; i < ROWS; i++) {
            Object[] a = records.get(i);
            Object[] b = fast.get(i);
            assertEquals(cols.size(), b.length);
            for (int c = 0; c < cols.size(); c++) {
                if (a[c] instanceof byte[] x) assertArrayEquals(x, (byte[]) b[c], "row " + i + " " + cols.get(c));
                else assertEquals(a[c], b[c], "row " + i + " " + cols.get(c));   // Double.equals: NaN, -0.0 exact
            }
        }
        // the types and values themselves, not only agreement
        Object[] r1 = fast.get(1);
        assertEquals(1, r1[0]);
        assertEquals("run-0", r1[1]);
        assertNull(r1[2]);
        assertEquals(1L, r1[3]);
        assertEquals(3, r1[4]);
        assertEquals(-0.0, (Double) r1[5]);
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits((Double) r1[5]));
        assertEquals(1f / 7, (Float) r1[6]);
        assertEquals(false, r1[7]);
        assertArrayEquals(new byte[] {1, 1, 2}, (byte[]) r1[8]);
        assertInstanceOf(Integer.class, r1[0]);
        assertTrue(Double.isNaN((Double) fast.get(5)[5]));
        Object[] r13 = fast.get(13);
        for (int c : new int[] {0, 1, 2, 4, 5, 6, 7, 8}) assertNull(r13[c], "row 13 column " + cols.get(c));
        assertEquals(13L, r13[3]);
        // a run's points share one decoded run_id
        assertSame(fast.get(7)[1], fast.get(8)[1]);
        assertEquals("run-1", fast.get(7)[1]);
    }

    @Test
    void matchesSparksReader() throws Exception {
        List<String> cols = List.of("run_id", "step", "k", "loss", "f", "ok");
        List<Object[]> fast = read(cols, false);
        List<Row> spark = ParquetTablesTest.spark.read().parquet(dir.resolve("t").toString())
                .select("run_id", "step", "k", "loss", "f", "ok").collectAsList();
        assertEquals(spark.size(), fast.size());
        for (int i = 0; i < spark.size(); i++) {
            for (int c = 0; c < cols.size(); c++) assertEquals(spark.get(i).get(c), fast.get(i)[c], "row " + i);
        }
    }

    @Test
    void aListColumnStillReadsThroughRecordAssembly() throws Exception {
        List<Object[]> rows = read(List.of("step", "particles"), false);
        assertEquals(ROWS, rows.size());
        assertNull(rows.get(3)[1]);
        assertArrayEquals(new double[] {4, 2}, (double[]) rows.get(4)[1]);
        assertEquals(4L, rows.get(4)[0]);
    }

    /** Hadoop's vectored reads stay off on a local disk, and on another file system follow its configuration. */
    @Test
    void aLocalFileIsReadWithoutVectoredReadsAndAnotherAsConfigured() throws Exception {
        for (boolean configured : new boolean[] {true, false}) {
            org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(false);
            conf.setBoolean("parquet.hadoop.vectored.io.enabled", configured);
            org.apache.hadoop.fs.LocalFileSystem local = org.apache.hadoop.fs.FileSystem.getLocal(conf);
            assertEquals(false, ParquetTables.options(local, new org.apache.hadoop.fs.Path("/tmp/x.parquet"))
                    .useHadoopVectoredIo());
            assertEquals(false, ParquetTables.options(local.getRaw(), new org.apache.hadoop.fs.Path("file:/tmp/x"))
                    .useHadoopVectoredIo());
            FileSystem other = new org.apache.hadoop.fs.RawLocalFileSystem() {
                @Override
                public java.net.URI getUri() {
                    return java.net.URI.create("other:///");
                }
            };
            other.initialize(java.net.URI.create("file:///"), conf);
            assertEquals(configured, ParquetTables.options(other, new org.apache.hadoop.fs.Path("/tmp/x.parquet"))
                    .useHadoopVectoredIo(), "configured " + configured);
        }
    }
}
