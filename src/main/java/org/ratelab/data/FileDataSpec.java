package org.ratelab.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ratelab.spec.Node;

/**
 * A data set read from a CSV (optionally .gz) or Parquet file: every column except the label is a feature.
 * {@code task: regression} uses the label value as the target; {@code task: binary} maps labels in
 * {@code positive} to +1 and the others to −1 (for logistic regression, or square loss on ±1). {@code classes}
 * (optional) keeps only rows whose label is listed. Rows are shuffled with the run's data seed and split,
 * {@code test_fraction} held out; features are standardized with the training split's mean and standard
 * deviation when {@code standardize} is true (LeCun, Bottou, Orr &amp; Müller 1998, "Efficient BackProp").
 *
 * @param label column name, column index, or {@code last}
 */
public record FileDataSpec(String path, String format, boolean header, String label, String task,
                           List<Double> positive, List<Double> classes, boolean standardize,
                           double testFraction) implements DataSpec {
    public static final String KIND = "file";
    static final List<String> FORMATS = List.of("auto", "csv", "parquet");
    static final List<String> TASKS = List.of("regression", "binary");

    static FileDataSpec parse(Node n) {
        FileDataSpec s = new FileDataSpec(
                n.str("path", null),
                n.choice("format", "auto", FORMATS),
                n.bool("header", true),
                n.str("label", "last"),
                n.choice("task", "regression", TASKS),
                boxed(n.doubles("positive", new double[0])),
                boxed(n.doubles("classes", new double[0])),
                n.bool("standardize", true),
                n.dbl("test_fraction", 0.2, 0.0, 0.9, false));
        s.validate(n);
        return s;
    }

    static List<Double> boxed(double[] a) {
        List<Double> l = new ArrayList<>();
        for (double v : a) l.add(v);
        return List.copyOf(l);
    }

    void validate(Node n) {
        Path p = Path.of(path);
        if (Files.isDirectory(p)) throw n.error("path", p.toAbsolutePath() + " is a directory, not a data file");
        if (!Files.isRegularFile(p)) {
            throw n.error("path", "no such file: " + p.toAbsolutePath());
        }
        if (task.equals("binary") && positive.isEmpty()) {
            throw n.error("positive", "task binary needs the list of label values mapped to +1");
        }
        if (!task.equals("binary") && !positive.isEmpty()) {
            throw n.error("positive", "only applies to task: binary");
        }
        Tables.Table t;
        try {
            t = table();
        } catch (RuntimeException e) {
            throw n.error("path", e.getMessage());
        }
        if (t.column(label) < 0) {
            throw n.error("label", "no column '" + label + "' in " + path + " (columns: " + columns(t) + ")");
        }
        if (t.cols() < 2) throw n.error("path", path + " has " + t.cols() + " column(s); need features and a label");
        int rows = rowsKept();
        if (rows - testCount(rows) < 1) {
            throw n.error("classes", "leaves " + rows + " row(s), too few for a training split");
        }
    }

    /** The header names that are safe to quote (see {@link Tables#plain}), by position otherwise. */
    private static String columns(Tables.Table t) {
        List<String> out = new ArrayList<>();
        for (int c = 0; c < t.cols() && c < 50; c++) {
            out.add(Tables.plain(t.names().get(c)) ? t.names().get(c) : "#" + (c + 1));
        }
        if (t.cols() > 50) out.add("... (" + t.cols() + " columns)");
        return out.toString();
    }

    private Tables.Table table() {
        return Tables.load(Path.of(path), Tables.formatOf(path, format), header);
    }

    private int rowsKept() {
        Tables.Table t = table();
        int lab = t.column(label);
        int k = 0;
        for (int r = 0; r < t.rows(); r++) {
            if (classes.isEmpty() || classes.contains(t.values()[r * t.cols() + lab])) k++;
        }
        return k;
    }

    private int testCount(int rows) {
        return (int) Math.round(testFraction * rows);
    }

    @Override public String kind() { return KIND; }

    @Override public boolean signLabels() { return task.equals("binary"); }

    @Override
    public int n() {
        int rows = rowsKept();
        return rows - testCount(rows);
    }

    @Override public int d() { return table().cols() - 1; }

    @Override
    public Dataset build(long seed) {
        Tables.Table t = table();
        int lab = t.column(label);
        int cols = t.cols();
        int d = cols - 1;
        int[] keep = new int[t.rows()];
        int rows = 0;
        for (int r = 0; r < t.rows(); r++) {
            if (classes.isEmpty() || classes.contains(t.values()[r * cols + lab])) keep[rows++] = r;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = rows - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = keep[i];
            keep[i] = keep[j];
            keep[j] = tmp;
        }
        int nt = testCount(rows);
        int n = rows - nt;
        double[] x = new double[n * d];
        double[] y = new double[n];
        double[] xt = new double[nt * d];
        double[] yt = new double[nt];
        for (int i = 0; i < rows; i++) {
            int r = keep[i];
            boolean train = i < n;
            double[] xs = train ? x : xt;
            int row = train ? i : i - n;
            int c2 = 0;
            for (int c = 0; c < cols; c++) {
                if (c != lab) xs[row * d + c2++] = t.values()[r * cols + c];
            }
            double v = t.values()[r * cols + lab];
            double target = task.equals("binary") ? (positive.contains(v) ? 1.0 : -1.0) : v;
            if (train) y[row] = target;
            else yt[row] = target;
        }
        if (standardize) Inputs.standardize(x, n, xt, nt, d);
        return new Dataset(n, d, x, y, nt, xt, yt);
    }

    /** Registers {@code FileDataSpec} (META-INF/services/org.ratelab.data.DataKind). */
    public static final class Provider implements DataKind {
        @Override public String name() { return KIND; }
        @Override public String doc() { return "A CSV (optionally .gz) or Parquet file; the label column is the target"; }
        @Override public Class<? extends Record> config() { return FileDataSpec.class; }
        @Override public DataSpec parse(Node n) { return FileDataSpec.parse(n); }
    }
}
