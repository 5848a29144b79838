package org.ratelab.optim;

import org.ratelab.spec.Node;

/**
 * Schedule-free AdamW (Defazio, Yang, Mehta, Mishchenko, Khaled &amp; Cutkosky 2024, "The Road Less
 * Scheduled", NeurIPS, arXiv:2405.15682), exactly as the official {@code AdamWScheduleFreeReference} at its
 * defaults decay_at_z = false, inner_momentum = 0 (facebookresearch/schedule_free,
 * schedulefree/adamw_schedulefree_reference.py, commit 70785b5; the memory-efficient adamw_schedulefree.py
 * is the same recurrence). Step t (from 0), with β₁ the interpolation and β₂ the second-moment decay:
 * <pre>
 *   γ_t = lr·schedule(k)·min(1, (t+1)/warmup_steps);   lr_max = max(lr_max, γ_t)
 *   w_t = (t+1)^r · lr_max^weight_lr_power;   c_{t+1} = w_t / Σ_{i≤t} w_i
 *   y = β₁x + (1−β₁)z   (y = z = x = x₀ on the first step);   g = ∇f(y)
 *   z ← z − γ_t λ y                                  (weight_decay λ, decoupled, at y)
 *   v ← β₂v + (1−β₂)g²;   z ← z − γ_t g / (√(v/(1−β₂^{t+1})) + ε)
 *   x ← (1 − c_{t+1})x + c_{t+1}z
 * </pre>
 * The bias correction is in the denominator, so the weights see the warm-up only through lr_max (the
 * paper's Algorithm 1 and the repository's adamw_schedulefree_paper.py put √(1−β₂^{t+1}) into γ_t, and so
 * into lr_max and the weights, instead; this follows the current reference).
 *
 * <p>θ is x, the evaluation point: the loss and gradient norm ratelab records are at the averaged sequence
 * x, while the gradient is taken at y (the official optimizer keeps y in the parameters during training and
 * puts x there with {@code .eval()}). z, y and v are state; {@code fullGradientAtIterate} is false. Defaults
 * are the official ones (lr 0.0025, beta1 0.9, beta2 0.999, eps 1e-8, weight_decay 0, weight_lr_power 2, r 0,
 * warmup_steps 0); beta1 may be anything in [0, 1], and a {@code schedule} multiplies lr (both as in
 * {@link ScheduleFreeSgdSpec}). No effective lr: x does not move by a per-coordinate step on a gradient.
 * Costs B (or n) per-sample gradients per step.
 */
public record ScheduleFreeAdamwSpec(double lr, double beta1, double beta2, double eps, double weightDecay,
                                    long warmupSteps, double r, double weightLrPower, int batchSize,
                                    String sampling, Schedule schedule, Noise noise) implements OptimizerSpec {
    public static final String NAME = "schedule_free_adamw";

    static ScheduleFreeAdamwSpec parse(Node n) {
        return new ScheduleFreeAdamwSpec(n.positive("lr", 0.0025), ScheduleFree.interpolation(n, "beta1", 0.9),
                AdamSpec.below1(n, "beta2", 0.999), n.positive("eps", 1e-8), n.nonNegative("weight_decay", 0.0),
                ScheduleFree.warmupSteps(n), n.nonNegative("r", 0.0), n.nonNegative("weight_lr_power", 2.0),
                Gradients.batchSize(n, 0), Gradients.sampling(n), Schedule.parse(n.child("schedule")),
                Noise.parse(n.child("noise")));
    }

    @Override public String name() { return NAME; }

    @Override
    public Optimizer instantiate(int dim, int n, double lrScale) {
        Gradients source = new Gradients(dim, n, batchSize, sampling, noise);
        ScheduleFree sf = new ScheduleFree(dim, warmupSteps, r, weightLrPower);
        double[] g = new double[dim];
        double[] v = new double[dim];
        double[] z = sf.z;
        double[] y = sf.y;
        return new Optimizer() {
            @Override
            public void step(long k, double[] theta, Oracle oracle) {
                double lrT = sf.begin(theta, beta1, lr * lrScale * schedule.factor(k, source.batch()));
                double bc2 = 1 - Math.pow(beta2, sf.t() + 1);
                double ckp1 = sf.ckp1(lrT);
                source.grad(y, oracle, g);
                double lrDecay = lrT * weightDecay;
                for (int i = 0; i < dim; i++) {
                    if (weightDecay != 0) z[i] = z[i] - lrDecay * y[i];
                    double gi = g[i];
                    v[i] = v[i] * beta2 + (1 - beta2) * gi * gi;
                    double denom = Math.sqrt(v[i] / bc2) + eps;
                    z[i] = z[i] + -lrT * (gi / denom);
                }
                sf.average(theta, ckp1);
            }
        };
    }

    /** Registers {@code ScheduleFreeAdamwSpec} (META-INF/services/org.ratelab.optim.OptimizerKind). */
    public static final class Provider implements OptimizerKind {
        @Override public String name() { return NAME; }
        @Override public String doc() {
            return "schedule-free AdamW as facebookresearch/schedule_free (Defazio et al. 2024, arXiv:2405.15682);"
                    + " θ is the averaged x, gradients at y = β₁x + (1−β₁)z";
        }
        @Override public Class<? extends Record> config() { return ScheduleFreeAdamwSpec.class; }
        @Override public OptimizerSpec parse(Node n) { return ScheduleFreeAdamwSpec.parse(n); }
    }
}
