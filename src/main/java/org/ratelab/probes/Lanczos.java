package org.ratelab.probes;

import java.util.random.RandomGenerator;
import org.ratelab.linalg.Blas;
import org.ratelab.linalg.Eigen;

/**
 * Extreme eigenvalues of a symmetric operator given by matrix-vector products: Lanczos with full
 * reorthogonalization (Lanczos 1950; Golub &amp; Van Loan §10.1). For the Hessian, one product is one
 * Hessian-vector product. Lanczos rather than plain power iteration: from the same start vector its Krylov
 * space contains every power iterate, it converges at least as fast, and it gives the largest (not the
 * largest in magnitude) and the smallest eigenvalue together, which an indefinite Hessian needs.
 */
public final class Lanczos {
    private Lanczos() {}

    /** A symmetric operator: out ← A·v (v not modified). */
    public interface Operator {
        void apply(double[] v, double[] out);
    }

    /**
     * @param min        smallest Ritz value
     * @param max        largest Ritz value
     * @param iterations operator applications used
     * @param converged  both residuals ‖Av − θv‖ ≤ tol·max(1, |θ|), or the Krylov space became invariant
     */
    public record Result(double min, double max, int iterations, boolean converged) {}

    /** Runs at most maxIter (≤ dim) iterations from a Gaussian start drawn from rng. */
    public static Result extremes(Operator a, int dim, int maxIter, double tol, RandomGenerator rng) {
        int m = Math.max(1, Math.min(maxIter, dim));
        double[][] basis = new double[m][];
        double[] alpha = new double[m];
        double[] beta = new double[m];
        double[] v = new double[dim];
        for (int i = 0; i < dim; i++) v[i] = rng.nextGaussian();
        double v0 = Math.sqrt(Blas.normSq(dim, v));
        for (int i = 0; i < dim; i++) v[i] /= v0;
        double[] w = new double[dim];
        double lo = Double.NaN;
        double hi = Double.NaN;
        for (int j = 0; j < m; j++) {
            basis[j] = v;
            a.apply(v, w);
            alpha[j] = Blas.dot(dim, w, v);
            // full reorthogonalization, twice ("twice is enough", Parlett)
            for (int pass = 0; pass < 2; pass++) {
                for (int i = 0; i <= j; i++) Blas.axpy(dim, -Blas.dot(dim, w, basis[i]), basis[i], w);
            }
            beta[j] = Math.sqrt(Blas.normSq(dim, w));
            int size = j + 1;
            double[] vec = new double[size * size];
            double[] ritz = Eigen.tridiagonal(size, alpha, beta, vec);
            lo = ritz[0];
            hi = ritz[size - 1];
            double scale = Math.max(Math.abs(lo), Math.abs(hi));
            double resLo = beta[j] * Math.abs(vec[size - 1]);                  // last entry of column 0
            double resHi = beta[j] * Math.abs(vec[(size - 1) * size + size - 1]);
            boolean invariant = beta[j] <= 1e-13 * Math.max(scale, Double.MIN_NORMAL) || size == dim;
            if (invariant || (resLo <= tol * Math.max(1, Math.abs(lo)) && resHi <= tol * Math.max(1, Math.abs(hi)))) {
                return new Result(lo, hi, size, true);
            }
            if (j + 1 < m) {
                double[] next = new double[dim];
                for (int i = 0; i < dim; i++) next[i] = w[i] / beta[j];
                v = next;
            }
        }
        return new Result(lo, hi, m, false);
    }
}
