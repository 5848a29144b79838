package org.ratelab.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ratelab.spec.Canon;
import org.ratelab.spec.Node;

/**
 * The 8×8 handwritten digits (1797 × 64, pixel intensities 0–16; UCI "Optical Recognition of Handwritten
 * Digits", Alpaydin &amp; Kaynak 1998, as shipped by scikit-learn) from {@code data-samples/digits.csv.gz}
 * (see data-samples/README.md). {@code task}: {@code regression} (target = the digit 0–9), {@code zero_vs_one}
 * (digits 0 and 1 only, 0 ↦ +1, 1 ↦ −1) or {@code even_odd} (even ↦ +1). Pixels are standardized (the
 * default) or multiplied by {@code scale} ({@code 1/16}: into [0, 1]). A preset of {@link FileDataSpec}.
 */
public record DigitsSpec(String task, boolean standardize, double testFraction, String path,
                         @Canon.Later(unchangedAt = "1.0") double scale) implements DataSpec {
    public static final String KIND = "digits";
    static final List<String> TASKS = List.of("regression", "zero_vs_one", "even_odd");
    static final String DEFAULT_PATH = "data-samples/digits.csv.gz";
    private static final Pattern FRACTION = Pattern.compile("\\s*([0-9]+(?:\\.[0-9]+)?)\\s*/\\s*([0-9]+(?:\\.[0-9]+)?)\\s*");

    /** Before {@code scale}: pixels as they are (0–16), or standardized. */
    public DigitsSpec(String task, boolean standardize, double testFraction, String path) {
        this(task, standardize, testFraction, path, 1.0);
    }

    static DigitsSpec parse(Node n) {
        double scale = scale(n);
        boolean standardize = n.bool("standardize", scale == 1.0);
        if (standardize && scale != 1.0) {
            throw n.error("scale", "scale " + scale + " and standardize: true exclude each other (standardizing "
                    + "undoes any scale); drop one");
        }
        DigitsSpec s = new DigitsSpec(
                n.choice("task", "zero_vs_one", TASKS),
                standardize,
                n.dbl("test_fraction", 0.2, 0.0, 0.9, false),
                n.str("path", DEFAULT_PATH),
                scale);
        if (!Files.isRegularFile(Path.of(s.path))) {
            throw n.error("path", "no such file: " + Path.of(s.path).toAbsolutePath()
                    + " (run from the repository root, or set data.path)");
        }
        return s;
    }

    /**
     * {@code scale}: a positive number or a fraction {@code a/b} ({@code 1/16} maps the pixels 0–16 to [0, 1]);
     * 1, the default, leaves them as they are.
     */
    static double scale(Node n) {
        if (n.declare("scale", "positive number or fraction a/b (1/16: pixels in [0, 1]; then standardize "
                + "defaults to false)", "1")) {
            return 1.0;
        }
        Object v = n.raw("scale");
        if (v == null) return 1.0;
        double x;
        if (v instanceof Number num) {
            x = num.doubleValue();
        } else {
            Matcher m = FRACTION.matcher(String.valueOf(v));
            if (!m.matches()) throw n.error("scale", "expected a positive number or a fraction a/b such as 1/16, got '" + v + "'");
            x = Double.parseDouble(m.group(1)) / Double.parseDouble(m.group(2));
        }
        if (!(x > 0) || !Double.isFinite(x)) throw n.error("scale", "must be a positive finite number, got " + v);
        return x;
    }

    FileDataSpec file() {
        return switch (task) {
            case "regression" -> new FileDataSpec(path, "csv", false, "last", "regression", List.of(), List.of(),
                    standardize, testFraction);
            case "zero_vs_one" -> new FileDataSpec(path, "csv", false, "last", "binary", List.of(0.0),
                    List.of(0.0, 1.0), standardize, testFraction);
            default -> new FileDataSpec(path, "csv", false, "last", "binary", List.of(0.0, 2.0, 4.0, 6.0, 8.0),
                    List.of(), standardize, testFraction);
        };
    }

    @Override public String kind() { return KIND; }
    @Override public boolean signLabels() { return !task.equals("regression"); }
    @Override public int n() { return file().n(); }
    @Override public int d() { return file().d(); }
    @Override
    public Dataset build(long seed) {
        Dataset ds = file().build(seed);
        if (scale != 1.0) {
            for (int i = 0; i < ds.x().length; i++) ds.x()[i] *= scale;
            for (int i = 0; i < ds.xTest().length; i++) ds.xTest()[i] *= scale;
        }
        return ds;
    }

    /** Registers {@code DigitsSpec} (META-INF/services/org.ratelab.data.DataKind). */
    public static final class Provider implements DataKind {
        @Override public String name() { return KIND; }
        @Override public String doc() { return "The 8x8 handwritten digits (UCI, Alpaydin & Kaynak 1998), shipped with ratelab"; }
        @Override public Class<? extends Record> config() { return DigitsSpec.class; }
        @Override public DataSpec parse(Node n) { return DigitsSpec.parse(n); }
    }
}
