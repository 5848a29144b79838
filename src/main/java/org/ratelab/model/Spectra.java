package org.ratelab.model;

import java.util.Arrays;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.ratelab.data.Dataset;
import org.ratelab.linalg.Blas;

/** Closed-form curvature constants of the convex models, computed once at instantiation (not per step). */
final class Spectra {
    private Spectra() {}

    /**
     * Eigenvalues of the d x d matrix XᵀX/n, ascending, computed from the smaller of the two Grams (d x d or
     * n x n: they share their nonzero eigenvalues; when d &gt; n the remaining d − n are exactly 0).
     */
    static double[] covarianceEigenvalues(Dataset data) {
        int n = data.n();
        int d = data.d();
        int k = Math.min(n, d);
        double[] g = new double[k * k];
        // x is column-major d x n (= Xᵀ). d <= n: XᵀX = (Xᵀ)(Xᵀ)ᵀ; else XXᵀ = (Xᵀ)ᵀ(Xᵀ)
        if (d <= n) Blas.gemm(false, true, d, d, n, 1.0 / n, data.x(), 0, d, data.x(), 0, d, 0.0, g, 0, d);
        else Blas.gemm(true, false, n, n, d, 1.0 / n, data.x(), 0, d, data.x(), 0, d, 0.0, g, 0, n);
        double[][] rows = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) rows[i][j] = 0.5 * (g[i + j * k] + g[j + i * k]);
        }
        double[] ev = new EigenDecomposition(new Array2DRowRealMatrix(rows, false)).getRealEigenvalues();
        double[] all = new double[d];
        System.arraycopy(ev, 0, all, d - k, k);  // leading zeros when d > n
        Arrays.sort(all);
        for (int i = 0; i < d - k; i++) all[i] = 0.0;
        return all;
    }

    /** Smallest eigenvalue above the numerical-rank threshold (the PL constant of least squares). */
    static double smallestNonzero(double[] ascending) {
        double max = ascending[ascending.length - 1];
        double tol = max * ascending.length * 1e-12;
        for (double v : ascending) {
            if (v > tol) return v;
        }
        return 0.0;
    }
}
