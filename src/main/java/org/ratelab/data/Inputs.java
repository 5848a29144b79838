package org.ratelab.data;

/** Small in-place row operations on row-major input matrices used by the generators and loaders. */
final class Inputs {
    private Inputs() {}

    /** Scales every row to Euclidean norm {@code norm} (zero rows stay zero). */
    static void scaleRows(double[] x, int rows, int d, double norm) {
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) s += x[i * d + j] * x[i * d + j];
            if (s == 0) continue;
            double f = norm / Math.sqrt(s);
            for (int j = 0; j < d; j++) x[i * d + j] *= f;
        }
    }

    /** Modified Gram–Schmidt (twice, for orthogonality to machine precision) on the rows; needs rows ≤ d. */
    static void orthonormalizeRows(double[] x, int rows, int d) {
        if (rows > d) throw new IllegalArgumentException("cannot orthogonalize rows=" + rows + " > d=" + d);
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < rows; i++) {
                for (int p = 0; p < i; p++) {
                    double dot = 0;
                    for (int j = 0; j < d; j++) dot += x[i * d + j] * x[p * d + j];
                    for (int j = 0; j < d; j++) x[i * d + j] -= dot * x[p * d + j];
                }
                double s = 0;
                for (int j = 0; j < d; j++) s += x[i * d + j] * x[i * d + j];
                double f = 1.0 / Math.sqrt(s);
                for (int j = 0; j < d; j++) x[i * d + j] *= f;
            }
        }
    }

    /**
     * Standardizes columns with the training split's statistics: x ← (x − mean)/std per feature, applied to
     * train and test alike; constant features are only centered.
     */
    static void standardize(double[] x, int n, double[] xt, int nt, int d) {
        for (int j = 0; j < d; j++) {
            double m = 0;
            for (int i = 0; i < n; i++) m += x[i * d + j];
            m /= n;
            double v = 0;
            for (int i = 0; i < n; i++) v += (x[i * d + j] - m) * (x[i * d + j] - m);
            double sd = Math.sqrt(v / n);
            double f = sd > 1e-12 ? 1.0 / sd : 1.0;
            for (int i = 0; i < n; i++) x[i * d + j] = (x[i * d + j] - m) * f;
            for (int i = 0; i < nt; i++) xt[i * d + j] = (xt[i * d + j] - m) * f;
        }
    }
}
