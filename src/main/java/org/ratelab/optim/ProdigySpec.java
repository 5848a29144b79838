package org.ratelab.optim;

import org.ratelab.spec.Node;

/**
 * Prodigy (Mishchenko &amp; Defazio 2023, "Prodigy: An Expeditiously Adaptive Parameter-Free Learner", ICML
 * 2024, arXiv:2306.06101): Adam whose step size d is estimated on the fly, exactly as the official
 * {@code Prodigy} (konstmish/prodigy, prodigyopt/prodigy.py, commit 3efb213; one parameter group, slice_p 1,
 * no FSDP). Step k (from 0, counting the steps that updated), d₀ = d0, β₃ = beta3 (√β₂ when not given),
 * γ = lr·schedule, g = ∇f(θ) (+ λθ when weight decay is coupled, decouple false):
 * <pre>
 *   bc = √(1−β₂^{k+1})/(1−β₁^{k+1}) with use_bias_correction, else 1;   dlr = d·γ·bc
 *   r ← β₃r + (d/d₀)·dlr·⟨g, θ₀ − θ⟩
 *   m ← β₁m + d(1−β₁)g;   v ← β₂v + d²(1−β₂)g²
 *   s ← β₃s + (d/d₀)·dlr·g   (safeguard_warmup: (d/d₀)·d·g)
 *   if ‖s‖₁ = 0: stop here (θ, d, r and k unchanged; m, v, s as updated)
 *   d̂ = d_coef·r/‖s‖₁;   d ← max(d, d̂) if d = d₀;   d_max ← max(d_max, d̂);   d ← min(d_max, d·growth_rate)
 *   θ ← θ − λ·dlr·θ   (decouple, the default)
 *   θ ← θ − dlr·m/(√v + d·ε)   (β₁ = 0: θ ← θ − dlr·d·g/(√v + d·ε))
 * </pre>
 * with the new d in the last two lines and the old one (that of dlr) before. Defaults are the official ones
 * (lr 1, beta1 0.9, beta2 0.999, beta3 √beta2, eps 1e-8, weight_decay 0, decouple true, use_bias_correction
 * false, safeguard_warmup false, d0 1e-6, d_coef 1, growth_rate unbounded). A NaN is not masked: where
 * Python's max(d, NaN) would keep d, the NaN reaches d and θ. Costs B (or n) per-sample gradients per step.
 *
 * <p>Effective lr (the probe's η_i): dlr·d/(√v_i + d·ε), the factor of g_i (β₁ = 0) or of m_i/d, the moving
 * average of the gradient that m holds scaled by d.
 *
 * @param beta3      β₃, resolved: √beta2 when the spec does not give it
 * @param growthRate the bound on d's growth per step; null (key absent or null) for none, the official inf
 */
public record ProdigySpec(double lr, double beta1, double beta2, double beta3, double eps, double weightDecay,
                          boolean decouple, boolean useBiasCorrection, boolean safeguardWarmup, double d0,
                          double dCoef, Double growthRate, int batchSize, String sampling, Schedule schedule,
                          Noise noise) implements OptimizerSpec {
    public static final String NAME = "prodigy";

    static ProdigySpec parse(Node n) {
        double lr = n.positive("lr", 1.0);
        double beta1 = AdamSpec.below1(n, "beta1", 0.9);
        double beta2 = AdamSpec.below1(n, "beta2", 0.999);
        double beta3 = n.optional("beta3") ? n.dbl("beta3", Double.NaN, 0.0, 1.0, false) : Math.sqrt(beta2);
        double eps = n.positive("eps", 1e-8);
        double weightDecay = n.nonNegative("weight_decay", 0.0);
        boolean decouple = n.bool("decouple", true);
        boolean useBiasCorrection = n.bool("use_bias_correction", false);
        boolean safeguardWarmup = n.bool("safeguard_warmup", false);
        double d0 = n.positive("d0", 1e-6);
        double dCoef = n.positive("d_coef", 1.0);
        Double growthRate = n.optional("growth_rate") ? n.positive("growth_rate", Double.NaN) : null;
        n.skip("growth_rate");   // growth_rate: null (the canonical form of "none") is accepted
        return new ProdigySpec(lr, beta1, beta2, beta3, eps, weightDecay, decouple, useBiasCorrection,
                safeguardWarmup, d0, dCoef, growthRate, Gradients.batchSize(n, 0), Gradients.sampling(n),
                Schedule.parse(n.child("schedule")), Noise.parse(n.child("noise")));
    }

    public ProdigySpec {
        AdamSpec.checkBetas("prodigy", beta1, beta2);
        if (!(beta3 >= 0 && beta3 <= 1)) throw new IllegalArgumentException("prodigy beta3 must be in [0, 1], got " + beta3);
        if (!(d0 > 0) || !(eps > 0)) throw new IllegalArgumentException("prodigy d0 and eps must be > 0, got " + d0 + ", " + eps);
    }

    @Override public String name() { return NAME; }

    @Override
    public Optimizer instantiate(int dim, int n, double lrScale) {
        return new Prodigy(this, dim, n, lrScale);
    }

    /** Per-run state: the gradient, θ₀, s, m, v (allocated up front) and the scalars d, d_max, r, k. */
    static final class Prodigy implements AdaptiveStep.Optimizer {
        private final ProdigySpec c;
        private final double lrScale;
        private final double growth;
        private final Gradients source;
        private final double[] g;
        private final double[] p0;
        private final double[] s;
        private final double[] m;
        private final double[] v;
        private double d;
        private double dMax;
        private double dNumerator;
        private long k;               // the official group['k']: steps that updated θ
        private boolean started;      // θ₀ taken (the official state initialization)
        private double lastDlr = Double.NaN;
        private double lastD = Double.NaN;

        Prodigy(ProdigySpec c, int dim, int n, double lrScale) {
            this.c = c;
            this.lrScale = lrScale;
            this.growth = c.growthRate == null ? Double.POSITIVE_INFINITY : c.growthRate;
            this.source = new Gradients(dim, n, c.batchSize, c.sampling, c.noise);
            this.g = new double[dim];
            this.p0 = new double[dim];
            this.s = new double[dim];
            this.m = new double[dim];
            this.v = new double[dim];
            this.d = c.d0;
            this.dMax = c.d0;
        }

        @Override public boolean fullGradientAtIterate() { return source.full(); }

        /** The current step-size estimate d. */
        double d() { return d; }

        @Override
        public void step(long step, double[] theta, Oracle oracle) {
            source.grad(theta, oracle, g);
            int dim = g.length;
            double beta1 = c.beta1;
            double beta2 = c.beta2;
            double beta3 = c.beta3;
            double lr = c.lr * lrScale * c.schedule.factor(step, source.batch());
            double bc = c.useBiasCorrection ? Math.pow(1 - Math.pow(beta2, k + 1), 0.5) / (1 - Math.pow(beta1, k + 1)) : 1;
            double dlr = d * lr * bc;
            double dNum = dNumerator * beta3;
            boolean coupled = c.weightDecay != 0 && !c.decouple;
            if (!started) {
                System.arraycopy(theta, 0, p0, 0, dim);
                started = true;
            }
            double dot = 0;
            for (int i = 0; i < dim; i++) {
                if (coupled) g[i] = g[i] + c.weightDecay * theta[i];
                dot += g[i] * (p0[i] - theta[i]);
            }
            double deltaNumerator = (d / c.d0) * dlr * dot;
            double mCoef = d * (1 - beta1);
            double vCoef = d * d * (1 - beta2);
            double sCoef = c.safeguardWarmup ? (d / c.d0) * d : (d / c.d0) * dlr;
            double dDenom = 0;
            for (int i = 0; i < dim; i++) {
                double gi = g[i];
                if (beta1 > 0) m[i] = m[i] * beta1 + mCoef * gi;
                v[i] = v[i] * beta2 + vCoef * gi * gi;
                s[i] = s[i] * beta3 + sCoef * gi;
                dDenom += Math.abs(s[i]);
            }
            if (dDenom == 0) return;   // no progress yet (every gradient so far zero): as the official code
            double globalNumerator = dNum + deltaNumerator;
            double dHat = c.dCoef * globalNumerator / dDenom;
            if (d == c.d0) d = Math.max(d, dHat);
            dMax = Math.max(dMax, dHat);
            d = Math.min(dMax, d * growth);
            dNumerator = globalNumerator;
            double epsD = d * c.eps;
            double decay = -c.weightDecay * dlr;
            double gStep = -dlr * d;
            for (int i = 0; i < dim; i++) {
                double denom = Math.sqrt(v[i]) + epsD;
                if (c.weightDecay != 0 && c.decouple) theta[i] = theta[i] + decay * theta[i];
                if (beta1 > 0) theta[i] = theta[i] + -dlr * (m[i] / denom);
                else theta[i] = theta[i] + gStep * (g[i] / denom);
            }
            lastDlr = dlr;
            lastD = d;
            k++;
        }

        /** η_i = dlr·d/(√v_i + d·ε): the factor of g_i (β₁ = 0) or of m_i/d. */
        @Override
        public boolean effectiveLr(double[] out) {
            if (Double.isNaN(lastDlr)) return false;
            for (int i = 0; i < out.length; i++) out[i] = lastDlr * lastD / (Math.sqrt(v[i]) + lastD * c.eps);
            return true;
        }
    }

    /** Registers {@code ProdigySpec} (META-INF/services/org.ratelab.optim.OptimizerKind). */
    public static final class Provider implements OptimizerKind {
        @Override public String name() { return NAME; }
        @Override public String doc() {
            return "Prodigy, Adam with a parameter-free step size d, as konstmish/prodigy (Mishchenko & Defazio 2023,"
                    + " arXiv:2306.06101)";
        }
        @Override public Class<? extends Record> config() { return ProdigySpec.class; }
        @Override public OptimizerSpec parse(Node n) { return ProdigySpec.parse(n); }
    }
}
