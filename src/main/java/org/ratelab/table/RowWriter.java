package org.ratelab.table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * Rows of one {@link StructType} written by column name: a value is set where the schema puts its column, so
 * adding a column is one field in {@link Schemas} and one {@code set} by its name. A name the schema does not
 * have fails when it is resolved, and a row with a column never set fails when it is built, naming the column.
 *
 * <p>{@link #column} resolves a name to its index once (a static constant of the caller, for rows written at
 * volume); {@link #set(int, Object)} is then an array store. The layout is immutable and shared;
 * {@link #writer()} gives a per-thread writer that fills one row at a time.
 */
public final class RowWriter {
    private final StructType schema;
    private final String[] names;
    /** Bit i of word i / 64 is set when column i is: every column set. */
    private final long[] full;

    private RowWriter(StructType schema) {
        this.schema = schema;
        this.names = schema.fieldNames();
        this.full = new long[(names.length + 63) >>> 6];
        for (int i = 0; i < names.length; i++) full[i >>> 6] |= 1L << i;
    }

    /** The layout of {@code schema}'s rows. */
    public static RowWriter of(StructType schema) {
        return new RowWriter(schema);
    }

    /** The index of column {@code name}; an IllegalArgumentException when the schema has no such column. */
    public int column(String name) {
        for (int i = 0; i < names.length; i++) if (names[i].equals(name)) return i;
        throw new IllegalArgumentException("no column " + name + " in " + schema.simpleString());
    }

    /** A writer of one row at a time; not thread-safe, cheap to make. */
    public Writer writer() {
        return new Writer();
    }

    /** Fills one row, then {@link #build()} returns it and starts the next. */
    public final class Writer {
        private Object[] values = new Object[names.length];
        /** Which columns of the row being filled are set (null is a value: SQL NULL). */
        private final long[] filled = new long[full.length];

        private Writer() {}

        /** Sets the column at {@code index} (from {@link RowWriter#column}). */
        public Writer set(int index, Object value) {
            values[index] = value;
            filled[index >>> 6] |= 1L << index;
            return this;
        }

        /** Sets column {@code name}: a lookup by name, for rows that are few (one per run). */
        public Writer set(String name, Object value) {
            return set(column(name), value);
        }

        /** The row, its values in schema order; an IllegalStateException naming any column never set. */
        public Row build() {
            for (int i = 0; i < filled.length; i++) {
                if (filled[i] != full[i]) throw new IllegalStateException("columns never set: " + unset());
            }
            Object[] v = values;
            values = new Object[names.length];
            Arrays.fill(filled, 0L);
            return RowFactory.create(v);
        }

        private List<String> unset() {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < names.length; i++) if ((filled[i >>> 6] & (1L << i)) == 0) out.add(names[i]);
            return out;
        }
    }
}
