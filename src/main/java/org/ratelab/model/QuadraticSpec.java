package org.ratelab.model;

import java.util.List;
import org.ratelab.data.DataSpec;
import org.ratelab.data.Dataset;
import org.ratelab.spec.Node;

/**
 * Quadratic f(x) = ½ Σ λ_i x_i² of dimension {@code dim} with eigenvalues between L/κ and L
 * ({@code spectrum}: geometric, linear, two_point), optionally with the exact stochastic gradient model
 * ∇f + σξ ({@code noise_std} = σ; Robbins &amp; Monro 1951). The classical test bed of Polyak (1964) and
 * Nesterov (1983) for the rates of THEORY.md's quadratic oracles. {@code kind: noisy_quadratic} is an alias
 * with {@code noise_std} defaulting to 1 (and required &gt; 0); its canonical kind is {@code quadratic}.
 *
 * @param init {@code ones} (x₀ = init_scale·1, deterministic) or {@code gaussian} (x₀ ~ N(0, init_scale²I))
 */
public record QuadraticSpec(int dim, double kappa, double smoothness, String spectrum, String init,
                            double initScale, double noiseStd) implements ModelSpec {
    public static final String KIND = "quadratic";
    public static final String NOISY_KIND = "noisy_quadratic";
    static final List<String> SPECTRA = List.of("geometric", "linear", "two_point");
    static final List<String> INITS = List.of("ones", "gaussian");

    static QuadraticSpec parse(Node n, boolean noisy) {
        QuadraticSpec s = new QuadraticSpec(
                n.integer("dim", 2, 1, 10_000_000),
                n.dbl("kappa", 100.0, 1.0, Double.MAX_VALUE, false),
                n.positive("smoothness", 1.0),
                n.choice("spectrum", "geometric", SPECTRA),
                n.choice("init", "ones", INITS),
                n.positive("init_scale", 1.0),
                n.nonNegative("noise_std", noisy ? 1.0 : 0.0));
        if (noisy && s.noiseStd == 0) throw n.error("noise_std", "must be > 0 for noisy_quadratic");
        return s;
    }

    @Override public String kind() { return KIND; }

    @Override
    public String dataIncompatibility(DataSpec data) {
        return data.hasInputs() ? KIND + " ignores inputs; use data: {kind: none, n: N} (got data kind "
                + data.kind() + ")" : null;
    }

    @Override
    public Model instantiate(Dataset data) {
        return new TestFunction(data, TestFunction.spectrum(spectrum, dim, kappa, smoothness), 0.0, noiseStd, init,
                initScale, 0.0);
    }

    @Override public double flopsPerSample(int d) { return 4.0 * dim; }

    @Override public double parameters(double d) { return dim; }

    /** The spectrum (dim) and the placeholder data's buffers are the only arrays besides θ. */
    @Override
    public List<Buffer> buffers(double n, double nTest, double d, boolean hvp) {
        return List.of(new Buffer("model.dim", "the spectrum (dim)", dim));
    }

    /** Registers {@code QuadraticSpec} (META-INF/services/org.ratelab.model.ModelKind). */
    public static final class Provider implements ModelKind {
        @Override public String name() { return KIND; }
        @Override public String doc() { return "Quadratic test function with eigenvalues between L/kappa and L"; }
        @Override public Class<? extends Record> config() { return QuadraticSpec.class; }
        @Override public ModelSpec parse(Node n) { return QuadraticSpec.parse(n, false); }
    }

    /** Registers {@code QuadraticSpec} (META-INF/services/org.ratelab.model.ModelKind). */
    public static final class NoisyProvider implements ModelKind {
        @Override public String name() { return NOISY_KIND; }
        @Override public String doc() { return "Quadratic with the exact stochastic gradient model of its noise"; }
        @Override public Class<? extends Record> config() { return QuadraticSpec.class; }
        @Override public ModelSpec parse(Node n) { return QuadraticSpec.parse(n, true); }
    }
}
