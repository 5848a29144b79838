package org.ratelab.model;

import java.util.List;
import org.ratelab.data.Dataset;
import org.ratelab.spec.Node;

/**
 * Least-squares linear regression h(x) = w·x, F(w) = (1/n)‖Xw − y‖² (Legendre 1805; the convex baseline of
 * every rate in THEORY.md). The run knows F*, μ, L and the PL constant in closed form.
 *
 * @param init {@code zero} (the default: GD from 0 converges to the minimum-norm solution) or
 *             {@code gaussian} (w ~ N(0, 1/d))
 * @param l1   coefficient λ₁ of an ℓ1 term λ₁‖w‖₁ for proximal methods (lasso, Tibshirani 1996); it is not
 *             part of the smooth loss ({@link Model#l1Penalty()})
 */
public record LinearRegressionSpec(String init, double l1) implements ModelSpec {
    public static final String KIND = "linear_regression";
    static final List<String> INITS = List.of("zero", "gaussian");

    static LinearRegressionSpec parse(Node n) {
        return new LinearRegressionSpec(n.choice("init", "zero", INITS), n.nonNegative("l1", 0.0));
    }

    @Override public String kind() { return KIND; }

    @Override public Model instantiate(Dataset data) { return new LinearRegression(this, data); }

    @Override public double flopsPerSample(int d) { return 4.0 * d; }

    @Override public double parameters(double d) { return d; }

    /**
     * The gathered batch (n x d), the residuals, and the closed forms computed once: the minimum-norm
     * solution's n x d copy and its SVD (about three more n x d), and the k x k Gram of the spectrum
     * (k = min(n, d)) with its eigendecomposition.
     */
    @Override
    public List<Buffer> buffers(double n, double nTest, double d, boolean hvp) {
        double k = Math.min(n, d);
        return List.of(new Buffer("data.d", "the batch copy data.n x data.d = " + (long) n + " x " + (long) d, n * d),
                new Buffer("data.d", "the minimum-norm solution (rows and SVD of data.n x data.d)", n * d, 4),
                new Buffer("data.d", "the input Gram min(data.n, data.d)^2", k * k, 3),
                new Buffer("data.n", "residuals max(n, test_n)", Math.max(n, nTest)));
    }

    /** Registers {@code LinearRegressionSpec} (META-INF/services/org.ratelab.model.ModelKind). */
    public static final class Provider implements ModelKind {
        @Override public String name() { return KIND; }
        @Override public String doc() { return "Least-squares linear regression, F*, mu, L and PL constant in closed form"; }
        @Override public Class<? extends Record> config() { return LinearRegressionSpec.class; }
        @Override public ModelSpec parse(Node n) { return LinearRegressionSpec.parse(n); }
    }
}
