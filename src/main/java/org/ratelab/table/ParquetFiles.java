package org.ratelab.table;

import java.io.Closeable;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.ratelab.probes.CurvePoint;
import org.ratelab.probes.Metrics;
import org.ratelab.train.RunConfig;
import org.ratelab.train.RunResult;

/**
 * The {@code runs} and {@code curves} tables' Parquet files written with parquet-hadoop, without Spark SQL:
 * a run's curve points go from {@link CurvePoint}s straight into {@link CurveFile}'s column buffers, which
 * encode each column's pages themselves (no {@code Row}, no conversion to Spark's internal rows, no Spark
 * job, no record assembly), which is what makes curves cheap to write (README, Performance:
 * {@code curve_rows_parquet}); runs rows go through {@code ParquetWriter}.
 *
 * <p>The files are what Spark writes for the same {@link Schemas} (checked by {@code ParquetFilesTest}): the
 * same Parquet schema (strings as {@code binary (STRING)}, maps as {@code MAP} of a repeated
 * {@code key_value} group, arrays as 3-level {@code LIST}s, a non-nullable column {@code required}), the
 * Spark schema in the footer ({@value #SPARK_ROW_METADATA}), Snappy pages; the {@code curves} partition
 * columns are directory names ({@code experiment=X/optimizer=Y}, escaped as Spark escapes them), not columns
 * of the files. So Spark, the report's {@code ParquetTables} and DuckDB read them as before.
 */
public final class ParquetFiles {
    private ParquetFiles() {}

    /** The footer key under which Spark keeps a file's Spark schema (JSON). */
    public static final String SPARK_ROW_METADATA = "org.apache.spark.sql.parquet.row.metadata";

    /** {@link Schemas#CURVES} less its partition columns: the columns of a {@code curves} file. */
    public static final StructType CURVES_FILE = curvesFile();

    private static StructType curvesFile() {
        List<StructField> fs = new ArrayList<>();
        for (StructField f : Schemas.CURVES.fields()) if (!Schemas.CURVES_PARTITIONS.contains(f.name())) fs.add(f);
        return new StructType(fs.toArray(new StructField[0]));
    }

    private static final MessageType CURVES_MESSAGE = messageType(CURVES_FILE);

    /** A data file of a table: its path relative to the output directory, and its rows. */
    public record DataFile(String path, long rows) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** The Parquet schema Spark writes for {@code schema} (ParquetSchemaConverter, standard layout). */
    public static MessageType messageType(StructType schema) {
        Types.MessageTypeBuilder b = Types.buildMessage();
        for (StructField f : schema.fields()) b.addField(type(f.name(), f.dataType(), f.nullable()));
        return b.named("spark_schema");
    }

    private static Type type(String name, DataType t, boolean nullable) {
        Type.Repetition rep = nullable ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED;
        if (t.equals(DataTypes.StringType)) {
            return Types.primitive(PrimitiveTypeName.BINARY, rep).as(LogicalTypeAnnotation.stringType()).named(name);
        }
        if (t.equals(DataTypes.LongType)) return Types.primitive(PrimitiveTypeName.INT64, rep).named(name);
        if (t.equals(DataTypes.IntegerType)) return Types.primitive(PrimitiveTypeName.INT32, rep).named(name);
        if (t.equals(DataTypes.DoubleType)) return Types.primitive(PrimitiveTypeName.DOUBLE, rep).named(name);
        if (t.equals(DataTypes.BooleanType)) return Types.primitive(PrimitiveTypeName.BOOLEAN, rep).named(name);
        if (t instanceof MapType m) {
            return Types.buildGroup(rep).as(LogicalTypeAnnotation.mapType())
                    .addField(Types.repeatedGroup()
                            .addField(type("key", m.keyType(), false))
                            .addField(type("value", m.valueType(), m.valueContainsNull()))
                            .named("key_value"))
                    .named(name);
        }
        if (t instanceof ArrayType a) {
            return Types.buildGroup(rep).as(LogicalTypeAnnotation.listType())
                    .addField(Types.repeatedGroup().addField(type("element", a.elementType(), a.containsNull()))
                            .named("list"))
                    .named(name);
        }
        throw new IllegalArgumentException("no Parquet writer for column " + name + " of type " + t.simpleString());
    }

    /** Partition directory {@code experiment=X/optimizer=Y} of a curve, escaped as Spark does. */
    public static String curvesPartition(String experiment, String optimizer) {
        return "experiment=" + ExternalCatalogUtils.escapePathName(experiment)
                + "/optimizer=" + ExternalCatalogUtils.escapePathName(optimizer);
    }

    /**
     * A writer of Snappy pages. Dictionaries only for string columns (run_ids, map keys, names repeat): a
     * column of measured doubles hardly repeats a value, so its dictionary fills up, falls back to plain
     * encoding and re-encodes the page. The same holds for the string columns {@code distinct}, whose every
     * row has a value of its own (a run's config_json): they get no dictionary either.
     */
    private static <T> ParquetWriter<T> open(OutputFile file, Configuration conf, MessageType schema,
                                             WriteSupport<T> support, Set<String> distinct) throws IOException {
        Builder<T> b = new Builder<>(file, support).withConf(conf).withWriteMode(ParquetFileWriter.Mode.CREATE)
                .withCompressionCodec(CompressionCodecName.SNAPPY).withDictionaryEncoding(false);
        for (org.apache.parquet.column.ColumnDescriptor c : schema.getColumns()) {
            if (c.getPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.BINARY
                    && !(c.getPath().length == 1 && distinct.contains(c.getPath()[0]))) {
                b = b.withDictionaryEncoding(String.join(".", c.getPath()), true);
            }
        }
        return b.build();
    }

    private static final class Builder<T> extends ParquetWriter.Builder<T, Builder<T>> {
        private final WriteSupport<T> support;

        Builder(OutputFile f, WriteSupport<T> support) {
            super(f);
            this.support = support;
        }

        @Override protected Builder<T> self() { return this; }

        @Override protected WriteSupport<T> getWriteSupport(Configuration c) { return support; }
    }

    private static Map<String, String> footer(StructType schema) {
        Map<String, String> m = new HashMap<>();
        m.put(SPARK_ROW_METADATA, schema.json());
        m.put("org.apache.spark.version", org.apache.spark.package$.MODULE$.SPARK_VERSION_SHORT());
        return m;
    }

    /**
     * Writes {@code rows} of {@code schema} (columns of strings, ints, longs, doubles and booleans, a null
     * where the column is nullable) as one Parquet file at {@code file}, which must not exist.
     */
    public static void writeRows(Path file, Configuration conf, StructType schema, List<Row> rows) throws IOException {
        try (ParquetWriter<Row> w = rowWriter(file, conf, schema)) {
            for (Row r : rows) w.write(r);
        }
    }

    /** A new Parquet file at {@code file} (which must not exist) for rows of {@code schema}, written one at a time, as {@link #writeRows} writes them. */
    public static ParquetWriter<Row> rowWriter(Path file, Configuration conf, StructType schema) throws IOException {
        return open(HadoopOutputFile.fromPath(file, conf), conf, messageType(schema), new RowSupport(schema),
                schema.equals(Schemas.RUNS) ? RUNS_DISTINCT : Set.of());
    }

    /** The runs table's string columns that differ in every row: a run's id, its configuration and its axes. */
    static final Set<String> RUNS_DISTINCT = Set.of("run_id", "config_json", "axes_json");

    private static final class RowSupport extends WriteSupport<Row> {
        private final StructType schema;
        private final DataType[] types;
        private RecordConsumer out;

        RowSupport(StructType schema) {
            this.schema = schema;
            this.types = new DataType[schema.size()];
            for (int i = 0; i < types.length; i++) {
                types[i] = schema.fields()[i].dataType();
                type(schema.fields()[i].name(), types[i], true);  // refuses a type it cannot write
                if (types[i] instanceof MapType || types[i] instanceof ArrayType) {
                    throw new IllegalArgumentException("writeRows writes flat tables only, not " + schema.simpleString());
                }
            }
        }

        @Override public WriteContext init(Configuration c) { return new WriteContext(messageType(schema), footer(schema)); }

        @Override public void prepareForWrite(RecordConsumer rc) { out = rc; }

        @Override public void write(Row r) {
            out.startMessage();
            for (int i = 0; i < types.length; i++) {
                if (r.isNullAt(i)) {
                    if (!schema.fields()[i].nullable()) {
                        throw new IllegalArgumentException("column " + schema.fields()[i].name() + " is null");
                    }
                    continue;
                }
                out.startField(schema.fields()[i].name(), i);
                DataType t = types[i];
                if (t.equals(DataTypes.StringType)) out.addBinary(Binary.fromString(r.getString(i)));
                else if (t.equals(DataTypes.LongType)) out.addLong(r.getLong(i));
                else if (t.equals(DataTypes.IntegerType)) out.addInteger(r.getInt(i));
                else if (t.equals(DataTypes.DoubleType)) out.addDouble(r.getDouble(i));
                else out.addBoolean(r.getBoolean(i));
                out.endField(schema.fields()[i].name(), i);
            }
            out.endMessage();
        }
    }

    /**
     * A task's curve files: one Parquet file per partition directory ({@code experiment}, {@code optimizer})
     * under {@code base}, all named {@code fileName}, each opened at its first point. Not thread-safe.
     */
    public static final class CurveFiles implements Closeable {
        private final Path base;
        private final String prefix;
        private final String fileName;
        private final Configuration conf;
        private final Map<String, CurveFile> files = new LinkedHashMap<>();
        private final int pageRows;
        private final long rowGroupBytes;

        /**
         * @param base     the directory that stands for the output directory ({@code curves/} is made below it)
         * @param fileName the name of every file (unique to the task attempt)
         */
        public CurveFiles(Path base, String fileName, Configuration conf) {
            this(base, fileName, conf, CurveFile.PAGE_ROWS, CurveFile.ROW_GROUP_BYTES);
        }

        /** As above, with pages of {@code pageRows} rows and row groups of about {@code rowGroupBytes} (tests: small ones). */
        CurveFiles(Path base, String fileName, Configuration conf, int pageRows, long rowGroupBytes) {
            this.pageRows = pageRows;
            this.rowGroupBytes = rowGroupBytes;
            this.base = base;
            this.prefix = "curves/";
            this.fileName = fileName;
            this.conf = conf;
        }

        /** Writes every recorded point of {@code r}'s curve. */
        public void write(RunResult r) throws IOException {
            if (r.curve().isEmpty()) return;
            RunConfig c = r.config();
            String rel = prefix + curvesPartition(c.experiment(), c.optimizer().name()) + "/" + fileName;
            CurveFile f = files.get(rel);
            if (f == null) {
                f = new CurveFile(HadoopOutputFile.fromPath(new Path(base, rel), conf), CURVES_MESSAGE,
                        footer(CURVES_FILE), pageRows, rowGroupBytes);
                files.put(rel, f);
            }
            Binary runId = Binary.fromString(c.runId());
            for (CurvePoint p : r.curve()) writePoint(f, runId, p);
        }

        /** Closes every file; the files written, with their rows. */
        public List<DataFile> finish() throws IOException {
            List<DataFile> out = new ArrayList<>();
            for (Map.Entry<String, CurveFile> e : files.entrySet()) out.add(new DataFile(e.getKey(), e.getValue().rows()));
            close();
            return out;
        }

        @Override public void close() throws IOException {
            IOException first = null;
            for (CurveFile f : files.values()) {
                try {
                    f.close();
                } catch (IOException e) {
                    if (first == null) first = e;
                }
            }
            files.clear();
            if (first != null) throw first;
        }
    }

    // the columns of a curves file, in order: as Rows.curve sets them
    private static final String[] CURVE_COLUMNS = CURVES_FILE.fieldNames();
    private static final int RUN_ID = index("run_id");
    private static final int STEP = index("step");
    private static final int ORACLE_CALLS = index("oracle_calls");
    private static final int[] METRICS = metricColumns();
    private static final int LAYER_DIST = index("layer_dist");
    private static final int LAYER_REL_CHANGE = index("layer_rel_change");
    private static final int PARTICLES = index("particles");
    private static final int EXTRA_METRICS = index("extra_metrics");

    private static int index(String name) {
        return CURVES_FILE.fieldIndex(name);
    }

    private static int[] metricColumns() {
        int[] cols = new int[Metrics.count()];
        for (int i = 0; i < cols.length; i++) cols[i] = index(Metrics.NAMES.get(i));
        return cols;
    }

    /**
     * Every column of {@link #CURVES_FILE} must be written by {@link #writePoint}: a column added to
     * {@link Schemas#CURVES} without a writer here fails the first curve file, naming it.
     */
    private static void checkCovered() {
        boolean[] seen = new boolean[CURVE_COLUMNS.length];
        seen[RUN_ID] = seen[STEP] = seen[ORACLE_CALLS] = true;
        for (int m : METRICS) seen[m] = true;
        seen[LAYER_DIST] = seen[LAYER_REL_CHANGE] = seen[PARTICLES] = seen[EXTRA_METRICS] = true;
        for (int i = 0; i < seen.length; i++) {
            if (!seen[i]) throw new IllegalStateException("curves column " + CURVE_COLUMNS[i] + " has no Parquet writer");
        }
    }

    static {
        checkCovered();
    }

    private static final int[] METRIC_LEAVES = metricLeaves();

    private static int[] metricLeaves() {
        int[] out = new int[METRICS.length];
        for (int i = 0; i < out.length; i++) out[i] = CurveFile.leaf(CURVES_MESSAGE, CURVE_COLUMNS[METRICS[i]]);
        return out;
    }

    /**
     * The levels {@link #writePoint} writes: a null metric, map or list at definition level 0 (and an empty map
     * or list at 1), so each of those columns must be nullable.
     */
    private static void checkLevels() {
        for (int m : METRICS) checkNullable(m);
        checkNullable(LAYER_DIST);
        checkNullable(LAYER_REL_CHANGE);
        checkNullable(PARTICLES);
        checkNullable(EXTRA_METRICS);
    }

    private static void checkNullable(int column) {
        if (!CURVES_FILE.fields()[column].nullable()) {
            throw new IllegalStateException("curves column " + CURVE_COLUMNS[column] + " is not nullable");
        }
    }

    static {
        checkLevels();
    }

    private static final int RUN_ID_LEAF = CurveFile.leaf(CURVES_MESSAGE, "run_id");
    private static final int STEP_LEAF = CurveFile.leaf(CURVES_MESSAGE, "step");
    private static final int ORACLE_LEAF = CurveFile.leaf(CURVES_MESSAGE, "oracle_calls");
    private static final int[] LAYER_DIST_LEAVES = mapLeaves("layer_dist");
    private static final int[] LAYER_REL_LEAVES = mapLeaves("layer_rel_change");
    private static final int PARTICLE_LEAF = CurveFile.leaf(CURVES_MESSAGE, "particles", "list", "element");
    private static final int[] EXTRA_LEAVES = mapLeaves("extra_metrics");

    private static int[] mapLeaves(String column) {
        return new int[] {CurveFile.leaf(CURVES_MESSAGE, column, "key_value", "key"),
                CurveFile.leaf(CURVES_MESSAGE, column, "key_value", "value")};
    }

    /**
     * One point of the run {@code runId} as a row of {@code f}, with the levels of {@link #CURVES_MESSAGE}
     * ({@link #checkLevels}): a metric is defined at level 1 and null at 0; a map or list column is null at 0,
     * empty at 1, and an entry or element is defined at its leaf's level, the first at repetition level 0
     * and the others at 1.
     */
    private static void writePoint(CurveFile f, Binary runId, CurvePoint p)
            throws IOException {
        f.flatBinary(RUN_ID_LEAF, runId);
        f.flatLong(STEP_LEAF, p.step());
        f.flatLong(ORACLE_LEAF, p.oracleCalls());
        for (int i = 0; i < METRIC_LEAVES.length; i++) {
            if (p.has(i)) f.flatDouble(METRIC_LEAVES[i], p.get(i));
            else f.flatNull(METRIC_LEAVES[i]);
        }
        map(f, LAYER_DIST_LEAVES, p.layerDist());
        map(f, LAYER_REL_LEAVES, p.layerRelChange());
        double[] particles = p.particles();
        if (particles == null) f.none(PARTICLE_LEAF, 0, 0);
        else if (particles.length == 0) f.none(PARTICLE_LEAF, 0, 1);
        else for (int i = 0; i < particles.length; i++) f.float64(PARTICLE_LEAF, particles[i], i == 0 ? 0 : 1);
        map(f, EXTRA_LEAVES, p.extraMetrics());
        f.endRow();
    }

    /** A map column as Spark writes one: entries in the map's iteration order. */
    private static void map(CurveFile f, int[] leaves, Map<String, Double> m) {
        if (m == null || m.isEmpty()) {
            int d = m == null ? 0 : 1;
            f.none(leaves[0], 0, d);
            f.none(leaves[1], 0, d);
            return;
        }
        int r = 0;
        for (Map.Entry<String, Double> e : m.entrySet()) {
            Double v = e.getValue();
            if (v == null) throw new IllegalArgumentException("a null value in a map of a curve point: " + e.getKey());
            f.string(leaves[0], e.getKey(), r);
            f.float64(leaves[1], v, r);
            r = 1;
        }
    }
}
