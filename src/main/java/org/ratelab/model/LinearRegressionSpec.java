package org.ratelab.model;

import java.util.List;
import org.ratelab.data.Dataset;
import org.ratelab.spec.Node;

/**
 * Least-squares linear regression h(x) = w·x, F(w) = (1/n)‖Xw − y‖².
 *
 * @param init {@code zero} (the default: GD from 0 converges to the minimum-norm solution) or
 *             {@code gaussian} (w ~ N(0, 1/d))
 */
public record LinearRegressionSpec(String init) implements ModelSpec {
    public static final String KIND = "linear_regression";
    static final List<String> INITS = List.of("zero", "gaussian");

    static LinearRegressionSpec parse(Node n) {
        return new LinearRegressionSpec(n.choice("init", "zero", INITS));
    }

    @Override public String kind() { return KIND; }

    @Override public Model instantiate(Dataset data) { return new LinearRegression(this, data); }

    @Override public double flopsPerSample(int d) { return 4.0 * d; }
}
