package org.ratelab.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads numeric tables from CSV (optionally gzipped, with or without a header line) and Parquet files into
 * row-major doubles. Tables are cached per (path, format, header) in this JVM: a data set is read once per
 * executor, however many runs use it, and never modified.
 */
final class Tables {
    private Tables() {}

    /** A numeric table: {@code values[r*cols + c]}. */
    record Table(List<String> names, int rows, int cols, double[] values) {
        int column(String label) {
            if (label.equals("last")) return cols - 1;
            int i = names.indexOf(label);
            if (i >= 0) return i;
            if (label.matches("\\d+")) {
                int k = Integer.parseInt(label);
                if (k < cols) return k;
            }
            return -1;
        }
    }

    private static final Map<String, Table> CACHE = new ConcurrentHashMap<>();

    static String formatOf(String path, String format) {
        if (!format.equals("auto")) return format;
        String p = path.toLowerCase();
        if (p.endsWith(".parquet") || p.endsWith(".parq")) return "parquet";
        return "csv";
    }

    /**
     * The table of a file, read once per JVM while the file stays as it was: the cache key holds the file's
     * size and modification time, so a file rewritten since is read again, and one that is gone is an error
     * (a run whose data vanished after planning fails with the reason instead of training on a stale copy).
     */
    static Table load(Path path, String format, boolean header) {
        java.nio.file.attribute.BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read data file " + path + ": "
                    + e.getClass().getSimpleName(), e);
        }
        String key = path.toAbsolutePath() + "|" + format + "|" + header + "|" + attrs.size() + "|"
                + attrs.lastModifiedTime().toMillis();
        return CACHE.computeIfAbsent(key, k -> format.equals("parquet") ? parquet(path) : csv(path, header));
    }

    static Table csv(Path path, boolean header) {
        try (InputStream raw = Files.newInputStream(path);
             InputStream in = path.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            List<String> names = null;
            List<double[]> rows = new ArrayList<>();
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) continue;
                String[] cells = line.split(",", -1);
                if (names == null && header) {
                    names = new ArrayList<>();
                    for (String c : cells) names.add(c.trim().replace("\"", ""));
                    continue;
                }
                if (names == null) {
                    names = new ArrayList<>();
                    for (int c = 0; c < cells.length; c++) names.add(String.valueOf(c));
                }
                String where = path + ": line " + lineNo + " (row " + (rows.size() + 1) + ")";
                if (cells.length != names.size()) {
                    throw new IllegalArgumentException(where + ": " + cells.length + " cells, expected " + names.size());
                }
                double[] v = new double[cells.length];
                for (int c = 0; c < cells.length; c++) {
                    String cell = cells[c].trim();
                    try {
                        v[c] = Double.parseDouble(cell);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(where + ", " + column(names, c) + ": not a number");
                    }
                    if (!Double.isFinite(v[c])) {
                        throw new IllegalArgumentException(where + ", " + column(names, c) + ": " + nonFinite(v[c],
                                !cell.toLowerCase(java.util.Locale.ROOT).contains("inf")));
                    }
                }
                rows.add(v);
            }
            if (names == null || rows.isEmpty()) throw new IllegalArgumentException(path + ": no data rows");
            return pack(names, rows);
        } catch (IOException e) {
            // the JDK's messages here ("Not in GZIP format", "Unexpected end of ZLIB input stream") never
            // quote the file
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    static Table parquet(Path path) {
        List<double[]> rows = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Configuration conf = new Configuration();
        try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(),
                new org.apache.hadoop.fs.Path(path.toAbsolutePath().toUri())).withConf(conf).build()) {
            Group g;
            while (true) {
                try {
                    g = r.read();
                } catch (IOException | RuntimeException e) {
                    throw unreadableParquet(path, e);
                }
                if (g == null) break;
                var type = g.getType();
                if (names.isEmpty()) {
                    for (Type f : type.getFields()) names.add(f.getName());
                }
                String where = path + ": row " + (rows.size() + 1);
                double[] v = new double[names.size()];
                for (int c = 0; c < v.length; c++) {
                    Type f = type.getType(c);
                    if (!f.isPrimitive() || g.getFieldRepetitionCount(c) != 1) {
                        throw new IllegalArgumentException(where + ", " + column(names, c)
                                + ": must be a required or present numeric scalar");
                    }
                    PrimitiveType.PrimitiveTypeName t = f.asPrimitiveType().getPrimitiveTypeName();
                    v[c] = switch (t) {
                        case DOUBLE -> g.getDouble(c, 0);
                        case FLOAT -> g.getFloat(c, 0);
                        case INT32 -> g.getInteger(c, 0);
                        case INT64 -> g.getLong(c, 0);
                        case BOOLEAN -> g.getBoolean(c, 0) ? 1.0 : 0.0;
                        default -> throw new IllegalArgumentException(path + ": " + column(names, c)
                                + " has non-numeric type " + t);
                    };
                    if (!Double.isFinite(v[c])) {
                        throw new IllegalArgumentException(where + ", " + column(names, c) + ": "
                                + nonFinite(v[c], false));
                    }
                }
                rows.add(v);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException) throw (IllegalArgumentException) e;
            throw unreadableParquet(path, e);
        }
        if (rows.isEmpty()) throw new IllegalArgumentException(path + ": no data rows");
        return pack(names, rows);
    }

    /**
     * A Parquet file the reader refuses. Parquet's own messages can quote bytes of the file ("expected
     * magic number at tail, but found [...]"), so only the kind of failure is named.
     */
    private static IllegalArgumentException unreadableParquet(Path path, Exception e) {
        return new IllegalArgumentException(path + ": not a readable Parquet file (" + e.getClass().getSimpleName()
                + ")");
    }

    /**
     * Why a cell that is not a finite number is refused: a data set with NaN or ±Inf would train to NaN
     * (or be standardized into one), so it is a data error, not a run result. {@code overflow}: the cell was
     * written as a finite decimal too large for a double (1e999).
     */
    static String nonFinite(double v, boolean overflow) {
        if (Double.isNaN(v)) return "NaN is not a finite number";
        if (overflow) return "the number overflows a double (|x| > 1.8e308) to " + (v > 0 ? "+" : "-") + "Inf";
        return (v > 0 ? "+" : "-") + "Inf is not a finite number";
    }

    /**
     * A column for an error message: its 1-based position, with its header name when the name is short
     * and plain (letters, digits, {@code _ . -}). Any other name is the file's content and is not quoted.
     */
    static String column(List<String> names, int c) {
        String n = c < names.size() ? names.get(c) : "";
        return "column " + (c + 1) + (plain(n) ? " ('" + n + "')" : "");
    }

    /** True for a header name safe to quote in one line: 1-40 letters, digits, {@code _ . -}. */
    static boolean plain(String name) {
        return name.matches("[A-Za-z0-9_.\\-]{1,40}");
    }

    private static Table pack(List<String> names, List<double[]> rows) {
        int cols = names.size();
        double[] v = new double[rows.size() * cols];
        for (int i = 0; i < rows.size(); i++) System.arraycopy(rows.get(i), 0, v, i * cols, cols);
        return new Table(List.copyOf(names), rows.size(), cols, v);
    }
}
