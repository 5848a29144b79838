package org.ratelab.optim;

import org.ratelab.spec.Node;

/**
 * Adam (Kingma &amp; Ba 2015, arXiv:1412.6980) and AMSGrad (Reddi, Kale &amp; Kumar 2018, "On the
 * Convergence of Adam and Beyond"), exactly as torch.optim.Adam (t from 1): g ← g + λθ;
 * m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; AMSGrad: v̂ = max(v̂, v) replaces v;
 * θ ← θ − (η_t/(1−β₁ᵗ)) · m / (√v/√(1−β₂ᵗ) + ε). Costs B (or n) per-sample gradients per step.
 */
public record AdamSpec(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad,
                       int batchSize, String sampling, Schedule schedule, Noise noise) implements OptimizerSpec {
    public static final String NAME = "adam";

    static AdamSpec parse(Node n) {
        double lr = n.positive("lr", 1e-3);
        double beta1 = below1(n, "beta1", 0.9);
        double beta2 = below1(n, "beta2", 0.999);
        return new AdamSpec(lr, beta1, beta2, n.positive("eps", 1e-8), n.nonNegative("weight_decay", 0.0),
                n.bool("amsgrad", false), Gradients.batchSize(n, 0), Gradients.sampling(n),
                Schedule.parse(n.child("schedule")), Noise.parse(n.child("noise")));
    }

    /** A coefficient in [0, 1), reported at its key. */
    static double below1(Node n, String key, double dflt) {
        double b = n.dbl(key, dflt, 0.0, 1.0, false);
        if (b >= 1) throw n.error(key, "must be < 1, got " + b);
        return b;
    }

    public AdamSpec {
        AdamSpec.checkBetas("adam", beta1, beta2);
    }

    /** The Adam family's betas are in [0, 1) (the parser already said so at the key's path). */
    static void checkBetas(String method, double beta1, double beta2) {
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException(method + " betas must be in [0, 1), got beta1=" + beta1 + ", beta2=" + beta2);
        }
    }

    @Override public String name() { return NAME; }

    @Override
    public Optimizer instantiate(int dim, int n, double lrScale) {
        return new Adam(this, dim, n, lrScale);
    }

    /** Per-run state: gradient, first and second moments, AMSGrad's running max (all allocated up front). */
    static final class Adam implements Optimizer, AdaptiveStep {
        private final AdamSpec c;
        private final double lrScale;
        private final Gradients source;
        private final double[] g;
        private final double[] m;
        private final double[] v;
        private final double[] vMax;
        private double lastLr = Double.NaN;     // lr·lrScale·schedule of the last step (for effectiveLr)
        private double lastBc2sqrt = Double.NaN;

        Adam(AdamSpec c, int dim, int n, double lrScale) {
            this.c = c;
            this.lrScale = lrScale;
            this.source = new Gradients(dim, n, c.batchSize, c.sampling, c.noise);
            this.g = new double[dim];
            this.m = new double[dim];
            this.v = new double[dim];
            this.vMax = c.amsgrad ? new double[dim] : null;
        }

        @Override public boolean fullGradientAtIterate() { return source.full(); }

        @Override
        public void step(long k, double[] theta, Oracle oracle) {
            source.grad(theta, oracle, g);
            double t = k + 1;
            double b1 = c.beta1;
            double b2 = c.beta2;
            double bc1 = 1 - Math.pow(b1, t);
            double bc2sqrt = Math.sqrt(1 - Math.pow(b2, t));
            double stepSize = c.lr * lrScale * c.schedule.factor(k, source.batch()) / bc1;
            lastLr = c.lr * lrScale * c.schedule.factor(k, source.batch());
            lastBc2sqrt = bc2sqrt;
            for (int i = 0; i < g.length; i++) {
                double gi = c.weightDecay != 0 ? g[i] + c.weightDecay * theta[i] : g[i];
                m[i] = m[i] * b1 + (1 - b1) * gi;
                v[i] = v[i] * b2 + (1 - b2) * (gi * gi);
                double vi = v[i];
                if (vMax != null) {
                    vMax[i] = Math.max(vMax[i], vi);
                    vi = vMax[i];
                }
                theta[i] += -stepSize * (m[i] / (Math.sqrt(vi) / bc2sqrt + c.eps));
            }
        }

        /** η_i = lr_t / (√v̂_i + ε), the factor of the bias-corrected first moment m̂_i. */
        @Override
        public boolean effectiveLr(double[] out) {
            if (Double.isNaN(lastLr)) return false;
            double[] vv = vMax != null ? vMax : v;
            for (int i = 0; i < out.length; i++) out[i] = lastLr / (Math.sqrt(vv[i]) / lastBc2sqrt + c.eps);
            return true;
        }
    }

    /** Registers {@code AdamSpec} (META-INF/services/org.ratelab.optim.OptimizerKind). */
    public static final class Provider implements OptimizerKind {
        @Override public String name() { return NAME; }
        @Override public String doc() { return "Adam and AMSGrad as torch.optim.Adam (Kingma & Ba 2015, arXiv:1412.6980)"; }
        @Override public Class<? extends Record> config() { return AdamSpec.class; }
        @Override public OptimizerSpec parse(Node n) { return AdamSpec.parse(n); }
    }
}
