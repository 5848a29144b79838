package org.ratelab.model;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.RealVector;
import org.ratelab.data.Dataset;
import org.ratelab.linalg.Blas;

/**
 * Per-run state of {@link LogisticRegressionSpec} (Cox 1958): margins m_i = y_i x_i·w,
 * F = (1/n) Σ log(1 + e^{−m_i}) + (λ/2)‖w‖², ∇F = −(1/n) Σ y_i s(−m_i) x_i + λw,
 * ∇²F = (1/n) Σ s(m_i)s(−m_i) x_i x_iᵀ + λI with s the logistic sigmoid. The Jacobian rows are those of the
 * logit h(x) = w·x.
 */
final class LogisticRegression extends LinearPredictor {
    private final LogisticRegressionSpec spec;
    private final double[] buf;
    private final double smooth;
    private final double optimal;

    LogisticRegression(LogisticRegressionSpec spec, Dataset data) {
        super(data, spec.init(), spec.l1());
        this.spec = spec;
        Labels.requireSigns(data, "logistic_regression");
        this.buf = new double[Math.max(n, data.nTest())];
        double[] ev = Spectra.covarianceEigenvalues(data);
        this.smooth = ev[d - 1] / 4.0 + spec.reg();
        this.optimal = spec.reg() > 0 && d <= 2000 ? newtonOptimum() : Double.NaN;
    }

    private static double log1pExp(double t) {
        return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
    }

    private static double sigmoid(double t) {
        return t >= 0 ? 1.0 / (1.0 + Math.exp(-t)) : Math.exp(t) / (1.0 + Math.exp(t));
    }

    /** F* by damped Newton iterations to machine precision (runs once, at instantiation). */
    private double newtonOptimum() {
        double[] w = new double[d];
        double[] g = new double[d];
        double f = lossGrad(w, null, 0, g);
        for (int it = 0; it < 100 && Math.sqrt(Blas.normSq(d, g)) > 1e-13; it++) {
            double[][] h = new double[d][d];
            double[] x = data.x();
            for (int i = 0; i < n; i++) {
                double wi = sigmoid(buf[i]) * sigmoid(-buf[i]) / n;  // buf holds margins after lossGrad
                for (int a = 0; a < d; a++) {
                    double xa = wi * x[i * d + a];
                    for (int b = 0; b <= a; b++) h[a][b] += xa * x[i * d + b];
                }
            }
            for (int a = 0; a < d; a++) {
                h[a][a] += spec.reg();
                for (int b = 0; b < a; b++) h[b][a] = h[a][b];
            }
            RealVector step = new CholeskyDecomposition(new Array2DRowRealMatrix(h, false)).getSolver()
                    .solve(new ArrayRealVector(g));
            double t = 1.0;
            double[] trial = new double[d];
            double ft;
            do {
                for (int a = 0; a < d; a++) trial[a] = w[a] - t * step.getEntry(a);
                ft = loss(trial, null, 0);
                t *= 0.5;
            } while (ft > f && t > 1e-10);
            w = trial;
            f = lossGrad(w, null, 0, g);
        }
        return f;
    }

    @Override public double optimalLoss() { return optimal; }
    @Override public double smoothness() { return smooth; }
    @Override public double strongConvexity() { return spec.reg(); }

    /** Margins y_i x_i·w into buf[0..rows); returns the rows' inputs. */
    private double[] margins(double[] theta, int[] idx, int count) {
        int rows = idx == null ? n : count;
        double[] xs = rowsOf(idx, count);
        Blas.gemv(true, d, rows, 1.0, xs, d, theta, 0.0, buf);
        for (int i = 0; i < rows; i++) buf[i] *= data.y()[idx == null ? i : idx[i]];
        return xs;
    }

    @Override
    public double lossGrad(double[] theta, int[] idx, int count, double[] grad) {
        int rows = idx == null ? n : count;
        double[] xs = margins(theta, idx, count);
        double loss = 0;
        for (int i = 0; i < rows; i++) loss += log1pExp(-buf[i]);
        // grad = X_Bᵀ c + λw with c_i = −y_i s(−m_i)/rows; build c in place after the loss (keep margins for Newton)
        double reg = spec.reg();
        for (int j = 0; j < d; j++) grad[j] = reg * theta[j];
        for (int i = 0; i < rows; i++) {
            double c = -data.y()[idx == null ? i : idx[i]] * sigmoid(-buf[i]) / rows;
            int row = i * d;
            for (int j = 0; j < d; j++) grad[j] += c * xs[row + j];
        }
        return loss / rows + 0.5 * reg * Blas.normSq(d, theta);
    }

    @Override
    public double loss(double[] theta, int[] idx, int count) {
        int rows = idx == null ? n : count;
        margins(theta, idx, count);
        double loss = 0;
        for (int i = 0; i < rows; i++) loss += log1pExp(-buf[i]);
        return loss / rows + 0.5 * spec.reg() * Blas.normSq(d, theta);
    }

    @Override
    public void hvp(double[] theta, int[] idx, int count, double[] v, double[] out) {
        int rows = idx == null ? n : count;
        double[] xs = margins(theta, idx, count);
        for (int i = 0; i < rows; i++) {
            double m = buf[i];
            double xv = 0;
            int row = i * d;
            for (int j = 0; j < d; j++) xv += xs[row + j] * v[j];
            buf[i] = sigmoid(m) * sigmoid(-m) * xv / rows;
        }
        Blas.gemv(false, d, rows, 1.0, xs, d, buf, 0.0, out);
        Blas.axpy(d, spec.reg(), v, out);
    }

    /** Mean logistic loss on the held-out split (without the ℓ2 term). */
    @Override
    public double testLoss(double[] theta) {
        int t = data.nTest();
        if (t == 0) return Double.NaN;
        Blas.gemv(true, d, t, 1.0, data.xTest(), d, theta, 0.0, buf);
        double s = 0;
        for (int i = 0; i < t; i++) s += log1pExp(-data.yTest()[i] * buf[i]);
        return s / t;
    }
}
