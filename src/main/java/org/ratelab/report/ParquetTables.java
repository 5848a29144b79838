package org.ratelab.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Reads a table directory of an output directory with parquet-hadoop alone, no Spark: the files Spark would
 * read (hidden {@code _*} and {@code .*} names skipped, {@code name=value} partition directories decoded into
 * columns), and only the columns asked for. A column a file lacks reads as null, as it does through Spark
 * with the table's explicit schema; a directory without a Parquet file reads as zero rows.
 *
 * <p>Values come as Spark's {@code Row.get} would give them for these types: String (UTF-8 binary), Integer,
 * Long, Double, Float, Boolean, and double[] for a list of doubles ({@code curves.particles}). Files are read
 * in the order Spark packs them into partitions (largest first, then by path), so ties of a sort keep the
 * order Spark shows on a local read.
 */
public final class ParquetTables {
    private ParquetTables() {}

    /** Classes a first read loads, in the order it loads them (see {@link Report#warmUp}). */
    private static final List<String> WARM = List.of("org.apache.hadoop.conf.Configuration",
            "org.apache.parquet.hadoop.ParquetFileReader", "org.apache.parquet.hadoop.util.HadoopInputFile",
            "org.apache.parquet.format.converter.ParquetMetadataConverter", "org.apache.parquet.format.FileMetaData",
            "org.apache.parquet.hadoop.metadata.ParquetMetadata", "org.apache.parquet.hadoop.CodecFactory", "org.apache.parquet.hadoop.codec.SnappyDecompressor",
            "org.xerial.snappy.Snappy", "org.apache.parquet.io.ColumnIOFactory",
            "org.apache.parquet.io.RecordReaderImplementation", "org.apache.parquet.column.impl.ColumnReadStoreImpl",
            "org.apache.parquet.column.values.dictionary.DictionaryValuesReader",
            "org.apache.parquet.column.values.plain.PlainValuesReader$DoublePlainValuesReader",
            "org.apache.parquet.column.values.rle.RunLengthBitPackingHybridDecoder");

    /** Loads and initializes the classes a first read needs; a class missing in this version is skipped. */
    static void warmUp() {
        for (String c : WARM) {
            try {
                Class.forName(c, true, ParquetTables.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                // another parquet-hadoop: the read loads what it needs itself
            }
        }
    }

    /** A data file of a table and the partition values of its directories. */
    record DataFile(FileStatus status, Map<String, String> partitions) {}

    /** The data files under a table directory (empty when it has none). */
    static List<DataFile> files(FileSystem fs, Path dir) throws IOException {
        List<DataFile> out = new ArrayList<>();
        collect(fs, dir, new LinkedHashMap<>(), out);
        out.sort(Comparator.comparingLong((DataFile f) -> -f.status().getLen())
                .thenComparing(f -> f.status().getPath().toString()));
        return out;
    }

    private static void collect(FileSystem fs, Path dir, Map<String, String> parts, List<DataFile> out)
            throws IOException {
        FileStatus[] children = fs.listStatus(dir);
        Arrays.sort(children, Comparator.comparing(s -> s.getPath().getName()));
        for (FileStatus s : children) {
            String name = s.getPath().getName();
            boolean partition = s.isDirectory() && name.indexOf('=') > 0;
            if ((name.startsWith("_") && !partition) || name.startsWith(".") || name.endsWith("._COPYING_")) continue;
            if (s.isDirectory()) {
                if (!partition) continue;
                Map<String, String> p = new LinkedHashMap<>(parts);
                int eq = name.indexOf('=');
                String value = unescape(name.substring(eq + 1));
                p.put(unescape(name.substring(0, eq)), "__HIVE_DEFAULT_PARTITION__".equals(value) ? null : value);
                collect(fs, s.getPath(), p, out);
            } else if (s.getLen() > 0) {
                out.add(new DataFile(s, parts));
            }
        }
    }

    /** Spark's partition path escaping undone, as its {@code unescapePathName} does: {@code %XX} is char XX. */
    static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            int code = -1;
            if (c == '%' && i + 2 < s.length()) {
                try {
                    code = Integer.parseInt(s.substring(i + 1, i + 3), 16);
                } catch (NumberFormatException e) {
                    code = -1;
                }
            }
            if (code >= 0) {
                b.append((char) code);
                i += 3;
            } else {
                b.append(c);
                i++;
            }
        }
        return b.toString();
    }

    /** The column names of a table: those of its first data file, then its partition columns; empty if none. */
    static List<String> columns(FileSystem fs, Path dir) throws IOException {
        List<DataFile> files = files(fs, dir);
        if (files.isEmpty()) return List.of();
        List<String> out = new ArrayList<>();
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromStatus(files.get(0).status(),
                fs.getConf()))) {
            for (Type t : r.getFooter().getFileMetaData().getSchema().getFields()) out.add(t.getName());
        }
        for (String p : files.get(0).partitions().keySet()) if (!out.contains(p)) out.add(p);
        return out;
    }

    /**
     * Calls {@code row} with every row of the table under {@code dir}: an array of the values of
     * {@code columns}, in that order (a new array per row).
     */
    public static void scan(FileSystem fs, Path dir, List<String> columns, Consumer<Object[]> row) throws IOException {
        for (DataFile f : files(fs, dir)) scan(fs, f, columns, row);
    }

    /**
     * Calls {@code row} with every row of one data file of a table, as {@link #scan} gives them: the values of
     * its partition columns come from the {@code name=value} directories the file is in.
     */
    public static void scanFile(FileSystem fs, Path file, List<String> columns, Consumer<Object[]> row)
            throws IOException {
        Map<String, String> parts = new LinkedHashMap<>();
        List<Path> dirs = new ArrayList<>();
        for (Path d = file.getParent(); d != null && d.getName().indexOf('=') > 0; d = d.getParent()) dirs.add(0, d);
        for (Path d : dirs) {
            String name = d.getName();
            int eq = name.indexOf('=');
            String value = unescape(name.substring(eq + 1));
            parts.put(unescape(name.substring(0, eq)), "__HIVE_DEFAULT_PARTITION__".equals(value) ? null : value);
        }
        scan(fs, new DataFile(fs.getFileStatus(file), parts), columns, row);
    }

    /** Every row of the table under {@code dir}, as {@link #scan} gives them. */
    public static List<Object[]> read(FileSystem fs, Path dir, List<String> columns) throws IOException {
        List<Object[]> out = new ArrayList<>();
        scan(fs, dir, columns, out::add);
        return out;
    }

    /**
     * The read options of {@code file}: those of the file system's configuration, without Hadoop's vectored reads
     * on a local disk. There a vectored read gains nothing over reading the column chunks in turn, and costs an
     * asynchronous file channel per file and, through the checksummed local file system, a new thread per range
     * whenever the common fork-join pool has one thread (as on 2 cores): 0.1 s of a quickstart report's 1.7 s.
     * Other file systems (an object store) keep what their configuration says.
     */
    static ParquetReadOptions options(FileSystem fs, Path file) {
        ParquetReadOptions.Builder b = HadoopReadOptions.builder(fs.getConf());
        if ("file".equals(fs.makeQualified(file).toUri().getScheme())) b.withUseHadoopVectoredIo(false);
        return b.build();
    }

    private static void scan(FileSystem fs, DataFile f, List<String> columns, Consumer<Object[]> row)
            throws IOException {
        // the options from the file system's configuration: ParquetFileReader.open(file) alone makes a new
        // Hadoop Configuration per file, which parses Hadoop's default XML resources again (a tenth of a big
        // grid's analysis, which opens a few files per batch)
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromStatus(f.status(), fs.getConf()),
                options(fs, f.status().getPath()))) {
            MessageType file = r.getFooter().getFileMetaData().getSchema();
            List<Type> fields = new ArrayList<>();
            int[] slot = new int[columns.size()];
            Object[] constant = new Object[columns.size()];
            for (int i = 0; i < columns.size(); i++) {
                String c = columns.get(i);
                if (f.partitions().containsKey(c)) {
                    slot[i] = -1;
                    constant[i] = f.partitions().get(c);
                } else if (file.containsField(c)) {
                    slot[i] = fields.size();
                    fields.add(file.getType(c));
                } else {
                    slot[i] = -1;  // absent from this file: null, as Spark reads it with the explicit schema
                }
            }
            MessageType projection = new MessageType(file.getName(), fields);
            r.setRequestedSchema(projection);
            if (flat(projection) && !RECORDS) {
                scanColumns(r, projection, slot, constant, row);
                return;
            }
            Materializer m = new Materializer(projection, slot, constant);
            PageReadStore pages;
            while ((pages = r.readNextRowGroup()) != null) {
                RecordReader<Object[]> rr = new ColumnIOFactory().getColumnIO(projection, file)
                        .getRecordReader(pages, m);
                for (long i = 0, n = pages.getRowCount(); i < n; i++) row.accept(rr.read());
            }
        } catch (IOException | RuntimeException e) {
            throw new IOException(f.status().getPath() + ": " + e.getMessage(), e);
        }
    }

    /**
     * For tests: read every projection through Parquet's record assembly ({@link Materializer}), the general
     * path, instead of column by column ({@link #scanColumns}) where the projection is flat.
     */
    static volatile boolean RECORDS = false;

    /** Rows a column-by-column read builds at a time before handing them on. */
    private static final int CHUNK = 1024;

    /** Whether every projected column is a primitive value at the top level, at most once per row. */
    private static boolean flat(MessageType projection) {
        for (Type t : projection.getFields()) {
            if (!t.isPrimitive() || t.isRepetition(Type.Repetition.REPEATED)) return false;
        }
        return true;
    }

    /**
     * The rows of a flat projection, read column by column with Parquet's column readers instead of assembled
     * record by record: the same values (those {@link Value} converts, a null where a value is undefined) in
     * the same order, a new array per row, handed on {@value #CHUNK} rows at a time. Equal consecutive texts
     * (a run's run_id on each of its curve points) share one String, decoded once. Record assembly builds a
     * state machine over the projection for every row group and calls a converter per value: most of the time
     * a report's or a big grid's analysis spent reading curves.
     */
    private static void scanColumns(ParquetFileReader r, MessageType projection, int[] slot, Object[] constant,
                                    Consumer<Object[]> row) throws IOException {
        int fields = projection.getFieldCount();
        List<ColumnDescriptor> columns = projection.getColumns();
        boolean[] text = new boolean[fields];
        for (int f = 0; f < fields; f++) text[f] = Value.text(projection.getType(f));
        String createdBy = r.getFooter().getFileMetaData().getCreatedBy();
        GroupConverter none = new GroupConverter() {
            final PrimitiveConverter ignore = new PrimitiveConverter() { };
            @Override public Converter getConverter(int i) { return ignore; }
            @Override public void start() {}
            @Override public void end() {}
        };
        int[] target = new int[fields];   // the slot of each projected field in a row
        for (int i = 0; i < slot.length; i++) if (slot[i] >= 0) target[slot[i]] = i;
        PageReadStore pages;
        while ((pages = r.readNextRowGroup()) != null) {
            ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages, none, projection, createdBy);
            ColumnReader[] readers = new ColumnReader[fields];
            for (int f = 0; f < fields; f++) readers[f] = store.getColumnReader(columns.get(f));
            Binary[] lastBinary = new Binary[fields];
            String[] lastText = new String[fields];
            long total = pages.getRowCount();
            for (long done = 0; done < total; ) {
                int n = (int) Math.min(CHUNK, total - done);
                Object[][] rows = rows(n, slot, constant);
                for (int f = 0; f < fields; f++) {
                    ColumnReader cr = readers[f];
                    int defined = columns.get(f).getMaxDefinitionLevel();
                    int at = target[f];
                    switch (columns.get(f).getPrimitiveType().getPrimitiveTypeName()) {
                        case DOUBLE -> doubles(cr, defined, rows, at, n);
                        case INT64 -> longs(cr, defined, rows, at, n);
                        case INT32 -> ints(cr, defined, rows, at, n);
                        case BOOLEAN -> booleans(cr, defined, rows, at, n);
                        case FLOAT -> floats(cr, defined, rows, at, n);
                        case BINARY, FIXED_LEN_BYTE_ARRAY, INT96 -> {
                            if (text[f]) texts(cr, defined, rows, at, n, lastBinary, lastText, f);
                            else bytes(cr, defined, rows, at, n);
                        }
                    }
                }
                handOn(rows, row);
                done += n;
            }
        }
    }

    // A chunk's loops, each a method of its own, and a column's values one method per type: each loop is
    // compiled on its own (for one type), and a column of another type or a table of another shape no longer
    // throws away the compiled code of one long method that held them all (a 2*10^4-run job's analysis had the
    // JIT compile that method seven times at C2).

    /** A chunk's n new rows, each with the constants (partition values) in their slots. */
    private static Object[][] rows(int n, int[] slot, Object[] constant) {
        Object[][] rows = new Object[n][];
        for (int i = 0; i < n; i++) {
            Object[] v = new Object[slot.length];
            for (int c = 0; c < slot.length; c++) if (slot[c] < 0) v[c] = constant[c];
            rows[i] = v;
        }
        return rows;
    }

    private static void handOn(Object[][] rows, Consumer<Object[]> row) {
        for (Object[] v : rows) row.accept(v);
    }

    private static void doubles(ColumnReader cr, int defined, Object[][] rows, int at, int n) {
        for (int i = 0; i < n; i++) {
            if (cr.getCurrentDefinitionLevel() == defined) rows[i][at] = cr.getDouble();
            cr.consume();
        }
    }

    private static void longs(ColumnReader cr, int defined, Object[][] rows, int at, int n) {
        for (int i = 0; i < n; i++) {
            if (cr.getCurrentDefinitionLevel() == defined) rows[i][at] = cr.getLong();
            cr.consume();
        }
    }

    private static void ints(ColumnReader cr, int defined, Object[][] rows, int at, int n) {
        for (int i = 0; i < n; i++) {
            if (cr.getCurrentDefinitionLevel() == defined) rows[i][at] = cr.getInteger();
            cr.consume();
        }
    }

    private static void booleans(ColumnReader cr, int defined, Object[][] rows, int at, int n) {
        for (int i = 0; i < n; i++) {
            if (cr.getCurrentDefinitionLevel() == defined) rows[i][at] = cr.getBoolean();
            cr.consume();
        }
    }

    private static void floats(ColumnReader cr, int defined, Object[][] rows, int at, int n) {
        for (int i = 0; i < n; i++) {
            if (cr.getCurrentDefinitionLevel() == defined) rows[i][at] = cr.getFloat();
            cr.consume();
        }
    }

    private static void bytes(ColumnReader cr, int defined, Object[][] rows, int at, int n) {
        for (int i = 0; i < n; i++) {
            if (cr.getCurrentDefinitionLevel() == defined) rows[i][at] = cr.getBinary().getBytes();
            cr.consume();
        }
    }

    /** Texts; equal consecutive ones (also across chunks: {@code last…[f]} carry over) share one String. */
    private static void texts(ColumnReader cr, int defined, Object[][] rows, int at, int n, Binary[] lastBinary,
                              String[] lastText, int f) {
        for (int i = 0; i < n; i++) {
            if (cr.getCurrentDefinitionLevel() == defined) {
                Binary b = cr.getBinary();
                if (!b.equals(lastBinary[f])) {
                    lastBinary[f] = b.copy();   // its own bytes: a page's buffer may be reused
                    lastText[f] = b.toStringUsingUTF8();
                }
                rows[i][at] = lastText[f];
            }
            cr.consume();
        }
    }

    /** Builds one Object[] per record from the projected columns. */
    private static final class Materializer extends RecordMaterializer<Object[]> {
        final int[] slot;
        final Object[] constant;
        final Object[] fieldValues;
        final Root root;
        Object[] current;

        Materializer(MessageType projection, int[] slot, Object[] constant) {
            this.slot = slot;
            this.constant = constant;
            this.fieldValues = new Object[projection.getFieldCount()];
            this.root = new Root(projection);
        }

        @Override
        public Object[] getCurrentRecord() {
            return current;
        }

        @Override
        public GroupConverter getRootConverter() {
            return root;
        }

        final class Root extends GroupConverter {
            final Converter[] children;

            Root(MessageType schema) {
                children = new Converter[schema.getFieldCount()];
                for (int i = 0; i < children.length; i++) children[i] = converter(schema.getType(i), i);
            }

            Converter converter(Type t, int i) {
                if (t.isPrimitive()) return new Value(t, v -> fieldValues[i] = v);
                return new DoubleList(t.asGroupType(), v -> fieldValues[i] = v);
            }

            @Override
            public Converter getConverter(int fieldIndex) {
                return children[fieldIndex];
            }

            @Override
            public void start() {
                Arrays.fill(fieldValues, null);
            }

            @Override
            public void end() {
                Object[] r = new Object[slot.length];
                for (int i = 0; i < slot.length; i++) r[i] = slot[i] < 0 ? constant[i] : fieldValues[slot[i]];
                current = r;
            }
        }
    }

    /** A primitive column as Spark's Row gives it: String for UTF-8 text, the boxed number otherwise. */
    private static final class Value extends PrimitiveConverter {
        final Consumer<Object> sink;
        final boolean text;

        Value(Type t, Consumer<Object> sink) {
            this.sink = sink;
            this.text = text(t);
        }

        /** Whether the column is UTF-8 text (read as a String); refuses a logical type the report does not read. */
        static boolean text(Type t) {
            LogicalTypeAnnotation a = t.getLogicalTypeAnnotation();
            boolean text = a instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                    || a instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation;
            if (a != null && !text && !(a instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation)) {
                throw new IllegalStateException("column " + t.getName() + ": type " + a + " is not read by the report");
            }
            return text;
        }

        @Override public void addBinary(Binary v) { sink.accept(text ? v.toStringUsingUTF8() : v.getBytes()); }
        @Override public void addBoolean(boolean v) { sink.accept(v); }
        @Override public void addDouble(double v) { sink.accept(v); }
        @Override public void addFloat(float v) { sink.accept(v); }
        @Override public void addInt(int v) { sink.accept(v); }
        @Override public void addLong(long v) { sink.accept(v); }
    }

    /** A list of doubles (Parquet's LIST, any nesting of repeated groups around a double) as a double[]. */
    private static final class DoubleList extends GroupConverter {
        final Consumer<Object> sink;
        final Converter child;
        double[] buf = new double[16];
        int n;

        DoubleList(GroupType t, Consumer<Object> sink) {
            this.sink = sink;
            if (t.getFieldCount() != 1) throw new IllegalStateException("column " + t.getName() + " is not a list");
            this.child = element(t.getType(0));
        }

        private Converter element(Type t) {
            if (t.isPrimitive()) {
                if (t.asPrimitiveType().getPrimitiveTypeName()
                        != org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.DOUBLE) {
                    throw new IllegalStateException("list element " + t.getName() + " is not a double");
                }
                return new PrimitiveConverter() {
                    @Override
                    public void addDouble(double v) {
                        if (n == buf.length) buf = Arrays.copyOf(buf, 2 * n);
                        buf[n++] = v;
                    }
                };
            }
            GroupType g = t.asGroupType();
            if (g.getFieldCount() != 1) throw new IllegalStateException("list element " + t.getName() + " is not a double");
            Converter inner = element(g.getType(0));
            return new GroupConverter() {
                @Override public Converter getConverter(int i) { return inner; }
                @Override public void start() {}
                @Override public void end() {}
            };
        }

        @Override public Converter getConverter(int i) { return child; }

        @Override
        public void start() {
            n = 0;
        }

        @Override
        public void end() {
            sink.accept(Arrays.copyOf(buf, n));
        }
    }
}
