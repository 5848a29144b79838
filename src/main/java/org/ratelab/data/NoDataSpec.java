package org.ratelab.data;

import org.ratelab.spec.Node;

/**
 * No data: n placeholder samples of dimension 1 for the data-free test functions ({@code quadratic},
 * {@code noisy_quadratic}, {@code saddle}), which treat F as a finite sum of n identical terms so that the
 * optimizers' minibatch sizes and epoch accounting keep their meaning.
 */
public record NoDataSpec(int n) implements DataSpec {
    public static final String KIND = "none";

    static NoDataSpec parse(Node n) {
        return new NoDataSpec(n.integer("n", 1, 1, 1 << 26));
    }

    @Override public String kind() { return KIND; }

    @Override public boolean hasInputs() { return false; }

    @Override public int d() { return 1; }

    @Override
    public Dataset build(long seed) {
        return Dataset.of(n, 1, new double[n], new double[n]);
    }

    /** Registers {@code NoDataSpec} (META-INF/services/org.ratelab.data.DataKind). */
    public static final class Provider implements DataKind {
        @Override public String name() { return KIND; }
        @Override public String doc() { return "No data: placeholder samples for the data-free test functions"; }
        @Override public Class<? extends Record> config() { return NoDataSpec.class; }
        @Override public DataSpec parse(Node n) { return NoDataSpec.parse(n); }
    }
}
