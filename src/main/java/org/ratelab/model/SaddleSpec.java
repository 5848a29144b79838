package org.ratelab.model;

import java.util.List;
import org.ratelab.data.DataSpec;
import org.ratelab.data.Dataset;
import org.ratelab.spec.Node;

/**
 * A strict saddle of chosen negative curvature γ: f(x) = −(γ/2) x_1² + (γ/4) x_1⁴ + ½ Σ_{i≥2} λ_i x_i², the
 * λ_i of a {@link QuadraticSpec} spectrum over the other dim − 1 coordinates (Ge, Huang, Jin &amp; Yuan 2015).
 * The start has x_1 = {@code init_offset} (0 = exactly on the stable manifold) and the rest N(0, init_scale²)
 * or init_scale ({@code init}); {@code noise_std} adds the exact stochastic gradient noise σξ.
 */
public record SaddleSpec(int dim, double negativeCurvature, double kappa, double smoothness, String spectrum,
                         String init, double initScale, double initOffset, double noiseStd) implements ModelSpec {
    public static final String KIND = "saddle";

    static SaddleSpec parse(Node n) {
        return new SaddleSpec(
                n.integer("dim", 2, 2, 10_000_000),
                n.positive("negative_curvature", 1.0),
                n.dbl("kappa", 1.0, 1.0, Double.MAX_VALUE, false),
                n.positive("smoothness", 1.0),
                n.choice("spectrum", "geometric", QuadraticSpec.SPECTRA),
                n.choice("init", "ones", QuadraticSpec.INITS),
                n.positive("init_scale", 1.0),
                n.dbl("init_offset", 1e-6, -Double.MAX_VALUE, Double.MAX_VALUE, false),
                n.nonNegative("noise_std", 0.0));
    }

    @Override public String kind() { return KIND; }

    @Override
    public String dataIncompatibility(DataSpec data) {
        return data.hasInputs() ? KIND + " ignores inputs; use data: {kind: none, n: N} (got data kind "
                + data.kind() + ")" : null;
    }

    @Override
    public Model instantiate(Dataset data) {
        double[] rest = TestFunction.spectrum(spectrum, dim - 1, kappa, smoothness);
        double[] lambda = new double[dim];
        System.arraycopy(rest, 0, lambda, 1, dim - 1);
        return new TestFunction(data, lambda, negativeCurvature, noiseStd, init, initScale, initOffset);
    }

    @Override public double flopsPerSample(int d) { return 4.0 * dim; }

    @Override public double parameters(double d) { return dim; }

    /** The spectrum (dim) and the placeholder data's buffers are the only arrays besides θ. */
    @Override
    public List<Buffer> buffers(double n, double nTest, double d, boolean hvp) {
        return List.of(new Buffer("model.dim", "the spectrum (dim)", dim));
    }

    /** Registers {@code SaddleSpec} (META-INF/services/org.ratelab.model.ModelKind). */
    public static final class Provider implements ModelKind {
        @Override public String name() { return KIND; }
        @Override public String doc() { return "A strict saddle of chosen negative curvature (Ge, Huang, Jin & Yuan 2015)"; }
        @Override public Class<? extends Record> config() { return SaddleSpec.class; }
        @Override public ModelSpec parse(Node n) { return SaddleSpec.parse(n); }
    }
}
