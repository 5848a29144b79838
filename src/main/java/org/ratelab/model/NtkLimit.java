package org.ratelab.model;

import org.ratelab.data.Dataset;

/**
 * Infinite-width NTK Θ(x, x') in closed form (THEORY.md, "Two-layer ReLU NTK"; Jacot, Gabriel &amp; Hongler
 * 2018, Arora et al. 2019 for the arc-cosine kernels). With Σ₁ = σ_w² x·x'/d + σ_b² and
 * cos θ = Σ₁(x,x')/√(Σ₁(x,x)Σ₁(x',x')):
 * <ul>
 *   <li>second layer (a, and the output bias c): σ_w²·(√(Σ₁(x,x)Σ₁(x',x'))/2π)·(sin θ + (π−θ)cos θ) + σ_b²
 *       (the NNGP kernel; the σ_b² term only with {@code bias})</li>
 *   <li>first layer (W, and b): σ_w²·Σ₁(x,x')·(π−θ)/(2π)</li>
 * </ul>
 * Both trained: the sum. The output scale α multiplies Θ by α².
 */
public final class NtkLimit {
    private NtkLimit() {}

    /** Θ between two inputs of dimension d (x, y read from offsets xo, yo). */
    public static double twoLayerRelu(double sw, double sb, boolean first, boolean second, double[] x, int xo,
                                      double[] y, int yo, int d) {
        double xy = 0;
        double xx = 0;
        double yy = 0;
        for (int q = 0; q < d; q++) {
            xy += x[xo + q] * y[yo + q];
            xx += x[xo + q] * x[xo + q];
            yy += y[yo + q] * y[yo + q];
        }
        double s12 = sw * sw * xy / d + sb * sb;
        double s11 = sw * sw * xx / d + sb * sb;
        double s22 = sw * sw * yy / d + sb * sb;
        double norm = Math.sqrt(s11 * s22);
        double cos = norm == 0 ? 1 : Math.max(-1, Math.min(1, s12 / norm));
        double th = Math.acos(cos);
        double out = 0;
        if (second) out += sw * sw * norm / (2 * Math.PI) * (Math.sin(th) + (Math.PI - th) * cos) + sb * sb;
        if (first) out += sw * sw * s12 * (Math.PI - th) / (2 * Math.PI);
        return out;
    }

    /**
     * The n × n limit Gram K_∞ of a model spec on the training inputs (row-major), or null when no closed form
     * applies: only {@code two_layer}, {@code relu}, {@code ntk} parameterization, {@code init_scale} 1 and
     * gaussian or antisymmetric init (the antisymmetric pairs have the same kernel terms).
     */
    public static double[] gram(ModelSpec spec, Dataset data) {
        if (!(spec instanceof TwoLayerSpec s) || !s.activation().equals("relu")
                || !s.parameterization().equals("ntk") || s.initScale() != 1.0 || s.init().equals("chatterjee")
                || !s.loss().equals("square") || data.x() == null) {
            return null;
        }
        boolean first = !s.trainLayers().equals("second");
        boolean second = !s.trainLayers().equals("first");
        double sb = s.bias() ? s.sigmaB() : 0.0;
        double a2 = s.outputScale() * s.outputScale();
        int n = data.n();
        int d = data.d();
        double[] k = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double v = a2 * twoLayerRelu(s.sigmaW(), sb, first, second, data.x(), i * d, data.x(), j * d, d);
                k[i * n + j] = v;
                k[j * n + i] = v;
            }
        }
        return k;
    }

    /** Human-readable reason {@link #gram} gives null (for probe notes). */
    public static String noClosedForm(ModelSpec spec) {
        return "ntk_limit_dev: no closed-form K_inf for model " + spec.kind()
                + " (only two_layer, relu, parameterization ntk, init_scale 1, gaussian/antisymmetric init)";
    }
}
