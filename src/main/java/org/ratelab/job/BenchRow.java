package org.ratelab.job;

import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** One row of {@code DIR/bench/}, written by {@code ratelab bench}; null fields are not measured. */
record BenchRow(String benchmark, String activation, Integer width, Double stepsPerS, Double gflops, Double ratio,
                Double value, String unit, double loadAvg, String note) {
    static final StructType SCHEMA = new StructType()
            .add("benchmark", DataTypes.StringType, false)
            .add("activation", DataTypes.StringType, true)
            .add("width", DataTypes.IntegerType, true)
            .add("steps_per_s", DataTypes.DoubleType, true)
            .add("gflops", DataTypes.DoubleType, true)
            .add("ratio", DataTypes.DoubleType, true)
            .add("value", DataTypes.DoubleType, true)
            .add("unit", DataTypes.StringType, true)
            .add("load_avg", DataTypes.DoubleType, true)
            .add("note", DataTypes.StringType, true);

    Row toRow() {
        return RowFactory.create(benchmark, activation, width, stepsPerS, gflops, ratio, value, unit, loadAvg, note);
    }

    /** The rows as the console table and its notes. */
    static String table(List<BenchRow> rows) {
        StringBuilder b = new StringBuilder();
        b.append("| benchmark | activation | width | steps_per_s | gflops | ratio | value | load |\n");
        b.append("|---|---|---|---|---|---|---|---|\n");
        for (BenchRow r : rows) {
            b.append("| ").append(r.benchmark()).append(" | ").append(r.activation() == null ? "" : r.activation())
                    .append(" | ").append(r.width() == null ? "" : r.width())
                    .append(" | ").append(fmt(r.stepsPerS(), 1)).append(" | ").append(fmt(r.gflops(), 2))
                    .append(" | ").append(fmt(r.ratio(), 3)).append(" | ")
                    .append(r.value() == null ? "" : fmt(r.value(), 2) + " " + (r.unit() == null ? "" : r.unit()))
                    .append(" | ").append(fmt(r.loadAvg(), 1)).append(" |\n");
        }
        b.append("\nnotes:\n");
        for (BenchRow r : rows) {
            if (r.note() != null) {
                b.append("- ").append(r.benchmark()).append(r.activation() == null ? "" : " " + r.activation())
                        .append(r.width() == null ? "" : " " + r.width()).append(": ").append(r.note()).append('\n');
            }
        }
        return b.toString();
    }

    private static String fmt(Double d, int digits) {
        if (d == null || d.isNaN()) return "";
        return String.format(Locale.ROOT, "%." + digits + "f", d);
    }
}
