package org.ratelab.optim;

import org.ratelab.spec.Node;

/**
 * What schedule-free SGD and AdamW share (Defazio, Yang, Mehta, Mishchenko, Khaled &amp; Cutkosky 2024, "The
 * Road Less Scheduled", arXiv:2405.15682; the official facebookresearch/schedule_free, commit 70785b5): the
 * linear warm-up, the averaging weights and the three sequences. Per-run state, allocated once.
 *
 * <p>Step t (from 0): γ_t = lr_k·min(1, (t+1)/warmup_steps), lr_k = lr·schedule(k); lr_max = max(lr_max, γ_t);
 * w_t = (t+1)^r · lr_max^weight_lr_power; c_{t+1} = w_t / Σ_{i≤t} w_i (0 when the sum is 0). The method
 * moves z with its base rule at the gradient point y, then x ← (1 − c_{t+1})x + c_{t+1}z, and the next
 * gradient point is y = βx + (1 − β)z (as the official code computes it: x·β + (1−β)·z).
 *
 * <p>ratelab's θ holds x, the evaluation point (the official optimizer's parameters after {@code .eval()}), so
 * the loss and gradient norm recorded at θ are the averaged sequence's; z and y are state. The official
 * optimizer keeps y in the parameters during training, which ratelab never records.
 */
final class ScheduleFree {
    private final long warmupSteps;
    private final double r;
    private final double weightLrPower;
    /** z, the base sequence. */
    final double[] z;
    /** y, the gradient point of the current step (computed by {@link #begin}). */
    final double[] y;
    private double lrMax = -1.0;
    private double weightSum = 0.0;
    private long t;

    ScheduleFree(int dim, long warmupSteps, double r, double weightLrPower) {
        this.warmupSteps = warmupSteps;
        this.r = r;
        this.weightLrPower = weightLrPower;
        this.z = new double[dim];
        this.y = new double[dim];
    }

    /** The step's count t (0 on the first step), as the official {@code group['k']}. */
    long t() { return t; }

    /**
     * Begins step t: writes y (z = y = x₀ on the first step, as the official state is initialized from the
     * parameters; else y = x·β + (1−β)·z) and returns the scheduled γ_t = lr·min(1, (t+1)/warmup_steps), lr
     * being the step's base rate (the official {@code group['lr']}, which a torch LR scheduler would set).
     */
    double begin(double[] x, double beta, double lr) {
        if (t == 0) {
            System.arraycopy(x, 0, z, 0, x.length);
            System.arraycopy(x, 0, y, 0, x.length);
        } else {
            for (int i = 0; i < x.length; i++) y[i] = x[i] * beta + (1 - beta) * z[i];
        }
        double sched = t < warmupSteps ? (t + 1) / (double) warmupSteps : 1.0;
        return lr * sched;
    }

    /** The averaging weight c_{t+1} of step t for its scheduled γ_t (updates lr_max and the weight sum). */
    double ckp1(double lrT) {
        lrMax = Math.max(lrT, lrMax);
        double weight = Math.pow(t + 1, r) * Math.pow(lrMax, weightLrPower);
        weightSum += weight;
        return weightSum == 0 ? 0 : weight / weightSum;
    }

    /** Ends step t: x ← x(1 − c) + c·z. */
    void average(double[] x, double ckp1) {
        for (int i = 0; i < x.length; i++) x[i] = x[i] * (1 - ckp1) + ckp1 * z[i];
        t++;
    }

    /** β (momentum, beta1) in [0, 1]: 0 is Polyak–Ruppert averaging of the base method, 1 primal averaging. */
    static double interpolation(Node n, String key, double dflt) {
        return n.dbl(key, dflt, 0.0, 1.0, false);
    }

    static long warmupSteps(Node n) { return n.lng("warmup_steps", 0, 0, Long.MAX_VALUE); }
}
