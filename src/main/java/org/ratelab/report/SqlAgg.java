package org.ratelab.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Spark SQL's semantics for the aggregates the report computes in plain Java, so that each number is the one
 * Spark gave: {@code median} (Spark's exact {@code percentile(x, 0.5)}: the sorted values at positions
 * floor and ceil of (n − 1)/2, linearly interpolated), {@code min}/{@code max} with NaN the largest double,
 * grouping on doubles with −0.0 and NaN normalized, ORDER BY with strings compared as UTF-8 bytes (code
 * points) and nulls first, {@code CAST(double AS STRING)} and {@code get_json_object}.
 */
public final class SqlAgg {
    private SqlAgg() {}

    /** Spark's string order: UTF-8 bytes, unsigned, which is the order of code points (not of UTF-16 units). */
    public static final Comparator<String> STRINGS = SqlAgg::compareCodePoints;

    /** Spark's double order: NaN above everything, −0.0 equal to 0.0. */
    public static final Comparator<Double> DOUBLES = (x, y) -> x.doubleValue() == y.doubleValue() ? 0 : Double.compare(x, y);

    static int compareCodePoints(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i), cb = b.codePointAt(j);
            if (ca != cb) return Integer.compare(ca, cb);
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    /** A double as a GROUP BY key: Spark normalizes −0.0 to 0.0 and every NaN to one NaN. */
    static Double groupingKey(Double d) {
        if (d == null) return null;
        if (Double.isNaN(d)) return Double.NaN;
        return d == 0.0 ? 0.0 : d;
    }

    /** {@code CAST(d AS STRING)}: Spark writes a double as Java does. */
    static String castToString(double d) {
        return Double.toString(d);
    }

    /** Spark's exact percentile at 0.5 of values already sorted in Spark's order; null when there are none. */
    private static double median(double[] sorted, int n) {
        double position = (n - 1) * 0.5;
        long lower = (long) Math.floor(position);
        long higher = (long) Math.ceil(position);
        double lo = sorted[(int) lower];
        if (higher == lower) return lo;
        double hi = sorted[(int) higher];
        if (hi == lo) return lo;
        return (higher - position) * lo + (position - lower) * hi;
    }

    /** Values of a group, for median, min, max and count. */
    static final class Doubles {
        private double[] v = new double[8];
        private int n;
        private boolean sorted = true;

        void add(double x) {
            if (n == v.length) v = Arrays.copyOf(v, 2 * n);
            if (n > 0 && Double.compare(x, v[n - 1]) < 0) sorted = false;
            v[n++] = x;
        }

        int size() {
            return n;
        }

        private void sort() {
            if (!sorted) {
                Arrays.sort(v, 0, n);  // NaN last, as in Spark's order
                sorted = true;
            }
        }

        double median() {
            sort();
            return SqlAgg.median(v, n);
        }

        /** Spark's min: NaN only when every value is NaN. */
        double min() {
            sort();
            return v[0];
        }

        /** Spark's max: NaN when any value is NaN. */
        double max() {
            sort();
            return v[n - 1];
        }

        Double medianOrNull() { return n == 0 ? null : median(); }
        Double minOrNull() { return n == 0 ? null : min(); }
        Double maxOrNull() { return n == 0 ? null : max(); }
    }

    /** Long values of a group (oracle calls), for Spark's median of a bigint column. */
    static final class Longs {
        private long[] v = new long[8];
        private int n;

        void add(long x) {
            if (n == v.length) v = Arrays.copyOf(v, 2 * n);
            v[n++] = x;
        }

        double median() {
            long[] s = Arrays.copyOf(v, n);
            Arrays.sort(s);
            double position = (n - 1) * 0.5;
            long lower = (long) Math.floor(position);
            long higher = (long) Math.ceil(position);
            long lo = s[(int) lower];
            if (higher == lower) return lo;
            long hi = s[(int) higher];
            if (hi == lo) return lo;
            return (higher - position) * (double) lo + (position - lower) * (double) hi;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * {@code get_json_object(json, '$.a.b')} for a path of object keys: the text of a string value, the JSON
     * of any other value, null when the path is missing, the value is JSON null or the text is not JSON.
     */
    static String jsonPath(String json, String... keys) {
        if (json == null) return null;
        try {
            JsonNode n = JSON.readTree(json);
            for (String k : keys) {
                if (n == null || !n.isObject()) return null;
                n = n.get(k);
            }
            if (n == null || n.isNull()) return null;
            return n.isTextual() ? n.asText() : n.toString();
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }
}
