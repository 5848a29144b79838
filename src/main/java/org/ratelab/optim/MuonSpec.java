package org.ratelab.optim;

import java.util.List;
import java.util.Map;
import org.ratelab.spec.Canon;
import org.ratelab.spec.Node;

/**
 * Muon, MomentUm Orthogonalized by Newton–Schulz (Jordan, Jin, Boza, You, Cesista, Newhouse &amp; Bernstein 2024,
 * kellerjordan.github.io/posts/muon), as the reference github.com/KellerJordan/Muon, muon.py at
 * 857d1adc159e098212f828d927460782d3da59e9 ({@code muon_update}, {@code zeropower_via_newtonschulz5},
 * {@code SingleDeviceMuonWithAuxAdam}), in float64 where the reference iterates in bfloat16.
 *
 * <p>For each trainable matrix block W (rows, cols ≥ 2; the layout is {@link Oracle#blocks()}) with gradient
 * G: m ← β m + (1−β) G; U = (1−β) G + β m (Nesterov, the default) or U = m; then the quintic Newton–Schulz
 * iteration on X = U/(‖U‖_F + 10⁻⁷), transposed first when rows &gt; cols: ns_steps times A = XXᵀ,
 * X ← aX + (bA + cA²)X with (a, b, c) = (3.4445, −4.7750, 2.0315), transposed back; U' = X·max(1, rows/cols)^½;
 * W ← W(1 − ηλ) − ηU'. Every other coordinate (biases, 1 × m and m × 1 blocks, and every coordinate of a model
 * without a layout) takes the {@code fallback}: {@code adamw} (default: the reference's auxiliary Adam, with
 * its defaults lr 3e-4, betas (0.9, 0.95), eps 1e-10: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
 * θ ← θ(1 − ηλ) − η (m/(1−β₁ᵗ))/(√(v/(1−β₂ᵗ)) + ε)) or {@code sgd} (torch.optim.SGD: g ← g + λθ,
 * b ← μb + g (b₁ = g₁), Nesterov g + μb, θ ← θ − ηg). A frozen block is left alone. The momentum averages
 * are torch's lerp, as the reference writes them. The {@code schedule} multiplies both step sizes. Costs B (or n)
 * per-sample gradients per step.
 */
public record MuonSpec(double lr, double momentum, boolean nesterov, int nsSteps, double weightDecay,
                       int batchSize, String sampling, Schedule schedule, Fallback fallback) implements OptimizerSpec {
    public static final String NAME = "muon";
    static final double NS_A = 3.4445;
    static final double NS_B = -4.7750;
    static final double NS_C = 2.0315;
    static final double NS_EPS = 1e-7;
    static final List<String> FALLBACKS = List.of(AdamwFallback.NAME, SgdFallback.NAME);

    /** The method for vector-shaped coordinates: its {@code fallback:} section. */
    public sealed interface Fallback extends java.io.Serializable permits AdamwFallback, SgdFallback {
        String name();
    }

    /** The reference's auxiliary Adam with decoupled weight decay (its keys named as torch's AdamW's). */
    public record AdamwFallback(double lr, double beta1, double beta2, double eps, double weightDecay)
            implements Fallback {
        static final String NAME = "adamw";
        @Override public String name() { return NAME; }
    }

    /** torch.optim.SGD with momentum (no dampening) and coupled weight decay. */
    public record SgdFallback(double lr, double momentum, boolean nesterov, double weightDecay) implements Fallback {
        static final String NAME = "sgd";
        @Override public String name() { return NAME; }
    }

    static MuonSpec parse(Node n) {
        double lr = n.positive("lr", 0.02);
        double momentum = n.dbl("momentum", 0.95, 0.0, 1.0, false);
        boolean nesterov = n.bool("nesterov", true);
        int nsSteps = n.integer("ns_steps", 5, 0, 100);
        double wd = n.nonNegative("weight_decay", 0.0);
        int batch = Gradients.batchSize(n, 0);
        String sampling = Gradients.sampling(n);
        Schedule schedule = Schedule.parse(n.child("schedule"));
        Node f = n.child("fallback");
        String name = f.choice("name", AdamwFallback.NAME, FALLBACKS);
        Fallback fallback = null;
        if (f.describing() || name.equals(AdamwFallback.NAME)) {
            fallback = new AdamwFallback(f.positive("lr", 3e-4), AdamSpec.below1(f, "beta1", 0.9),
                    AdamSpec.below1(f, "beta2", 0.95), f.positive("eps", 1e-10), f.nonNegative("weight_decay", 0.0));
        }
        if (f.describing() || name.equals(SgdFallback.NAME)) {
            SgdFallback s = new SgdFallback(f.positive("lr", 3e-4), f.dbl("momentum", 0.0, 0.0, 1.0, false),
                    f.bool("nesterov", false), f.nonNegative("weight_decay", 0.0));
            if (s.nesterov && s.momentum == 0) throw f.error("nesterov", "Nesterov momentum requires momentum > 0");
            if (fallback == null) fallback = s;
        }
        f.done();
        return new MuonSpec(lr, momentum, nesterov, nsSteps, wd, batch, sampling, schedule, fallback);
    }

    @Override public String name() { return NAME; }

    /** {@code fallback} as a section with its {@code name}. */
    @Override
    public Map<String, Object> canonical() {
        Map<String, Object> out = Canon.of(this, "name", NAME);
        out.put("fallback", Canon.of((Record) fallback, "name", fallback.name()));
        return out;
    }

    @Override
    public Optimizer instantiate(int dim, int n, double lrScale) {
        return new Muon(this, dim, n, lrScale);
    }

    /** Per-run state: gradient, momentum and fallback buffers, the Newton–Schulz workspace (each ≤ dim). */
    static final class Muon implements Optimizer {
        private static final byte FALLBACK = 0;
        private static final byte MATRIX = 1;
        private static final byte FROZEN = 2;

        private final MuonSpec c;
        private final double lrScale;
        private final Gradients source;
        private final double[] g;
        private final double[] mom;       // Muon's momentum on matrix blocks
        private final double[] m1;        // fallback: Adam's first moment, or SGD's momentum buffer
        private final double[] v;         // fallback: Adam's second moment
        private final double[] x;         // Newton–Schulz iterate (r × c, r ≤ c): min(r,c)·max(r,c) ≤ dim
        private final double[] a;         // XXᵀ, r × r ≤ dim
        private final double[] b;         // bA + cA², r × r
        private final double[] t;         // BX, r × c
        private final byte[] role;
        private List<Block> laidOut;

        Muon(MuonSpec c, int dim, int n, double lrScale) {
            this.c = c;
            this.lrScale = lrScale;
            this.source = new Gradients(dim, n, c.batchSize, c.sampling, Noise.NONE);
            this.g = new double[dim];
            this.mom = new double[dim];
            this.m1 = new double[dim];
            this.v = c.fallback instanceof AdamwFallback ? new double[dim] : null;
            this.x = new double[dim];
            this.a = new double[dim];
            this.b = new double[dim];
            this.t = new double[dim];
            this.role = new byte[dim];
        }

        @Override public boolean fullGradientAtIterate() { return source.full(); }

        @Override
        public void step(long k, double[] theta, Oracle oracle) {
            source.grad(theta, oracle, g);
            List<Block> blocks = oracle.blocks();
            if (blocks != laidOut) layOut(blocks);
            double factor = lrScale * c.schedule.factor(k, source.batch());
            double eta = c.lr * factor;
            for (int i = 0; i < blocks.size(); i++) {
                Block blk = blocks.get(i);
                if (blk.trainable() && blk.matrix()) matrixStep(blk, theta, eta);
            }
            if (c.fallback instanceof AdamwFallback f) adamw(f, k, theta, f.lr * factor);
            else sgd((SgdFallback) c.fallback, k, theta, ((SgdFallback) c.fallback).lr * factor);
        }

        /** Which method each coordinate takes; again only when the oracle hands another layout. */
        private void layOut(List<Block> blocks) {
            java.util.Arrays.fill(role, FALLBACK);
            for (int i = 0; i < blocks.size(); i++) {
                Block blk = blocks.get(i);
                if (blk.offset() + blk.length() > role.length) {
                    throw new IllegalArgumentException("block " + blk + " exceeds dim=" + role.length);
                }
                byte r = !blk.trainable() ? FROZEN : blk.matrix() ? MATRIX : FALLBACK;
                java.util.Arrays.fill(role, blk.offset(), blk.offset() + blk.length(), r);
            }
            laidOut = blocks;
        }

        /** torch's lerp: start + w(end − start) for w &lt; ½, else end − (end − start)(1 − w). */
        static double lerp(double start, double end, double w) {
            return w < 0.5 ? start + w * (end - start) : end - (end - start) * (1 - w);
        }

        private void matrixStep(Block blk, double[] theta, double eta) {
            int off = blk.offset();
            int rows = blk.rows();
            int cols = blk.cols();
            int len = blk.length();
            double beta = c.momentum;
            // momentum.lerp_(grad, 1 − β); update = grad.lerp_(momentum, β) (Nesterov) or momentum
            double sq = 0;
            for (int i = 0; i < len; i++) {
                mom[off + i] = lerp(mom[off + i], g[off + i], 1 - beta);
                double u = c.nesterov ? lerp(g[off + i], mom[off + i], beta) : mom[off + i];
                g[off + i] = u;
                sq += u * u;
            }
            boolean tall = rows > cols;
            int r = tall ? cols : rows;   // X is r × q, r ≤ q
            int q = tall ? rows : cols;
            double norm = Math.sqrt(sq) + NS_EPS;
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    double u = g[off + i * cols + j] / norm;
                    if (tall) x[j * q + i] = u;
                    else x[i * q + j] = u;
                }
            }
            for (int s = 0; s < c.nsSteps; s++) {
                // A = X Xᵀ (r × r)
                for (int i = 0; i < r; i++) {
                    for (int j = 0; j < r; j++) {
                        double acc = 0;
                        for (int l = 0; l < q; l++) acc += x[i * q + l] * x[j * q + l];
                        a[i * r + j] = acc;
                    }
                }
                // B = bA + c(A A)
                for (int i = 0; i < r; i++) {
                    for (int j = 0; j < r; j++) {
                        double acc = 0;
                        for (int l = 0; l < r; l++) acc += a[i * r + l] * a[l * r + j];
                        b[i * r + j] = NS_B * a[i * r + j] + NS_C * acc;
                    }
                }
                // X = aX + B X
                for (int i = 0; i < r; i++) {
                    for (int j = 0; j < q; j++) {
                        double acc = 0;
                        for (int l = 0; l < r; l++) acc += b[i * r + l] * x[l * q + j];
                        t[i * q + j] = NS_A * x[i * q + j] + acc;
                    }
                }
                System.arraycopy(t, 0, x, 0, r * q);
            }
            double shape = Math.sqrt(Math.max(1.0, (double) rows / cols));
            double decay = 1 - eta * c.weightDecay;
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    double u = (tall ? x[j * q + i] : x[i * q + j]) * shape;
                    int p = off + i * cols + j;
                    theta[p] *= decay;
                    theta[p] += -eta * u;
                }
            }
        }

        /** The reference's adam_update with decoupled weight decay, on the fallback coordinates. */
        private void adamw(AdamwFallback f, long k, double[] theta, double eta) {
            double step = k + 1;
            double bc1 = 1 - Math.pow(f.beta1, step);
            double bc2 = 1 - Math.pow(f.beta2, step);
            double decay = 1 - eta * f.weightDecay;
            for (int i = 0; i < theta.length; i++) {
                if (role[i] != FALLBACK) continue;
                double gi = g[i];
                m1[i] = lerp(m1[i], gi, 1 - f.beta1);
                v[i] = lerp(v[i], gi * gi, 1 - f.beta2);
                double u = (m1[i] / bc1) / (Math.sqrt(v[i] / bc2) + f.eps);
                theta[i] *= decay;
                theta[i] += -eta * u;
            }
        }

        /** torch.optim.SGD (no dampening) on the fallback coordinates. */
        private void sgd(SgdFallback f, long k, double[] theta, double eta) {
            for (int i = 0; i < theta.length; i++) {
                if (role[i] != FALLBACK) continue;
                double gi = g[i] + f.weightDecay * theta[i];
                if (f.momentum != 0) {
                    m1[i] = k == 0 ? gi : f.momentum * m1[i] + gi;
                    gi = f.nesterov ? gi + f.momentum * m1[i] : m1[i];
                }
                theta[i] -= eta * gi;
            }
        }
    }

    /** Registers {@code MuonSpec} (META-INF/services/org.ratelab.optim.OptimizerKind). */
    public static final class Provider implements OptimizerKind {
        @Override public String name() { return NAME; }
        @Override public String doc() {
            return "Muon, momentum orthogonalized by Newton-Schulz on matrix blocks, fallback adamw or sgd on the"
                    + " rest (Jordan et al. 2024, kellerjordan.github.io/posts/muon)";
        }
        @Override public Class<? extends Record> config() { return MuonSpec.class; }
        @Override public OptimizerSpec parse(Node n) { return MuonSpec.parse(n); }
    }
}
