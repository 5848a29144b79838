package org.ratelab.table;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * One {@code curves} file, encoded column by column: a point's values are appended to one buffer per leaf
 * column (its definition and repetition levels, and its values in a primitive array), and every
 * {@value #PAGE_ROWS} rows each leaf's buffer is encoded as one data page, the way parquet-column's V1 writer
 * lays a page out (RLE/bit-packed levels with their length, PLAIN doubles and longs, strings as indices into
 * the row group's dictionary), compressed with Snappy, and laid out in the file with its statistics by
 * parquet-hadoop's {@link ParquetFileWriter} (footer, column and offset indexes). A point costs a few array
 * stores; {@code ParquetWriter} took a record-assembly call, a level encoder call and a statistics update for
 * each of the 27 columns of every point (README, Performance: curve rows to Parquet).
 *
 * <p>Readers see the file {@code ParquetWriter} writes for the same points: the same schema, footer, values,
 * nulls, statistics and encodings' kinds ({@code ParquetFilesTest} reads both back with Spark, and DuckDB reads
 * every table in CI). Not thread-safe.
 */
final class CurveFile implements Closeable {
    /** Rows a data page holds (fewer when its doubles would pass about 1 MB). */
    static final int PAGE_ROWS = 8192;
    private static final int PAGE_ENTRIES = 1 << 17;
    /** A row group's compressed pages, at most (about): parquet-hadoop's default row group size. */
    static final long ROW_GROUP_BYTES = ParquetWriter.DEFAULT_BLOCK_SIZE;
    /** Distinct strings a column's dictionary takes before the row group is closed and a new one begins. */
    private static final int DICTIONARY_LIMIT = 1 << 16;

    private final ParquetFileWriter file;
    private final Map<String, String> footer;
    private final Leaf[] leaves;
    private final Leaf[] repeated;
    private final Encoder out = new Encoder();
    private int openRows;
    private long groupRows;
    private long rows;
    private boolean closed;

    private final int pageRows;
    private final long rowGroupBytes;

    /**
     * A new file at {@code to} (which must not exist) of rows of {@code schema}: pages of {@code pageRows}
     * rows, row groups closed at about {@code rowGroupBytes} of compressed pages.
     */
    CurveFile(OutputFile to, MessageType schema, Map<String, String> footer, int pageRows, long rowGroupBytes)
            throws IOException {
        this.pageRows = pageRows;
        this.rowGroupBytes = rowGroupBytes;
        this.footer = footer;
        List<ColumnDescriptor> cols = schema.getColumns();
        leaves = new Leaf[cols.size()];
        List<Leaf> rep = new ArrayList<>();
        for (int i = 0; i < leaves.length; i++) {
            leaves[i] = new Leaf(cols.get(i));
            if (leaves[i].maxRep > 0) rep.add(leaves[i]);
        }
        repeated = rep.toArray(new Leaf[0]);
        file = new ParquetFileWriter(to, schema, ParquetFileWriter.Mode.CREATE, rowGroupBytes,
                ParquetWriter.MAX_PADDING_SIZE_DEFAULT);
        try {
            file.start();
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** The leaf column at {@code path}: its index in the schema's columns. */
    static int leaf(MessageType schema, String... path) {
        List<ColumnDescriptor> cols = schema.getColumns();
        for (int i = 0; i < cols.size(); i++) if (Arrays.equals(cols.get(i).getPath(), path)) return i;
        throw new IllegalStateException("curves file has no column " + String.join(".", path));
    }

    long rows() {
        return rows;
    }

    // ------------------------------------------------------------------ a row, leaf by leaf
    // A leaf that is not repeated takes exactly one entry a row (flat*), into arrays a page long; a repeated
    // leaf (a map's keys and values, a list's elements) takes any number, at a repetition level (the others).

    /** A value of the flat leaf {@code i}, defined at its level. */
    void flatDouble(int i, double v) {
        Leaf l = leaves[i];
        l.def[l.entries++] = l.defined;
        l.doubles[l.values++] = v;
    }

    void flatLong(int i, long v) {
        Leaf l = leaves[i];
        l.def[l.entries++] = l.defined;
        l.longs[l.values++] = v;
    }

    /** A string of the flat leaf {@code i}: the same object as the last one (a run's id) is not looked up again. */
    void flatBinary(int i, Binary v) {
        Leaf l = leaves[i];
        int id = v == l.lastBinary ? l.lastId : l.lookup(v);
        l.def[l.entries++] = l.defined;
        l.ids[l.values++] = id;
    }

    /** A null of the flat, nullable leaf {@code i}. */
    void flatNull(int i) {
        Leaf l = leaves[i];
        if (l.maxDef == 0) throw new IllegalArgumentException(l.name() + " is not nullable");
        l.def[l.entries++] = 0;
    }

    /** A value of the repeated leaf {@code i} at repetition level {@code r}, defined at the leaf's level. */
    void float64(int i, double v, int r) {
        leaves[i].float64(v, r);
    }

    /**
     * A string of the repeated leaf {@code i}: found by the identity of {@code v} first (a map's keys are the
     * same few strings at every point), then in the row group's dictionary.
     */
    void string(int i, String v, int r) {
        leaves[i].string(v, r);
    }

    /** No value in the repeated leaf {@code i}: defined down to level {@code d} only (a null or empty map or list). */
    void none(int i, int r, int d) {
        leaves[i].none(r, d);
    }

    /** Ends a row whose every leaf has been given at least one entry. */
    void endRow() throws IOException {
        rows++;
        groupRows++;
        if (++openRows >= pageRows || fullest() >= PAGE_ENTRIES) flushPages();
    }

    /** The most entries a repeated leaf has in the open page (a leaf that is not repeated has one a row). */
    private int fullest() {
        int m = 0;
        for (Leaf l : repeated) m = Math.max(m, l.entries);
        return m;
    }

    // ------------------------------------------------------------------ pages, row groups, the file

    private void flushPages() throws IOException {
        if (openRows == 0) return;
        long bytes = 0;
        boolean dictionaryFull = false;
        for (Leaf l : leaves) {
            l.page(openRows);
            bytes += l.groupBytes;
            dictionaryFull |= l.dictionary != null && l.dictionary.size() >= DICTIONARY_LIMIT;
        }
        openRows = 0;
        if (bytes >= rowGroupBytes || dictionaryFull) flushGroup();
    }

    private void flushGroup() throws IOException {
        if (groupRows == 0) return;
        file.startBlock(groupRows);
        for (Leaf l : leaves) l.chunk();
        file.endBlock();
        groupRows = 0;
    }

    @Override public void close() throws IOException {
        if (closed) return;
        closed = true;
        try {
            flushPages();
            flushGroup();
            file.end(footer);
        } catch (IOException | RuntimeException e) {
            try {
                file.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** A compressed data page of a leaf, waiting for its row group to be written. */
    private record Page(BytesInput bytes, int uncompressed, int entries, int rows, Statistics<?> stats,
                        Encoding values) {}

    /** A leaf column's entries of the open page, and its pages of the open row group. */
    private final class Leaf {
        final ColumnDescriptor column;
        final int maxDef;
        final int maxRep;
        final PrimitiveTypeName type;
        /** The definition level of a value, as a byte. */
        final byte defined;
        byte[] def;
        byte[] rep;
        int entries;
        double[] doubles;
        long[] longs;
        int[] ids;
        int values;
        /** The row group's strings and their ids (strings only). */
        Map<Binary, Integer> dictionary;
        List<Binary> words;
        Binary lastBinary;
        int lastId;
        final String[] recentString = new String[8];
        final int[] recentStringId = new int[8];
        int nextString;
        boolean[] seen = new boolean[0];
        final List<Page> pages = new ArrayList<>();
        long groupBytes;

        Leaf(ColumnDescriptor c) {
            column = c;
            maxDef = c.getMaxDefinitionLevel();
            maxRep = c.getMaxRepetitionLevel();
            defined = (byte) maxDef;
            type = c.getPrimitiveType().getPrimitiveTypeName();
            // a flat leaf's page never holds more than PAGE_ROWS entries; a repeated leaf's grows
            int capacity = maxRep == 0 ? pageRows : 1024;
            def = new byte[capacity];
            if (maxRep > 0) rep = new byte[capacity];
            switch (type) {
                case DOUBLE -> doubles = new double[capacity];
                case INT64 -> longs = new long[capacity];
                case BINARY -> {
                    ids = new int[capacity];
                    dictionary = new HashMap<>();
                    words = new ArrayList<>();
                }
                default -> throw new IllegalArgumentException("no curve writer for column " + name() + " of type " + type);
            }
        }

        String name() {
            return String.join(".", column.getPath());
        }

        /** Room for one more entry and value of a repeated leaf. */
        private void grow() {
            if (maxRep == 0) throw new IllegalStateException(name() + " is not repeated");
            if (entries == def.length) {
                def = Arrays.copyOf(def, 2 * entries);
                rep = Arrays.copyOf(rep, 2 * entries);
            }
            if (doubles != null && values == doubles.length) doubles = Arrays.copyOf(doubles, 2 * values);
            if (ids != null && values == ids.length) ids = Arrays.copyOf(ids, 2 * values);
            if (longs != null && values == longs.length) longs = Arrays.copyOf(longs, 2 * values);
        }

        void none(int r, int d) {
            if (d >= maxDef) throw new IllegalArgumentException(name() + ": a null at level " + d);
            grow();
            def[entries] = (byte) d;
            rep[entries++] = (byte) r;
        }

        void float64(double v, int r) {
            grow();
            def[entries] = defined;
            rep[entries++] = (byte) r;
            doubles[values++] = v;
        }

        void string(String v, int r) {
            int id = -1;
            for (int k = 0; k < recentString.length; k++) {
                if (recentString[k] == v) {
                    id = recentStringId[k];
                    break;
                }
            }
            if (id < 0) {
                id = lookup(Binary.fromString(v));
                recentString[nextString] = v;
                recentStringId[nextString] = id;
                nextString = (nextString + 1) % recentString.length;
            }
            grow();
            def[entries] = defined;
            rep[entries++] = (byte) r;
            ids[values++] = id;
        }

        /** The id of {@code v} in the row group's dictionary, added when new. */
        int lookup(Binary v) {
            Integer known = dictionary.get(v);
            if (known == null) {
                known = words.size();
                Binary copy = v.copy();
                dictionary.put(copy, known);
                words.add(copy);
            }
            lastBinary = v;
            lastId = known;
            return known;
        }

        /** Encodes, with its statistics, and compresses the open page. */
        void page(int pageRowCount) throws IOException {
            Statistics<?> stats = Statistics.createStats(column.getPrimitiveType());
            stats.incrementNumNulls(entries - values);
            out.reset();
            if (maxRep > 0) out.levels(rep, entries, bitWidth(maxRep));
            if (maxDef > 0) out.levels(def, entries, bitWidth(maxDef));
            Encoding encoding;
            switch (type) {
                case DOUBLE -> {
                    if (values > 0) {
                        // the min and max parquet-column's statistics find one value at a time (Double.compare,
                        // the first of equal values kept), given to them once
                        double min = doubles[0];
                        double max = min;
                        for (int i = 1; i < values; i++) {
                            double v = doubles[i];
                            if (Double.compare(min, v) > 0) min = v;
                            if (Double.compare(max, v) < 0) max = v;
                        }
                        stats.updateStats(min);
                        stats.updateStats(max);
                    }
                    out.doubles(doubles, values);
                    encoding = Encoding.PLAIN;
                }
                case INT64 -> {
                    if (values > 0) {
                        long min = longs[0];
                        long max = min;
                        for (int i = 1; i < values; i++) {
                            min = Math.min(min, longs[i]);
                            max = Math.max(max, longs[i]);
                        }
                        stats.updateStats(min);
                        stats.updateStats(max);
                    }
                    out.longs(longs, values);
                    encoding = Encoding.PLAIN;
                }
                default -> {
                    if (values == 0) {
                        // no string: no dictionary indices (a page of a chunk that may have no dictionary at all)
                        encoding = Encoding.PLAIN;
                        break;
                    }
                    // each distinct string of the page once
                    if (seen.length < words.size()) seen = new boolean[Math.max(words.size(), 2 * seen.length)];
                    int max = 0;
                    for (int i = 0; i < values; i++) {
                        int id = ids[i];
                        if (!seen[id]) {
                            seen[id] = true;
                            stats.updateStats(words.get(id));
                        }
                        max = Math.max(max, id);
                    }
                    for (int i = 0; i < values; i++) seen[ids[i]] = false;
                    out.ids(ids, values, bitWidth(max));
                    encoding = Encoding.PLAIN_DICTIONARY;
                }
            }
            BytesInput compressed = compress();
            pages.add(new Page(compressed, out.size(), entries, pageRowCount, stats, encoding));
            groupBytes += compressed.size();
            entries = 0;
            values = 0;
        }

        /** Writes the row group's column chunk: its dictionary (strings), then its pages. */
        void chunk() throws IOException {
            long total = 0;
            for (Page p : pages) total += p.entries();
            file.startColumn(column, total, CompressionCodecName.SNAPPY);
            if (dictionary != null && !words.isEmpty()) {
                out.reset();
                for (Binary w : words) out.plain(w);
                file.writeDictionaryPage(new DictionaryPage(compress(), out.size(), words.size(),
                        Encoding.PLAIN_DICTIONARY));
            }
            for (Page p : pages) {
                // a level a column does not have is "BIT_PACKED" in the page header, as parquet-column writes it
                file.writeDataPage(p.entries(), p.uncompressed(), p.bytes(), p.stats(), p.rows(),
                        maxRep > 0 ? Encoding.RLE : Encoding.BIT_PACKED, maxDef > 0 ? Encoding.RLE : Encoding.BIT_PACKED,
                        p.values());
            }
            file.endColumn();
            pages.clear();
            groupBytes = 0;
            if (dictionary != null) {
                dictionary.clear();
                words.clear();
                lastBinary = null;
                Arrays.fill(recentString, null);
            }
        }
    }

    private byte[] snappy = new byte[0];

    /**
     * The encoder's bytes compressed as Parquet's SNAPPY codec stores a page (a raw Snappy block, as
     * parquet-hadoop's {@code SnappyCompressor} makes it), with snappy-java, into a buffer kept between pages.
     */
    private BytesInput compress() throws IOException {
        int bound = org.xerial.snappy.Snappy.maxCompressedLength(out.size());
        if (snappy.length < bound) snappy = new byte[Math.max(bound, 2 * snappy.length)];
        int n = org.xerial.snappy.Snappy.rawCompress(out.array(), 0, out.size(), snappy, 0);
        return BytesInput.from(Arrays.copyOf(snappy, n));
    }

    /** The bits of the largest of {@code max}: at least 1 (a dictionary of one string takes indices of 1 bit). */
    static int bitWidth(int max) {
        return Math.max(1, 32 - Integer.numberOfLeadingZeros(max));
    }

    /**
     * A page's bytes: PLAIN values (little-endian) and the RLE/bit-packing hybrid of Parquet's levels and
     * dictionary indices (runs of 8 or more equal values as RLE runs, the rest bit-packed in groups of 8).
     */
    static final class Encoder {
        private byte[] buf = new byte[1 << 12];
        private int size;

        void reset() {
            size = 0;
        }

        int size() {
            return size;
        }

        byte[] array() {
            return buf;
        }

        private void room(int n) {
            if (size + n > buf.length) buf = Arrays.copyOf(buf, Math.max(2 * buf.length, size + n));
        }

        private void int32(int v) {
            room(4);
            buf[size++] = (byte) v;
            buf[size++] = (byte) (v >>> 8);
            buf[size++] = (byte) (v >>> 16);
            buf[size++] = (byte) (v >>> 24);
        }

        private void varint(int v) {
            room(5);
            while ((v & ~0x7f) != 0) {
                buf[size++] = (byte) ((v & 0x7f) | 0x80);
                v >>>= 7;
            }
            buf[size++] = (byte) v;
        }

        void doubles(double[] v, int n) {
            room(8 * n);
            for (int i = 0; i < n; i++) putLong(Double.doubleToRawLongBits(v[i]));
        }

        void longs(long[] v, int n) {
            room(8 * n);
            for (int i = 0; i < n; i++) putLong(v[i]);
        }

        private void putLong(long x) {
            for (int b = 0; b < 8; b++) buf[size++] = (byte) (x >>> (8 * b));
        }

        /** A PLAIN string: its length, then its bytes. */
        void plain(Binary w) {
            byte[] b = w.getBytesUnsafe();
            int len = w.length();
            int32(len);
            room(len);
            System.arraycopy(b, 0, buf, size, len);
            size += len;
        }

        /** V1 page levels: their encoded length (4 bytes), then the hybrid encoding of {@code n} levels. */
        void levels(byte[] levels, int n, int width) {
            int at = size;
            int32(0);
            hybrid(i -> levels[i], n, width);
            int len = size - at - 4;
            buf[at] = (byte) len;
            buf[at + 1] = (byte) (len >>> 8);
            buf[at + 2] = (byte) (len >>> 16);
            buf[at + 3] = (byte) (len >>> 24);
        }

        /** Dictionary indices: their bit width (1 byte), then the hybrid encoding. */
        void ids(int[] ids, int n, int width) {
            room(1);
            buf[size++] = (byte) width;
            hybrid(i -> ids[i], n, width);
        }

        private interface Values {
            int at(int i);
        }

        private void hybrid(Values v, int n, int width) {
            int bytes = (width + 7) / 8;
            int i = 0;
            while (i < n) {
                int x = v.at(i);
                int run = 1;
                while (i + run < n && v.at(i + run) == x) run++;
                if (run >= 8) {
                    varint(run << 1);
                    room(bytes);
                    for (int b = 0; b < bytes; b++) buf[size++] = (byte) (x >>> (8 * b));
                    i += run;
                    continue;
                }
                // bit-pack groups of 8 until a run of 8 starts (or the values end; the last group is padded)
                int start = i;
                int groups = 0;
                do {
                    i = Math.min(n, i + 8);
                    groups++;
                } while (i < n && !runOf8(v, i, n));
                varint(groups << 1 | 1);
                room(groups * width);
                long acc = 0;
                int bits = 0;
                for (int k = start; k < start + 8 * groups; k++) {
                    long y = k < n ? v.at(k) : 0;
                    acc |= y << bits;
                    bits += width;
                    while (bits >= 8) {
                        buf[size++] = (byte) acc;
                        acc >>>= 8;
                        bits -= 8;
                    }
                }
            }
        }

        private static boolean runOf8(Values v, int i, int n) {
            if (i + 8 > n) return false;
            int x = v.at(i);
            for (int k = 1; k < 8; k++) if (v.at(i + k) != x) return false;
            return true;
        }
    }
}
