package org.ratelab.model;

import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.ratelab.data.Dataset;

/**
 * Optimizer test functions with no data: f(x) = ½ Σ_i λ_i x_i² (a quadratic of prescribed spectrum), or with a
 * strict saddle f(x) = −(γ/2) x_1² + (γ/4) x_1⁴ + ½ Σ_{i≥2} λ_i x_i² (Hessian −γ at 0, minima at x_1 = ±1,
 * F* = −γ/4; the saddle-escape setting of Ge, Huang, Jin &amp; Yuan 2015 and Jin et al. 2017).
 *
 * <p>The data set only provides n (data kind {@code none}); every f_i equals f. The exact stochastic gradient
 * model (Robbins &amp; Monro 1951; THEORY.md "SGD on f = (λ/2)x²"): a minibatch of B samples returns
 * ∇f(x) + (σ/√B)·ξ with ξ ~ N(0, I) drawn from the noise stream ({@link #useNoise}, or by default a stream
 * seeded at {@link #init} from the init stream); full-batch calls are exact. Losses are always exact.
 */
final class TestFunction implements Model {
    private final int n;
    private final int dim;
    private final double[] lambda;
    private final double gamma;     // saddle negative curvature; 0 = plain quadratic
    private final double noise;
    private final String init;
    private final double initScale;
    private final double initOffset;
    private RandomGenerator noiseRng;

    TestFunction(Dataset data, double[] lambda, double gamma, double noise, String init, double initScale,
                 double initOffset) {
        this.n = data.n();
        this.dim = lambda.length;
        this.lambda = lambda.clone();
        this.gamma = gamma;
        this.noise = noise;
        this.init = init;
        this.initScale = initScale;
        this.initOffset = initOffset;
    }

    /**
     * Spectrum of dimension d between μ = L/κ and L: geometric (log-uniform), linear (evenly spaced), or
     * two_point (one eigenvalue L, the others μ). Ascending; d = 1 gives {L}.
     */
    static double[] spectrum(String kind, int d, double kappa, double smoothness) {
        double[] l = new double[d];
        double mu = smoothness / kappa;
        for (int i = 0; i < d; i++) {
            double t = d == 1 ? 1.0 : (double) i / (d - 1);
            l[i] = switch (kind) {
                case "linear" -> mu + t * (smoothness - mu);
                case "two_point" -> i == d - 1 ? smoothness : mu;
                default -> mu * Math.pow(kappa, t);
            };
        }
        return l;
    }

    @Override public int dim() { return dim; }
    @Override public int n() { return n; }
    @Override public boolean hasOutputs() { return false; }
    @Override public double optimalLoss() { return gamma > 0 ? -gamma / 4 : 0.0; }

    @Override
    public double smoothness() {
        if (gamma > 0) return Double.NaN;  // the quartic is not globally smooth
        double m = 0;
        for (double l : lambda) m = Math.max(m, l);
        return m;
    }

    @Override
    public double strongConvexity() {
        if (gamma > 0) return -gamma;      // λ_min of the Hessian at the saddle (not convex)
        double m = Double.POSITIVE_INFINITY;
        for (double l : lambda) m = Math.min(m, l);
        return m;
    }

    @Override public double plConstant() { return gamma > 0 ? Double.NaN : strongConvexity(); }

    @Override public List<ParamBlock> blocks() { return List.of(new ParamBlock("x", 0, dim)); }

    /** Every f_i equals f, so the only gradient noise is (σ/√B)·ξ: E‖ξ_B‖² = σ²·dim/B. */
    @Override public double minibatchNoiseVar(int batch) { return noise * noise * dim / batch; }

    @Override public void useNoise(RandomGenerator rng) { this.noiseRng = rng; }

    @Override
    public void init(double[] theta, RandomGenerator rng) {
        for (int i = 0; i < dim; i++) theta[i] = init.equals("ones") ? initScale : initScale * rng.nextGaussian();
        if (gamma > 0) theta[0] = initOffset;
        if (noiseRng == null) noiseRng = new SplittableRandom(rng.nextLong());
    }

    private double value(double[] x) {
        double f = 0;
        int start = 0;
        if (gamma > 0) {
            double x1 = x[0];
            f = -0.5 * gamma * x1 * x1 + 0.25 * gamma * x1 * x1 * x1 * x1;
            start = 1;
        }
        for (int i = start; i < dim; i++) f += 0.5 * lambda[i] * x[i] * x[i];
        return f;
    }

    @Override
    public double lossGrad(double[] theta, int[] idx, int count, double[] grad) {
        for (int i = 0; i < dim; i++) grad[i] = lambda[i] * theta[i];
        if (gamma > 0) grad[0] = -gamma * theta[0] + gamma * theta[0] * theta[0] * theta[0];
        if (idx != null && noise > 0) {
            if (noiseRng == null) {
                throw new IllegalStateException("noisy test function: no noise stream; call init or useNoise first");
            }
            double s = noise / Math.sqrt(count);
            for (int i = 0; i < dim; i++) grad[i] += s * noiseRng.nextGaussian();
        }
        return value(theta);
    }

    @Override public double loss(double[] theta, int[] idx, int count) { return value(theta); }

    @Override public double testLoss(double[] theta) { return Double.NaN; }

    @Override
    public void hvp(double[] theta, int[] idx, int count, double[] v, double[] out) {
        for (int i = 0; i < dim; i++) out[i] = lambda[i] * v[i];
        if (gamma > 0) out[0] = (-gamma + 3 * gamma * theta[0] * theta[0]) * v[0];
    }

    @Override
    public void jacobian(double[] theta, int[] idx, int count, double[] out) {
        throw new UnsupportedOperationException("test functions have no per-sample outputs h(x_i)");
    }

    @Override
    public void outputs(double[] theta, int[] idx, int count, double[] out) {
        throw new UnsupportedOperationException("test functions have no per-sample outputs h(x_i)");
    }
}
