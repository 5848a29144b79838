package org.ratelab.optim;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/** Small test-only problems implementing {@link Oracle} directly (no dependency on model/). */
final class TestOracles {
    private TestOracles() {}

    /** A finite sum F = (1/n) Σ f_i with exact per-sample-gradient counting. */
    abstract static class FiniteSum implements Oracle {
        final int dim;
        final int n;
        final RandomGenerator rng;
        long calls;
        double l1;

        FiniteSum(int dim, int n, long seed) {
            this.dim = dim;
            this.n = n;
            this.rng = new SplittableRandom(seed);
        }

        /** Mean loss over idx[0..count) (null: all); writes the mean gradient into grad when non-null. */
        abstract double eval(double[] theta, int[] idx, int count, double[] grad);

        @Override public int dim() { return dim; }
        @Override public int n() { return n; }
        @Override public RandomGenerator rng() { return rng; }
        @Override public long calls() { return calls; }

        @Override
        public double fullGrad(double[] theta, double[] grad) {
            calls += n;
            return eval(theta, null, n, grad);
        }

        @Override
        public double batchGrad(double[] theta, int[] idx, int count, double[] grad) {
            calls += count;
            return eval(theta, idx, count, grad);
        }

        @Override public double fullLoss(double[] theta) { return eval(theta, null, n, null); }

        @Override public double l1Penalty() { return l1; }
    }

    /** F = ½ Σ λ_j x_j² as one sample (n = 1). */
    static final class Quadratic extends FiniteSum {
        final double[] lambda;

        Quadratic(double[] lambda, long seed) {
            super(lambda.length, 1, seed);
            this.lambda = lambda;
        }

        @Override
        double eval(double[] x, int[] idx, int count, double[] grad) {
            double f = 0;
            for (int j = 0; j < dim; j++) {
                f += 0.5 * lambda[j] * x[j] * x[j];
                if (grad != null) grad[j] = lambda[j] * x[j];
            }
            return f;
        }
    }

    /**
     * F = (1/n) Σ ½(a_i·x − b_i)², summed in the same order as gen_torch_goldens.py (bit-identical
     * gradients on both sides).
     */
    static final class LeastSquares extends FiniteSum {
        final double[][] a;
        final double[] b;

        LeastSquares(double[][] a, double[] b, long seed) {
            super(a[0].length, a.length, seed);
            this.a = a;
            this.b = b;
        }

        @Override
        double eval(double[] x, int[] idx, int count, double[] grad) {
            if (grad != null) java.util.Arrays.fill(grad, 0.0);
            double f = 0;
            for (int s = 0; s < count; s++) {
                int i = idx == null ? s : idx[s];
                double r = 0.0;
                for (int j = 0; j < dim; j++) r += a[i][j] * x[j];
                r -= b[i];
                f += 0.5 * r * r;
                if (grad != null) for (int j = 0; j < dim; j++) grad[j] += a[i][j] * r;
            }
            if (grad != null) for (int j = 0; j < dim; j++) grad[j] = grad[j] / count;
            return f / count;
        }
    }

    /**
     * Logistic regression on given rows, F = (1/n) Σ log(1 + exp(−y_i a_i·x)), summed in the same order as
     * gen_torch_goldens.py's (so both sides feed the same gradients to the optimizer, up to exp's last bit).
     */
    static final class LogisticRows extends FiniteSum {
        final double[][] a;
        final double[] y;

        LogisticRows(double[][] a, double[] y, long seed) {
            super(a[0].length, a.length, seed);
            this.a = a;
            this.y = y;
        }

        @Override
        double eval(double[] x, int[] idx, int count, double[] grad) {
            if (grad != null) java.util.Arrays.fill(grad, 0.0);
            double f = 0;
            for (int s = 0; s < count; s++) {
                int i = idx == null ? s : idx[s];
                double z = 0.0;
                for (int j = 0; j < dim; j++) z += a[i][j] * x[j];
                double m = -y[i] * z;
                f += m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
                if (grad != null) {
                    double sig = m >= 0 ? 1 / (1 + Math.exp(-m)) : Math.exp(m) / (1 + Math.exp(m)); // σ(m)
                    for (int j = 0; j < dim; j++) grad[j] += -y[i] * sig * a[i][j];
                }
            }
            if (grad != null) for (int j = 0; j < dim; j++) grad[j] = grad[j] / count;
            return f / count;
        }
    }

    /**
     * ℓ2-regularized logistic regression f_i(w) = log(1 + exp(−y_i x_i·w)) + (μ/2)‖w‖², rows x_i of unit
     * norm drawn anisotropically (so that the full-gradient smoothness is close to the per-sample one),
     * labels from a teacher with 10% flips.
     */
    static final class Logistic extends FiniteSum {
        final double[][] x;
        final double[] y;
        final double mu;

        Logistic(int n, double[] scales, double mu, long dataSeed, long seed) {
            super(scales.length, n, seed);
            SplittableRandom r = new SplittableRandom(dataSeed);
            this.x = new double[n][dim];
            this.y = new double[n];
            this.mu = mu;
            double[] teacher = new double[dim];
            for (int j = 0; j < dim; j++) teacher[j] = r.nextGaussian();
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < dim; j++) {
                    x[i][j] = scales[j] * r.nextGaussian();
                    s += x[i][j] * x[i][j];
                }
                double inv = 1 / Math.sqrt(s);
                double z = 0;
                for (int j = 0; j < dim; j++) {
                    x[i][j] *= inv;
                    z += teacher[j] * x[i][j];
                }
                y[i] = (z >= 0 ? 1 : -1) * (r.nextDouble() < 0.1 ? -1 : 1);
            }
        }

        @Override
        double eval(double[] w, int[] idx, int count, double[] grad) {
            if (grad != null) java.util.Arrays.fill(grad, 0.0);
            double f = 0;
            for (int s = 0; s < count; s++) {
                int i = idx == null ? s : idx[s];
                double z = 0;
                for (int j = 0; j < dim; j++) z += x[i][j] * w[j];
                double m = -y[i] * z;
                f += m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
                if (grad != null) {
                    double sig = 1 / (1 + Math.exp(-m)); // σ(m)
                    for (int j = 0; j < dim; j++) grad[j] += -y[i] * sig * x[i][j];
                }
            }
            double reg = 0;
            for (int j = 0; j < dim; j++) reg += w[j] * w[j];
            if (grad != null) for (int j = 0; j < dim; j++) grad[j] = grad[j] / count + mu * w[j];
            return f / count + 0.5 * mu * reg;
        }

        /** Upper bound on the smoothness of F: λ_max(XᵀX/n)/4 + μ (power iteration). */
        double smoothness() {
            double[] v = new double[dim];
            java.util.Arrays.fill(v, 1.0);
            double lam = 0;
            for (int it = 0; it < 500; it++) {
                double[] u = new double[dim];
                for (int i = 0; i < n; i++) {
                    double z = 0;
                    for (int j = 0; j < dim; j++) z += x[i][j] * v[j];
                    for (int j = 0; j < dim; j++) u[j] += x[i][j] * z / n;
                }
                double norm = 0;
                for (double d : u) norm += d * d;
                norm = Math.sqrt(norm);
                lam = norm;
                for (int j = 0; j < dim; j++) v[j] = u[j] / norm;
            }
            return lam / 4 + mu;
        }

        /** Per-sample smoothness bound max_i ‖x_i‖²/4 + μ (rows have unit norm). */
        double sampleSmoothness() { return 0.25 + mu; }

        /** F* by Newton's method. */
        double optimum() {
            double[] w = new double[dim];
            for (int it = 0; it < 50; it++) {
                double[] g = new double[dim];
                eval(w, null, n, g);
                double[][] h = new double[dim][dim + 1];
                for (int i = 0; i < n; i++) {
                    double z = 0;
                    for (int j = 0; j < dim; j++) z += x[i][j] * w[j];
                    double s = 1 / (1 + Math.exp(-y[i] * z));
                    double c = s * (1 - s) / n;
                    for (int a = 0; a < dim; a++) for (int b = 0; b < dim; b++) h[a][b] += c * x[i][a] * x[i][b];
                }
                for (int a = 0; a < dim; a++) {
                    h[a][a] += mu;
                    h[a][dim] = g[a];
                }
                double[] step = solve(h);
                for (int j = 0; j < dim; j++) w[j] -= step[j];
            }
            return fullLoss(w);
        }

        private static double[] solve(double[][] m) {
            int d = m.length;
            for (int c = 0; c < d; c++) {
                int p = c;
                for (int r = c + 1; r < d; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
                double[] t = m[c];
                m[c] = m[p];
                m[p] = t;
                for (int r = c + 1; r < d; r++) {
                    double f = m[r][c] / m[c][c];
                    for (int k = c; k <= d; k++) m[r][k] -= f * m[c][k];
                }
            }
            double[] x = new double[d];
            for (int r = d - 1; r >= 0; r--) {
                double s = m[r][d];
                for (int k = r + 1; k < d; k++) s -= m[r][k] * x[k];
                x[r] = s / m[r][r];
            }
            return x;
        }
    }

    /** Parses an optimizer section given as alternating key/value pairs. */
    static OptimizerSpec spec(Object... kv) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return Optimizers.parse(new org.ratelab.spec.Node("optimizer", m));
    }
}
