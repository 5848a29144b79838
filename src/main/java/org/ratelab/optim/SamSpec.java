package org.ratelab.optim;

import java.util.Map;
import java.util.random.RandomGenerator;
import org.ratelab.api.Registry;
import org.ratelab.spec.Canon;
import org.ratelab.spec.Node;

/**
 * Sharpness-Aware Minimization (Foret, Kleiner, Mobahi &amp; Neyshabur 2021, "Sharpness-Aware Minimization for
 * Efficiently Improving Generalization", ICLR, arXiv:2010.01412), around any registered optimizer, the
 * {@code base} section (a plug-in's too; default {@code {name: sgd}}, SGD's own defaults). Each gradient g = ∇L_B(θ) the base optimizer asks for (full or
 * minibatch B) is replaced by the gradient at the ascent point of the same batch:
 * e = ρ·g/(‖g‖ + 10⁻¹²), g_SAM = ∇L_B(θ + e); the base then makes its own update at θ with g_SAM (its
 * weight decay, momentum and moments at θ). Adaptive SAM (ASAM, Kwon, Kim, Park &amp; Choi 2021,
 * arXiv:2102.11600), {@code adaptive: true}: e = ρ·θ²⊙g/(‖|θ|⊙g‖ + 10⁻¹²). This is the official PyTorch
 * implementation's rule (github.com/davda54/sam, sam.py at 3c3afdbd71cff2462ec91c734b3d1170bd0f3707,
 * {@code first_step}/{@code second_step}, the 10⁻¹² included). Both gradients are counted: a step costs twice
 * the base's per-sample gradients. The base's injected noise, if any, is added to g_SAM only.
 */
public record SamSpec(double rho, boolean adaptive, OptimizerSpec base) implements OptimizerSpec {
    public static final String NAME = "sam";
    /** The official implementation's guard in the scale ρ/(‖g‖ + 10⁻¹²). */
    static final double NORM_EPS = 1e-12;

    static SamSpec parse(Node n) {
        double rho = n.nonNegative("rho", 0.05);
        boolean adaptive = n.bool("adaptive", false);
        if (n.declare("base", "optimizer section (any registered name, with its own keys)", "{name: sgd}")) {
            return new SamSpec(rho, adaptive, SgdSpec.parse(Node.describing("", new java.util.HashMap<>())));
        }
        Node base = n.has("base") ? n.child("base") : new Node(n.pathOf("base"), Map.of("name", SgdSpec.NAME));
        return new SamSpec(rho, adaptive, Optimizers.parse(base));
    }

    public SamSpec {
        if (base == null) throw new IllegalArgumentException("sam: base is required");
    }

    @Override public String name() { return NAME; }

    /** The base's step size. */
    @Override public double lr() { return base.lr(); }

    @Override public int batchSize() { return base.batchSize(); }

    @Override public String sampling() { return base.sampling(); }

    /** Two gradients per gradient of the base: at θ and at θ + e. */
    @Override public double gradientsPerStep(int n) { return 2 * base.gradientsPerStep(n); }

    /** {@code {name: sam, rho, adaptive, base: {name, ...}}}; a plug-in base keeps its {@code plugin} key. */
    @Override
    public Map<String, Object> canonical() {
        Map<String, Object> out = Canon.of(this, "name", NAME);
        out.put("base", Registry.withPlugin(base.canonical(), Optimizers.REGISTRY.get(base.name())));
        return out;
    }

    @Override
    public Optimizer instantiate(int dim, int n, double lrScale) {
        Ascent ascent = new Ascent(rho, adaptive, dim);
        Optimizer inner = base.instantiate(dim, n, lrScale);
        if (inner instanceof AdaptiveStep a) {
            return new AdaptiveStep.Optimizer() {
                @Override public void step(long k, double[] theta, Oracle oracle) { ascent.step(inner, k, theta, oracle); }
                @Override public boolean fullGradientAtIterate() { return inner.fullGradientAtIterate(); }
                @Override public boolean effectiveLr(double[] out) { return a.effectiveLr(out); }
            };
        }
        return new Optimizer() {
            @Override public void step(long k, double[] theta, Oracle oracle) { ascent.step(inner, k, theta, oracle); }
            @Override public boolean fullGradientAtIterate() { return inner.fullGradientAtIterate(); }
        };
    }

    /**
     * The oracle the base optimizer sees: each gradient request at θ (full or minibatch) is answered with
     * ∇L_B(θ + e(θ)) of the same batch, both evaluations counted by the run's oracle. Its buffers (the ascent
     * point) are allocated once per run.
     */
    static final class Ascent implements Oracle {
        private final double rho;
        private final boolean adaptive;
        private final double[] point;
        private Oracle inner;

        Ascent(double rho, boolean adaptive, int dim) {
            this.rho = rho;
            this.adaptive = adaptive;
            this.point = new double[dim];
        }

        void step(Optimizer base, long k, double[] theta, Oracle oracle) {
            inner = oracle;
            try {
                base.step(k, theta, this);
            } finally {
                inner = null;
            }
        }

        /**
         * Writes θ + e into the ascent point from g = ∇L_B(θ) (in grad): e = ρ·g/(‖g‖ + 10⁻¹²), or with
         * {@code adaptive} e = ρ·θ²⊙g/(‖|θ|⊙g‖ + 10⁻¹²).
         */
        private void ascend(double[] theta, double[] grad) {
            int dim = theta.length;
            double sq = 0;
            for (int i = 0; i < dim; i++) {
                double gi = adaptive ? Math.abs(theta[i]) * grad[i] : grad[i];
                sq += gi * gi;
            }
            double scale = rho / (Math.sqrt(sq) + NORM_EPS);
            for (int i = 0; i < dim; i++) {
                double w = adaptive ? theta[i] * theta[i] : 1.0;
                point[i] = theta[i] + w * grad[i] * scale;
            }
        }

        /** ∇F(θ + e) into grad (modified); returns F(θ), the loss at the base's iterate. Counts 2n. */
        @Override
        public double fullGrad(double[] theta, double[] grad) {
            double loss = inner.fullGrad(theta, grad);
            ascend(theta, grad);
            inner.fullGrad(point, grad);
            return loss;
        }

        /** ∇L_B(θ + e) into grad (modified), the same batch idx[0..count); returns L_B(θ). Counts 2·count. */
        @Override
        public double batchGrad(double[] theta, int[] idx, int count, double[] grad) {
            double loss = inner.batchGrad(theta, idx, count, grad);
            ascend(theta, grad);
            inner.batchGrad(point, idx, count, grad);
            return loss;
        }

        @Override public int dim() { return inner.dim(); }
        @Override public int n() { return inner.n(); }
        @Override public double fullLoss(double[] theta) { return inner.fullLoss(theta); }
        @Override public RandomGenerator rng() { return inner.rng(); }
        @Override public long calls() { return inner.calls(); }
        @Override public double l1Penalty() { return inner.l1Penalty(); }
        @Override public java.util.List<Block> blocks() { return inner.blocks(); }
    }

    /** Registers {@code SamSpec} (META-INF/services/org.ratelab.optim.OptimizerKind). */
    public static final class Provider implements OptimizerKind {
        @Override public String name() { return NAME; }
        @Override public String doc() {
            return "Sharpness-Aware Minimization around a base optimizer (Foret et al. 2021, arXiv:2010.01412; "
                    + "adaptive: ASAM, Kwon et al. 2021)";
        }
        @Override public Class<? extends Record> config() { return SamSpec.class; }
        @Override public OptimizerSpec parse(Node n) { return SamSpec.parse(n); }
    }
}
