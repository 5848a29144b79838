package org.ratelab.linalg;

import dev.ludovic.netlib.lapack.LAPACK;
import org.netlib.util.intW;

/**
 * Symmetric eigenproblems through LAPACK (netlib, the same library family as {@link Blas}): dense
 * ({@code dsyev}) and tridiagonal ({@code dstev}). Inputs are not modified.
 */
public final class Eigen {
    private Eigen() {}

    private static LAPACK lapack() {
        NativeBlas.current();  // the library behind JNILAPACK is chosen before LAPACK first loads
        return LAPACK.getInstance();
    }

    /** Eigenvalues (ascending) of the symmetric n × n matrix a (row- or column-major: it is symmetric). */
    public static double[] symmetricValues(int n, double[] a) {
        if (a.length < (long) n * n) {
            throw new IllegalArgumentException("a.length=" + a.length + " < n*n, n=" + n);
        }
        if (n == 0) return new double[0];
        double[] copy = java.util.Arrays.copyOf(a, n * n);
        double[] w = new double[n];
        double[] query = new double[1];
        intW info = new intW(0);
        lapack().dsyev("N", "U", n, copy, n, w, query, -1, info);
        int lwork = Math.max(1, (int) query[0]);
        double[] work = new double[lwork];
        lapack().dsyev("N", "U", n, copy, n, w, work, lwork, info);
        if (info.val != 0) throw new ArithmeticException("dsyev failed, info=" + info.val + ", n=" + n);
        return w;
    }

    /**
     * Eigen-decomposition of the symmetric tridiagonal matrix with diagonal d (length n) and off-diagonal e
     * (length ≥ n−1). Returns the eigenvalues (ascending); when {@code vectors} is not null (length ≥ n·n) it
     * receives the orthonormal eigenvectors, column j = eigenvector of value j (column-major).
     */
    public static double[] tridiagonal(int n, double[] d, double[] e, double[] vectors) {
        double[] dd = java.util.Arrays.copyOf(d, n);
        double[] ee = java.util.Arrays.copyOf(e, Math.max(1, n));
        intW info = new intW(0);
        boolean want = vectors != null;
        double[] work = new double[Math.max(1, 2 * n - 2)];
        lapack().dstev(want ? "V" : "N", n, dd, ee, want ? vectors : new double[1], Math.max(1, n), work, info);
        if (info.val != 0) throw new ArithmeticException("dstev failed, info=" + info.val + ", n=" + n);
        return dd;
    }
}
