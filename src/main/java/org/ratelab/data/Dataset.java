package org.ratelab.data;

/**
 * A training set and an optional held-out test set, inputs row-major ({@code x[i*d + j]}).
 * Built once per run on the executor from the run's data seed; never modified afterwards.
 *
 * @param x     n x d inputs, row-major (equivalently the column-major d x n matrix Xᵀ)
 * @param y     n targets (regression values, or labels ±1 for classification)
 * @param xTest nTest x d held-out inputs (length 0 when there is no test split)
 * @param yTest nTest held-out targets
 */
public record Dataset(int n, int d, double[] x, double[] y, int nTest, double[] xTest, double[] yTest) {
    public Dataset {
        if (n <= 0 || d <= 0) throw new IllegalArgumentException("dataset shape n=" + n + ", d=" + d);
        if (x.length != (long) n * d) {
            throw new IllegalArgumentException("x.length=" + x.length + " but n*d=" + (long) n * d);
        }
        if (y.length != n) throw new IllegalArgumentException("y.length=" + y.length + " but n=" + n);
        if (xTest.length != (long) nTest * d || yTest.length != nTest) {
            throw new IllegalArgumentException("test shapes xTest.length=" + xTest.length + ", yTest.length="
                    + yTest.length + " for nTest=" + nTest + ", d=" + d);
        }
    }

    /** A dataset with no test split. */
    public static Dataset of(int n, int d, double[] x, double[] y) {
        return new Dataset(n, d, x, y, 0, new double[0], new double[0]);
    }
}
