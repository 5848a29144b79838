package org.ratelab.model;

import java.util.List;
import java.util.random.RandomGenerator;
import org.ratelab.data.Dataset;
import org.ratelab.linalg.Blas;

/**
 * What the models with a linear predictor h(x) = w·x share (least squares, logistic regression): the data,
 * the minibatch row gather into a buffer allocated once, the initialization, the single parameter block,
 * and the per-sample Jacobian rows and outputs, which are the inputs and Xw. Subclasses give the loss.
 */
abstract class LinearPredictor implements Model {
    protected final Dataset data;
    protected final int n;
    protected final int d;
    private final double[] batchX;
    private final String init;
    private final double l1;

    /**
     * @param init {@code zero} or {@code gaussian} (w ~ N(0, 1/d))
     * @param l1   the ℓ1 coefficient kept out of the smooth loss ({@link #l1Penalty()})
     */
    LinearPredictor(Dataset data, String init, double l1) {
        this.data = data;
        this.n = data.n();
        this.d = data.d();
        this.batchX = new double[n * d];
        this.init = init;
        this.l1 = l1;
    }

    @Override public int dim() { return d; }
    @Override public int n() { return n; }
    @Override public double l1Penalty() { return l1; }
    @Override public List<ParamBlock> blocks() { return List.of(new ParamBlock("w", 0, d)); }

    @Override
    public void init(double[] theta, RandomGenerator rng) {
        for (int j = 0; j < d; j++) theta[j] = init.equals("zero") ? 0.0 : rng.nextGaussian() / Math.sqrt(d);
    }

    /** The batch's input rows, row-major rows x d: the data itself for the full batch, else gathered. */
    protected final double[] rowsOf(int[] idx, int count) {
        if (idx == null) return data.x();
        for (int i = 0; i < count; i++) System.arraycopy(data.x(), idx[i] * d, batchX, i * d, d);
        return batchX;
    }

    @Override
    public void jacobian(double[] theta, int[] idx, int count, double[] out) {
        int rows = idx == null ? n : count;
        System.arraycopy(rowsOf(idx, count), 0, out, 0, rows * d);
    }

    @Override
    public void outputs(double[] theta, int[] idx, int count, double[] out) {
        int rows = idx == null ? n : count;
        Blas.gemv(true, d, rows, 1.0, rowsOf(idx, count), d, theta, 0.0, out);
    }
}
