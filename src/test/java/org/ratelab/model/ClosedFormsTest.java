package org.ratelab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.junit.jupiter.api.Test;
import org.ratelab.data.Dataset;
import org.ratelab.spec.Node;

/** F*, μ, L of the convex models and the test functions against independent closed forms. */
class ClosedFormsTest {
    static Model model(Dataset data, Object... kv) {
        return Models.parse(new Node("model", ModelDerivativesTest.spec(kv))).instantiate(data);
    }

    static Dataset gaussian(int n, int d, long seed, boolean signs) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n * d];
        double[] y = new double[n];
        for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian() * (1 + (i % d));  // anisotropic
        for (int i = 0; i < n; i++) y[i] = signs ? (r.nextBoolean() ? 1 : -1) : r.nextGaussian();
        return Dataset.of(n, d, x, y);
    }

    static RealMatrix design(Dataset ds) {
        double[][] rows = new double[ds.n()][ds.d()];
        for (int i = 0; i < ds.n(); i++) System.arraycopy(ds.x(), i * ds.d(), rows[i], 0, ds.d());
        return new Array2DRowRealMatrix(rows, false);
    }

    @Test
    void leastSquaresOptimumFromNormalEquationsAndExtremeEigenvalues() {
        Dataset ds = gaussian(40, 5, 1, false);
        Model m = model(ds, "kind", "linear_regression");
        RealMatrix x = design(ds);
        RealMatrix xtx = x.transpose().multiply(x);
        RealVector w = new CholeskyDecomposition(xtx).getSolver().solve(x.transpose().operate(new ArrayRealVector(ds.y())));
        RealVector r = x.operate(w).subtract(new ArrayRealVector(ds.y()));
        assertEquals(r.dotProduct(r) / 40, m.optimalLoss(), 1e-12);
        double[] ev = new EigenDecomposition(xtx.scalarMultiply(2.0 / 40)).getRealEigenvalues();
        java.util.Arrays.sort(ev);
        assertEquals(ev[4], m.smoothness(), 1e-10 * ev[4]);
        assertEquals(ev[0], m.strongConvexity(), 1e-10 * ev[4]);
        assertEquals(ev[0], m.plConstant(), 1e-10 * ev[4]);
        // the gradient vanishes at w*, and the loss there is F*
        double[] g = new double[5];
        assertEquals(m.optimalLoss(), m.lossGrad(w.toArray(), null, 0, g), 1e-12);
        assertTrue(Math.sqrt(org.ratelab.linalg.Blas.normSq(5, g)) < 1e-10);
    }

    @Test
    void overparameterizedLeastSquaresIsPlButNotStronglyConvex() {
        Dataset ds = gaussian(6, 10, 2, false);
        Model m = model(ds, "kind", "linear_regression");
        assertEquals(0.0, m.optimalLoss(), 1e-20 + 1e-12);
        assertEquals(0.0, m.strongConvexity());
        RealMatrix x = design(ds);
        double[] ev = new EigenDecomposition(x.multiply(x.transpose()).scalarMultiply(2.0 / 6)).getRealEigenvalues();
        java.util.Arrays.sort(ev);
        assertEquals(ev[0], m.plConstant(), 1e-10 * ev[5]);
        assertEquals(ev[5], m.smoothness(), 1e-10 * ev[5]);
    }

    @Test
    void minNormSolutionIsXTransposeTimesGramInverseY() {
        // d > n: theta_mn = X^T (X X^T)^{-1} y, the interpolant of smallest norm (seed 001's implicit bias)
        Dataset ds = gaussian(6, 10, 4, false);
        Model m = model(ds, "kind", "linear_regression");
        RealMatrix x = design(ds);
        RealVector alpha = new CholeskyDecomposition(x.multiply(x.transpose())).getSolver()
                .solve(new ArrayRealVector(ds.y()));
        double[] expected = x.transpose().operate(alpha).toArray();
        double[] mn = m.minNormSolution();
        for (int j = 0; j < 10; j++) assertEquals(expected[j], mn[j], 1e-10 * (1 + Math.abs(expected[j])));
        assertEquals(0.0, m.loss(mn, null, 0), 1e-20);
        // adding a null-space direction keeps the fit and grows the norm
        double[] v = new double[10];
        v[0] = 1;
        RealVector pv = x.transpose().operate(new CholeskyDecomposition(x.multiply(x.transpose())).getSolver()
                .solve(x.operate(new ArrayRealVector(v))));
        double[] other = mn.clone();
        for (int j = 0; j < 10; j++) other[j] += v[j] - pv.getEntry(j);
        assertEquals(0.0, m.loss(other, null, 0), 1e-20);
        assertTrue(org.ratelab.linalg.Blas.normSq(10, other) > org.ratelab.linalg.Blas.normSq(10, mn));
        // models without a closed form say so
        assertEquals(null, model(gaussian(20, 3, 5, true), "kind", "logistic_regression", "reg", 0.1)
                .minNormSolution());
    }

    @Test
    void logisticConstantsBoundTheHessianAndNewtonFindsTheMinimum() {
        Dataset ds = gaussian(60, 4, 3, true);
        double reg = 0.05;
        Model m = model(ds, "kind", "logistic_regression", "reg", reg);
        assertEquals(reg, m.strongConvexity());
        RealMatrix x = design(ds);
        double lmax = new EigenDecomposition(x.transpose().multiply(x).scalarMultiply(1.0 / 60)).getRealEigenvalues()[0];
        double[] ev = new EigenDecomposition(x.transpose().multiply(x).scalarMultiply(1.0 / 60)).getRealEigenvalues();
        for (double e : ev) lmax = Math.max(lmax, e);
        assertEquals(lmax / 4 + reg, m.smoothness(), 1e-10);
        // Rayleigh quotients of the exact Hessian lie in [μ, L] at random points
        SplittableRandom r = new SplittableRandom(4);
        double[] th = new double[4];
        double[] v = new double[4];
        double[] hv = new double[4];
        for (int t = 0; t < 20; t++) {
            for (int k = 0; k < 4; k++) {
                th[k] = 3 * r.nextGaussian();
                v[k] = r.nextGaussian();
            }
            m.hvp(th, v, hv);
            double q = org.ratelab.linalg.Blas.dot(4, v, hv) / org.ratelab.linalg.Blas.normSq(4, v);
            assertTrue(q >= reg - 1e-12 && q <= m.smoothness() + 1e-12, "Rayleigh quotient " + q);
        }
        // F* is a minimum: GD with step 1/L for many steps stays above it and converges to it
        double[] w = new double[4];
        double[] g = new double[4];
        double f = 0;
        for (int k = 0; k < 3000; k++) {
            f = m.lossGrad(w, null, 0, g);
            assertTrue(f >= m.optimalLoss() - 1e-14);
            org.ratelab.linalg.Blas.axpy(4, -1 / m.smoothness(), g, w);
        }
        assertEquals(m.optimalLoss(), f, 1e-12);
    }

    @Test
    void quadraticSpectrumAndExactNoiseModel() {
        Dataset none = Dataset.of(4, 1, new double[4], new double[4]);
        Model q = model(none, "kind", "quadratic", "dim", 3, "kappa", 100, "smoothness", 2.0);
        assertEquals(2.0, q.smoothness(), 1e-15);
        assertEquals(0.02, q.strongConvexity(), 1e-15);
        assertEquals(0.0, q.optimalLoss());
        double[] x = {1, 1, 1};
        double[] g = new double[3];
        assertEquals(0.5 * (0.02 + 0.2 + 2.0), q.lossGrad(x, null, 0, g), 1e-14);
        assertEquals(0.2, g[1], 1e-14);  // geometric: √(μL)

        Model nq = model(none, "kind", "noisy_quadratic", "dim", 1, "kappa", 1, "smoothness", 0.5, "noise_std", 2.0);
        nq.init(new double[1], new SplittableRandom(0));
        nq.useNoise(new SplittableRandom(9));
        int[] idx = {0, 1, 2, 3};
        double[] th = {1.0};
        double[] gg = new double[1];
        int draws = 20000;
        double s = 0;
        double s2 = 0;
        for (int t = 0; t < draws; t++) {
            nq.lossGrad(th, idx, 4, gg);
            s += gg[0];
            s2 += gg[0] * gg[0];
        }
        double mean = s / draws;
        double var = s2 / draws - mean * mean;
        double noiseVar = 4.0 / 4;  // σ²/B
        assertEquals(0.5, mean, 4 * Math.sqrt(noiseVar / draws));
        assertEquals(noiseVar, var, 4 * noiseVar * Math.sqrt(2.0 / draws));
        nq.lossGrad(th, null, 0, gg);
        assertEquals(0.5, gg[0], 0.0);  // the full gradient is exact
    }

    @Test
    void saddleHasChosenNegativeCurvatureAndKnownMinimum() {
        Dataset none = Dataset.of(1, 1, new double[1], new double[1]);
        Model s = model(none, "kind", "saddle", "dim", 3, "negative_curvature", 0.7, "kappa", 4, "smoothness", 2);
        double[] hv = new double[3];
        s.hvp(new double[3], new double[] {1, 0, 0}, hv);
        assertEquals(-0.7, hv[0], 1e-15);
        assertEquals(-0.7, s.strongConvexity());
        assertEquals(-0.7 / 4, s.optimalLoss());
        double[] g = new double[3];
        assertEquals(-0.7 / 4, s.lossGrad(new double[] {1, 0, 0}, null, 0, g), 1e-15);
        assertEquals(0.0, org.ratelab.linalg.Blas.normSq(3, g), 1e-30);
        double[] x0 = new double[3];
        s.init(x0, new SplittableRandom(1));
        assertEquals(1e-6, x0[0]);
    }
}
