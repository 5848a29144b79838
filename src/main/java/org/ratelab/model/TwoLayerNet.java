package org.ratelab.model;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.ratelab.data.Dataset;
import org.ratelab.linalg.Blas;

/**
 * Per-run state of {@link TwoLayerSpec}. Parameters: W (m x d, row j is w_j), then b (m, when biased), then
 * a (m). Forward and backward are two GEMMs over the batch plus fused elementwise passes; all buffers are
 * allocated here, once, for the largest batch (the full training set).
 */
final class TwoLayerNet implements Model {
    private final TwoLayerSpec spec;
    private final Dataset data;
    private final int n;
    private final int d;
    private final int m;
    private final int offB;
    private final int offA;
    private final int dim;
    private final double inScale;   // multiplies w·x
    private final double outScale;  // α / m^p
    private final int act;          // 0 tanh, 1 relu, 2 softplus, 3 identity
    private final boolean trainFirst;
    private final boolean trainSecond;
    // work buffers, column-major m x rows
    private final double[] z;
    private final double[] dz;
    private final double[] out;
    private final double[] batchX;

    TwoLayerNet(TwoLayerSpec spec, Dataset data) {
        this.spec = spec;
        this.data = data;
        this.n = data.n();
        this.d = data.d();
        this.m = spec.width();
        this.offB = m * d;
        this.offA = offB + (spec.bias() ? m : 0);
        this.dim = offA + m;
        this.inScale = spec.parameterization().equals("standard") ? 1.0 : 1.0 / Math.sqrt(d);
        this.outScale = spec.outputScale() / Math.pow(m, spec.outputExponent());
        this.act = TwoLayerSpec.ACTIVATIONS.indexOf(spec.activation());
        this.trainFirst = !spec.trainLayers().equals("second");
        this.trainSecond = !spec.trainLayers().equals("first");
        int rows = Math.max(n, data.nTest());
        this.z = new double[m * rows];
        this.dz = new double[m * rows];
        this.out = new double[rows];
        this.batchX = new double[n * d];
    }

    @Override public int dim() { return dim; }
    @Override public int n() { return n; }
    @Override public double lrScale() { return spec.parameterization().equals("meanfield") ? m : 1.0; }

    @Override
    public List<ParamBlock> blocks() {
        List<ParamBlock> b = new ArrayList<>();
        b.add(new ParamBlock("W", 0, m * d));
        if (spec.bias()) b.add(new ParamBlock("b", offB, m));
        b.add(new ParamBlock("a", offA, m));
        return b;
    }

    @Override
    public void init(double[] theta, RandomGenerator rng) {
        boolean standard = spec.parameterization().equals("standard");
        double wStd = standard ? 1.0 / Math.sqrt(d) : 1.0;
        double aStd = standard ? 1.0 / Math.sqrt(m) : 1.0;
        boolean anti = spec.init().equals("antisymmetric");
        int drawn = anti ? m / 2 : m;
        for (int j = 0; j < drawn; j++) {
            for (int k = 0; k < d; k++) theta[j * d + k] = wStd * rng.nextGaussian();
            if (spec.bias()) theta[offB + j] = standard ? 0.0 : rng.nextGaussian();
            theta[offA + j] = aStd * rng.nextGaussian();
        }
        if (anti) {
            for (int j = 0; j < drawn; j++) {
                int p = j + drawn;
                System.arraycopy(theta, j * d, theta, p * d, d);
                if (spec.bias()) theta[offB + p] = theta[offB + j];
                theta[offA + p] = -theta[offA + j];
            }
        }
    }

    /**
     * Forward pass over {@code rows} inputs xs (row-major rows x d): z ← σ(pre-activation), dz ← σ'(pre),
     * out ← h(x). Returns nothing; fills the buffers.
     */
    private void forward(double[] theta, double[] xs, int rows, boolean derivative) {
        // Z (col-major m x rows) = inScale · Wᵀ_c X_c where W row-major m x d = col-major d x m
        Blas.gemm(true, false, m, rows, d, inScale, theta, 0, d, xs, 0, d, 0.0, z, 0, m);
        for (int i = 0; i < rows; i++) {
            int col = i * m;
            double h = 0;
            for (int j = 0; j < m; j++) {
                double pre = z[col + j] + (spec.bias() ? theta[offB + j] : 0.0);
                double s;
                double ds;
                switch (act) {
                    case 0 -> {
                        s = Math.tanh(pre);
                        ds = 1.0 - s * s;
                    }
                    case 1 -> {
                        s = pre > 0 ? pre : 0.0;
                        ds = pre > 0 ? 1.0 : 0.0;
                    }
                    case 2 -> {
                        s = pre > 0 ? pre + Math.log1p(Math.exp(-pre)) : Math.log1p(Math.exp(pre));
                        ds = 1.0 / (1.0 + Math.exp(-pre));
                    }
                    default -> {
                        s = pre;
                        ds = 1.0;
                    }
                }
                z[col + j] = s;
                if (derivative) dz[col + j] = ds;
                h += theta[offA + j] * s;
            }
            out[i] = outScale * h;
        }
    }

    private double[] gather(int[] idx, int count) {
        if (idx == null) return data.x();
        for (int i = 0; i < count; i++) System.arraycopy(data.x(), idx[i] * d, batchX, i * d, d);
        return batchX;
    }

    @Override
    public double lossGrad(double[] theta, int[] idx, int count, double[] grad) {
        int rows = idx == null ? n : count;
        double[] xs = gather(idx, count);
        forward(theta, xs, rows, true);
        double[] y = data.y();
        double loss = 0;
        for (int i = 0; i < rows; i++) {
            double r = out[i] - y[idx == null ? i : idx[i]];
            loss += r * r;
            out[i] = 2.0 * r / rows;  // dF/dh_i
        }
        loss /= rows;
        // grad a_j = outScale Σ_i g_i σ(z_ij)
        if (trainSecond) {
            java.util.Arrays.fill(grad, offA, offA + m, 0.0);
            for (int i = 0; i < rows; i++) {
                int col = i * m;
                double gi = outScale * out[i];
                for (int j = 0; j < m; j++) grad[offA + j] += gi * z[col + j];
            }
        } else {
            java.util.Arrays.fill(grad, offA, offA + m, 0.0);
        }
        if (trainFirst) {
            // G_ij = g_i · outScale · a_j · σ'(z_ij), in place in dz
            for (int i = 0; i < rows; i++) {
                int col = i * m;
                double gi = out[i] * outScale;
                for (int j = 0; j < m; j++) dz[col + j] *= gi * theta[offA + j];
            }
            // grad W (col-major d x m) = inScale · X_c (d x rows) · Gᵀ (rows x m)
            Blas.gemm(false, true, d, m, rows, inScale, xs, 0, d, dz, 0, m, 0.0, grad, 0, d);
            if (spec.bias()) {
                java.util.Arrays.fill(grad, offB, offB + m, 0.0);
                for (int i = 0; i < rows; i++) {
                    int col = i * m;
                    for (int j = 0; j < m; j++) grad[offB + j] += dz[col + j];
                }
            }
        } else {
            java.util.Arrays.fill(grad, 0, offA, 0.0);
        }
        return loss;
    }

    @Override
    public double loss(double[] theta, int[] idx, int count) {
        int rows = idx == null ? n : count;
        double[] xs = gather(idx, count);
        forward(theta, xs, rows, false);
        double[] y = data.y();
        double loss = 0;
        for (int i = 0; i < rows; i++) {
            double r = out[i] - y[idx == null ? i : idx[i]];
            loss += r * r;
        }
        return loss / rows;
    }

    @Override
    public double testLoss(double[] theta) {
        int t = data.nTest();
        if (t == 0) return Double.NaN;
        forward(theta, data.xTest(), t, false);
        double loss = 0;
        for (int i = 0; i < t; i++) {
            double r = out[i] - data.yTest()[i];
            loss += r * r;
        }
        return loss / t;
    }
}
