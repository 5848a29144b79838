package org.ratelab.train;

import java.util.List;
import java.util.random.RandomGenerator;
import org.ratelab.model.Model;
import org.ratelab.model.ParamBlock;
import org.ratelab.optim.Block;
import org.ratelab.optim.Oracle;

/**
 * The trainer's {@link Oracle}: forwards to the model and counts per-sample gradient evaluations. The
 * trainer's own measurement of F(θ_k) and ∇F(θ_k) ({@link #measure}) is not counted; when the optimizer's
 * first request is the full gradient at a point equal to the measured one, it is served from the
 * measurement (and counted, since the optimizer consumed it): an exact reuse, checked entry by entry.
 */
final class MeasuringOracle implements Oracle {
    private final Model model;
    private final RandomGenerator rng;
    private final double[] measuredGrad;
    private final double[] measuredAt;   // a copy of the point measured
    private boolean valid;
    private double measuredLoss;
    private long calls;
    private double lastLoss = Double.NaN;

    private final List<Block> blocks;

    MeasuringOracle(Model model, RandomGenerator rng) {
        this.model = model;
        this.rng = rng;
        this.blocks = blocks(model);
        this.measuredGrad = new double[model.dim()];
        this.measuredAt = new double[model.dim()];
    }

    /** Measures F and ∇F at theta without counting; valid for the optimizer until theta changes. */
    double measure(double[] theta) {
        measuredLoss = model.lossGrad(theta, null, 0, measuredGrad);
        System.arraycopy(theta, 0, measuredAt, 0, theta.length);
        valid = true;
        return measuredLoss;
    }

    /** The gradient of the last {@link #measure}. */
    double[] measuredGrad() { return measuredGrad; }

    /** Forget the measurement (theta is about to change). */
    void invalidate() { valid = false; }

    /** The loss of the optimizer's last gradient request (full or minibatch), NaN before any. */
    double lastLoss() { return lastLoss; }

    @Override public int dim() { return model.dim(); }
    @Override public int n() { return model.n(); }
    @Override public RandomGenerator rng() { return rng; }
    @Override public long calls() { return calls; }
    @Override public double l1Penalty() { return model.l1Penalty(); }
    @Override public List<Block> blocks() { return blocks; }

    /** The model's {@link ParamBlock}s as the optimizer sees them: shapes without names. */
    static List<Block> blocks(Model model) {
        List<Block> out = new java.util.ArrayList<>();
        for (ParamBlock b : model.blocks()) out.add(new Block(b.offset(), b.rows(), b.cols(), b.trainable()));
        return List.copyOf(out);
    }

    @Override
    public double fullGrad(double[] theta, double[] grad) {
        calls += model.n();
        if (valid && java.util.Arrays.equals(theta, measuredAt)) {
            valid = false;
            System.arraycopy(measuredGrad, 0, grad, 0, grad.length);
            lastLoss = measuredLoss;
            return measuredLoss;
        }
        valid = false;
        lastLoss = model.lossGrad(theta, null, 0, grad);
        return lastLoss;
    }

    @Override
    public double batchGrad(double[] theta, int[] idx, int count, double[] grad) {
        calls += count;
        valid = false;
        lastLoss = model.lossGrad(theta, idx, count, grad);
        return lastLoss;
    }

    @Override
    public double fullLoss(double[] theta) {
        return model.loss(theta, null, 0);
    }
}
