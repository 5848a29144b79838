package org.ratelab.optim;

import org.ratelab.spec.Node;

/**
 * Schedule-free SGD (Defazio, Yang, Mehta, Mishchenko, Khaled &amp; Cutkosky 2024, "The Road Less Scheduled",
 * NeurIPS, arXiv:2405.15682), exactly as the official {@code SGDScheduleFreeReference}
 * (facebookresearch/schedule_free, schedulefree/sgd_schedulefree_reference.py, commit 70785b5; the
 * memory-efficient sgd_schedulefree.py is the same recurrence). Step t (from 0), with β = momentum:
 * <pre>
 *   γ_t = lr·schedule(k)·min(1, (t+1)/warmup_steps);   lr_max = max(lr_max, γ_t)
 *   w_t = (t+1)^r · lr_max^weight_lr_power;   c_{t+1} = w_t / Σ_{i≤t} w_i
 *   y = βx + (1−β)z   (y = z = x = x₀ on the first step)
 *   g = ∇f(y) + λy                        (weight_decay λ, an L2 term at y)
 *   z ← z − γ_t g
 *   x ← (1 − c_{t+1})x + c_{t+1}z
 * </pre>
 * θ is x, the evaluation point: the loss and gradient norm ratelab records are at the averaged sequence x,
 * while the gradient is taken at y (the official optimizer keeps y in the parameters during training and
 * puts x there with {@code .eval()}). z and y are state. So {@code fullGradientAtIterate} is false: the
 * trainer measures F(x) apart, uncounted.
 *
 * <p>Defaults are the official ones (lr 1, momentum 0.9, weight_lr_power 2, r 0, warmup_steps 0). One
 * difference: momentum may be anything in [0, 1] (the official code refuses 0 and 1, for its
 * memory-efficient form divides by β to recover x; ratelab keeps x and z): β = 0 is SGD on z with the
 * weighted (Polyak–Ruppert) average x, β = 1 primal averaging (gradients at x). The method needs no
 * schedule; a {@code schedule} (constant by default) multiplies lr before the warm-up, as a torch LR scheduler
 * setting {@code group['lr']} would, so it enters lr_max and the weights too. Costs B (or n) per-sample
 * gradients per step.
 */
public record ScheduleFreeSgdSpec(double lr, double momentum, double weightDecay, long warmupSteps, double r,
                                  double weightLrPower, int batchSize, String sampling, Schedule schedule, Noise noise)
        implements OptimizerSpec {
    public static final String NAME = "schedule_free_sgd";

    static ScheduleFreeSgdSpec parse(Node n) {
        return new ScheduleFreeSgdSpec(n.positive("lr", 1.0), ScheduleFree.interpolation(n, "momentum", 0.9),
                n.nonNegative("weight_decay", 0.0), ScheduleFree.warmupSteps(n), n.nonNegative("r", 0.0),
                n.nonNegative("weight_lr_power", 2.0), Gradients.batchSize(n, 0), Gradients.sampling(n),
                Schedule.parse(n.child("schedule")), Noise.parse(n.child("noise")));
    }

    @Override public String name() { return NAME; }

    @Override
    public Optimizer instantiate(int dim, int n, double lrScale) {
        Gradients source = new Gradients(dim, n, batchSize, sampling, noise);
        ScheduleFree sf = new ScheduleFree(dim, warmupSteps, r, weightLrPower);
        double[] g = new double[dim];
        double[] z = sf.z;
        double[] y = sf.y;
        return new Optimizer() {
            @Override
            public void step(long k, double[] theta, Oracle oracle) {
                double lrT = sf.begin(theta, momentum, lr * lrScale * schedule.factor(k, source.batch()));
                double ckp1 = sf.ckp1(lrT);
                source.grad(y, oracle, g);
                for (int i = 0; i < dim; i++) {
                    double gi = weightDecay != 0 ? g[i] + weightDecay * y[i] : g[i];
                    z[i] = z[i] - lrT * gi;
                }
                sf.average(theta, ckp1);
            }
        };
    }

    /** Registers {@code ScheduleFreeSgdSpec} (META-INF/services/org.ratelab.optim.OptimizerKind). */
    public static final class Provider implements OptimizerKind {
        @Override public String name() { return NAME; }
        @Override public String doc() {
            return "schedule-free SGD as facebookresearch/schedule_free (Defazio et al. 2024, arXiv:2405.15682);"
                    + " θ is the averaged x, gradients at y = βx + (1−β)z";
        }
        @Override public Class<? extends Record> config() { return ScheduleFreeSgdSpec.class; }
        @Override public OptimizerSpec parse(Node n) { return ScheduleFreeSgdSpec.parse(n); }
    }
}
