package org.ratelab.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ratelab.spec.Node;

/**
 * The 8×8 handwritten digits (1797 × 64, pixel intensities 0–16; UCI "Optical Recognition of Handwritten
 * Digits", Alpaydin &amp; Kaynak 1998, as shipped by scikit-learn) from {@code data-samples/digits.csv.gz}
 * (see data-samples/README.md). {@code task}: {@code regression} (target = the digit 0–9), {@code zero_vs_one}
 * (digits 0 and 1 only, 0 ↦ +1, 1 ↦ −1) or {@code even_odd} (even ↦ +1). A preset of {@link FileDataSpec}.
 */
public record DigitsSpec(String task, boolean standardize, double testFraction, String path) implements DataSpec {
    public static final String KIND = "digits";
    static final List<String> TASKS = List.of("regression", "zero_vs_one", "even_odd");
    static final String DEFAULT_PATH = "data-samples/digits.csv.gz";

    static DigitsSpec parse(Node n) {
        DigitsSpec s = new DigitsSpec(
                n.choice("task", "zero_vs_one", TASKS),
                n.bool("standardize", true),
                n.dbl("test_fraction", 0.2, 0.0, 0.9, false),
                n.str("path", DEFAULT_PATH));
        if (!Files.isRegularFile(Path.of(s.path))) {
            throw n.error("path", "no such file: " + Path.of(s.path).toAbsolutePath()
                    + " (run from the repository root, or set data.path)");
        }
        return s;
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
    @Override public Dataset build(long seed) { return file().build(seed); }

    /** Registers {@code DigitsSpec} (META-INF/services/org.ratelab.data.DataKind). */
    public static final class Provider implements DataKind {
        @Override public String name() { return KIND; }
        @Override public String doc() { return "The 8x8 handwritten digits (UCI, Alpaydin & Kaynak 1998), shipped with ratelab"; }
        @Override public Class<? extends Record> config() { return DigitsSpec.class; }
        @Override public DataSpec parse(Node n) { return DigitsSpec.parse(n); }
    }
}
