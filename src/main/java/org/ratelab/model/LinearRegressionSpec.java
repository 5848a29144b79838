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
}
