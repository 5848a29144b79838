package org.ratelab.model;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.ratelab.data.Dataset;
import org.ratelab.linalg.Blas;

/**
 * Per-run state of {@link LinearRegressionSpec}: F(w) = (1/n)‖Xw − y‖², gradient (2/n)Xᵀ(Xw − y), Hessian
 * (2/n)XᵀX, so L = 2 λ_max(XᵀX/n), μ = 2 λ_min(XᵀX/n) and the PL constant is 2 × the smallest nonzero
 * eigenvalue (Karimi, Nutini &amp; Schmidt 2016; Polyak 1963). F* from the minimum-norm least-squares solution.
 */
final class LinearRegression extends LinearPredictor {
    private final LinearRegressionSpec spec;
    private final double[] resid;
    private final double optimal;
    private final double[] minNorm;
    private final double smooth;
    private final double strong;
    private final double pl;

    LinearRegression(LinearRegressionSpec spec, Dataset data) {
        super(data, spec.init(), spec.l1());
        this.spec = spec;
        this.resid = new double[Math.max(n, data.nTest())];
        this.minNorm = minNormSolution(data);
        this.optimal = residualLoss(data, minNorm);
        double[] ev = Spectra.covarianceEigenvalues(data);
        this.smooth = 2.0 * ev[d - 1];
        this.strong = 2.0 * Math.max(0.0, ev[0]);
        this.pl = 2.0 * Spectra.smallestNonzero(ev);
    }

    /** w* = X⁺y, the minimum-norm least-squares solution (SVD); F* = F(w*). */
    static double[] minNormSolution(Dataset data) {
        int n = data.n();
        int d = data.d();
        double[][] rows = new double[n][d];
        for (int i = 0; i < n; i++) System.arraycopy(data.x(), i * d, rows[i], 0, d);
        Array2DRowRealMatrix x = new Array2DRowRealMatrix(rows, false);
        RealVector y = new ArrayRealVector(data.y(), false);
        return new SingularValueDecomposition(x).getSolver().solve(y).toArray();
    }

    /** (1/n)‖X w − y‖², summed in the order of commons-math's operate and dotProduct. */
    static double residualLoss(Dataset data, double[] w) {
        int n = data.n();
        int d = data.d();
        double s = 0;
        for (int i = 0; i < n; i++) {
            double xw = 0;
            for (int j = 0; j < d; j++) xw += data.x()[i * d + j] * w[j];
            double r = xw - data.y()[i];
            s += r * r;
        }
        return s / n;
    }

    @Override public double[] minNormSolution() { return minNorm.clone(); }

    @Override public double optimalLoss() { return optimal; }
    @Override public double smoothness() { return smooth; }
    @Override public double strongConvexity() { return strong; }
    @Override public double plConstant() { return pl; }

    /** Residuals r = X_B w − y_B into resid[0..rows); returns the rows' input matrix. */
    private double[] residuals(double[] theta, int[] idx, int count) {
        int rows = idx == null ? n : count;
        double[] xs = rowsOf(idx, count);
        // X_B is row-major rows x d = column-major d x rows; r = (X_B^T as stored)^T w
        Blas.gemv(true, d, rows, 1.0, xs, d, theta, 0.0, resid);
        double[] y = data.y();
        for (int i = 0; i < rows; i++) resid[i] -= y[idx == null ? i : idx[i]];
        return xs;
    }

    @Override
    public double lossGrad(double[] theta, int[] idx, int count, double[] grad) {
        int rows = idx == null ? n : count;
        double[] xs = residuals(theta, idx, count);
        double loss = Blas.normSq(rows, resid) / rows;
        Blas.gemv(false, d, rows, 2.0 / rows, xs, d, resid, 0.0, grad);
        return loss;
    }

    @Override
    public double loss(double[] theta, int[] idx, int count) {
        int rows = idx == null ? n : count;
        residuals(theta, idx, count);
        return Blas.normSq(rows, resid) / rows;
    }

    @Override
    public void hvp(double[] theta, int[] idx, int count, double[] v, double[] out) {
        int rows = idx == null ? n : count;
        double[] xs = rowsOf(idx, count);
        Blas.gemv(true, d, rows, 1.0, xs, d, v, 0.0, resid);
        Blas.gemv(false, d, rows, 2.0 / rows, xs, d, resid, 0.0, out);
    }

    @Override
    public double testLoss(double[] theta) {
        int t = data.nTest();
        if (t == 0) return Double.NaN;
        Blas.gemv(true, d, t, 1.0, data.xTest(), d, theta, 0.0, resid);
        double s = 0;
        for (int i = 0; i < t; i++) {
            double r = resid[i] - data.yTest()[i];
            s += r * r;
        }
        return s / t;
    }
}
