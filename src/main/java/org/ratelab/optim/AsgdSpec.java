package org.ratelab.optim;

import org.ratelab.spec.Node;

/**
 * ASGD, averaged stochastic gradient descent (Polyak &amp; Juditsky 1992, "Acceleration of Stochastic
 * Approximation by Averaging", SIAM J. Control Optim. 30(4)), exactly as torch.optim.ASGD (t from 1; η₁ = lr,
 * μ₁ = 1): g ← g + λ_wθ; θ ← θ(1 − λη_t) − η_t g; averaging: ax ← θ if μ_t = 1, else ax ← ax + μ_t(θ − ax);
 * then η_{t+1} = lr/(1 + λ·lr·t)^α and μ_{t+1} = 1/max(1, t − t₀). As in torch, θ (what runs record) is the
 * SGD iterate; the Polyak–Ruppert average ax is kept as state ({@link Asgd#average}). lr is lr·lrScale
 * throughout, and a schedule multiplies η_t where it is used. Costs B (or n) per-sample gradients per step.
 */
public record AsgdSpec(double lr, double lambd, double alpha, double t0, double weightDecay,
                       int batchSize, String sampling, Schedule schedule, Noise noise) implements OptimizerSpec {
    public static final String NAME = "asgd";

    static AsgdSpec parse(Node n) {
        return new AsgdSpec(n.positive("lr", 1e-2), n.nonNegative("lambd", 1e-4), n.nonNegative("alpha", 0.75),
                n.nonNegative("t0", 1e6), n.nonNegative("weight_decay", 0.0), Gradients.batchSize(n, 0),
                Gradients.sampling(n), Schedule.parse(n.child("schedule")), Noise.parse(n.child("noise")));
    }

    @Override public String name() { return NAME; }

    @Override
    public Optimizer instantiate(int dim, int n, double lrScale) {
        return new Asgd(this, dim, n, lrScale);
    }

    /** Per-run state: gradient, the step size η, the averaging weight μ and the average ax. */
    static final class Asgd implements Optimizer {
        private final AsgdSpec c;
        private final double lr;
        private final Gradients source;
        private final double[] g;
        private final double[] ax;
        private double eta;
        private double mu = 1;

        Asgd(AsgdSpec c, int dim, int n, double lrScale) {
            this.c = c;
            this.lr = c.lr * lrScale;
            this.source = new Gradients(dim, n, c.batchSize, c.sampling, c.noise);
            this.g = new double[dim];
            this.ax = new double[dim];
            this.eta = lr;
        }

        @Override public boolean fullGradientAtIterate() { return source.full(); }

        @Override
        public void step(long k, double[] theta, Oracle oracle) {
            source.grad(theta, oracle, g);
            double t = k + 1;
            double etaK = eta * c.schedule.factor(k, source.batch());
            double decay = 1 - c.lambd * etaK;
            for (int i = 0; i < g.length; i++) {
                double gi = c.weightDecay != 0 ? g[i] + c.weightDecay * theta[i] : g[i];
                theta[i] *= decay;
                theta[i] += -etaK * gi;
                ax[i] = mu != 1 ? ax[i] + (theta[i] - ax[i]) * mu : theta[i];
            }
            eta = lr / Math.pow(1 + c.lambd * lr * t, c.alpha);
            mu = 1 / Math.max(1, t - c.t0);
        }

        /** The Polyak–Ruppert average ax after the last step (a copy). */
        double[] average() { return ax.clone(); }
    }

    /** Registers {@code AsgdSpec} (META-INF/services/org.ratelab.optim.OptimizerKind). */
    public static final class Provider implements OptimizerKind {
        @Override public String name() { return NAME; }
        @Override public String doc() { return "averaged SGD as torch.optim.ASGD (Polyak & Juditsky 1992)"; }
        @Override public Class<? extends Record> config() { return AsgdSpec.class; }
        @Override public OptimizerSpec parse(Node n) { return AsgdSpec.parse(n); }
    }
}
