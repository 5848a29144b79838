package org.ratelab.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import org.ratelab.data.Dataset;
import org.ratelab.linalg.Blas;
import org.ratelab.linalg.Kernels;
import org.ratelab.model.MlpConfig.Activation;
import org.ratelab.model.MlpConfig.Init;
import org.ratelab.model.MlpConfig.Loss;
import org.ratelab.model.MlpConfig.Parameterization;

/**
 * The per-run engine behind {@link TwoLayerSpec} and {@link MlpSpec}: a fully connected network of depth L,
 * z_l = s_l W_l a_{l−1} + t_l b_l, a_l = σ(z_l) (l &lt; L), h(x) = z_L, with square loss
 * F = (1/n) Σ (y_i − h(x_i))² or, for labels ±1, logistic loss F = (1/n) Σ log(1 + e^{−y_i h(x_i)}).
 *
 * <p>Multipliers s_l, t_l encode the parameterization: {@code standard} s = t = 1 with fan-in
 * initialization W ~ N(0, σ_w²/fan_in) and zero biases; {@code ntk} (Jacot, Gabriel &amp; Hongler 2018)
 * s_l = σ_w/√fan_in, t = σ_b with all parameters N(0, 1); {@code meanfield} (Chizat &amp; Bach 2018; Mei,
 * Montanari &amp; Nguyen 2018) as ntk except s_L = σ_w/m and every step size × m. The output scale α
 * (Chizat, Oyallon &amp; Bach 2019) multiplies s_L and t_L. Chatterjee's initialization (Chatterjee 2022,
 * arXiv:2203.16462; An &amp; Lu, seed 004 App. A): W_1 = 0, all biases 0, later layers positive,
 * uniform on [c/fan_in, 2c/fan_in].
 *
 * <p>Exact derivatives: gradient by backpropagation, Hessian-vector product by Pearlmutter's R-operator
 * (forward R-pass then R-backward, Pearlmutter 1994), per-sample Jacobian rows by one backward pass per
 * sample. All products over the batch are level-3 GEMMs on flat column-major buffers allocated once for the
 * largest batch (the R-pass buffers on the first {@link #hvp} call); nothing is allocated per call after that.
 *
 * <p>Layout: layer l's W_l is stored row-major d_l x d_{l−1} (row j is neuron j's incoming weights, i.e. the
 * column-major d_{l−1} x d_l matrix W_lᵀ), followed by b_l when biased.
 */
final class Mlp implements Model {
    static final List<String> ACTIVATIONS = MlpConfig.labels(Activation.values());

    private final Dataset data;
    private final int n;
    private final int depth;
    private final int[] widths;     // widths[0] = d, widths[depth] = 1
    private final int[] offW;       // per layer 1..depth (index l)
    private final int[] offB;       // -1 when unbiased
    private final double[] wMul;
    private final double[] bMul;
    private final boolean[] trainable;
    private final boolean bias;
    private final int dim;
    private final Activation act;
    private final Parameterization parameterization;
    private final Init init;
    private final double sigmaW;
    private final double initScale;
    private final double lrScale;
    private final boolean paired;   // antisymmetric init: readout summed pair by pair
    private final boolean logistic; // loss: logistic (labels ±1) instead of square
    private final String[] names;
    // buffers (column-major d_l x rows)
    private final double[][] a;     // a[l], l = 1..depth-1 (a[0] is the input)
    private double[][] rz;          // R{z_l}   (R-pass buffers: allocated on the first hvp call)
    private double[][] ra;          // R{a_l}
    private final double[] out;
    private double[] rout;
    private final double[] d0;
    private final double[] d1;
    private double[] rd0;
    private double[] rd1;
    private double[] e;
    private double[] re;
    private final int maxRows;
    private final int maxWidth;
    private final double[] batchX;
    private final double[] vbuf;
    private final int kact;         // Kernels activation code, or -1 (softplus: plain loops)
    private final double[] bsc;     // s-scaled bias of the layer being activated (maxWidth)
    // depth 2 fused step (lossGradFused): scaled readout weights and the gradient accumulators, width m each
    private final double[] w2s;
    private final double[] g2acc;
    private final double[] gb1acc;

    /** dim of a depth-L network of hidden width m on d inputs: Σ_l fan_in·fan_out (+ fan_out with biases). */
    static double parameters(int depth, int width, double d, boolean bias) {
        double p = d * width + (double) (depth - 2) * width * width + width;
        return bias ? p + (double) (depth - 1) * width + 1 : p;
    }

    /**
     * The arrays of the constructor, as the planner's memory estimate sees them (rows = max(n, test_n), one
     * activation buffer width x rows per hidden layer, two of max(width, d) x rows, the n x d batch), and the
     * R-pass buffers of {@link #allocateRPass()} when the run takes Hessian-vector products.
     */
    static List<ModelSpec.Buffer> buffers(int depth, int width, double n, double nTest, double d, boolean hvp) {
        double rows = Math.max(n, nTest);
        double maxW = Math.max(width, d);
        String act = "activations model.width x max(data.n, data.test_n) = " + width + " x " + (long) rows;
        String wide = "buffers max(model.width, data.d) x max(data.n, data.test_n) = " + (long) maxW + " x "
                + (long) rows;
        String key = width >= d ? "model.width" : "data.d";
        List<ModelSpec.Buffer> out = new ArrayList<>();
        out.add(new ModelSpec.Buffer("model.width", act, (double) width * rows));
        if (depth > 2) out.add(new ModelSpec.Buffer("model.width", act, (double) width * rows, depth - 2));
        out.add(new ModelSpec.Buffer(key, wide, maxW * rows, 2));
        out.add(new ModelSpec.Buffer("data.d", "the batch copy data.n x data.d = " + (long) n + " x " + (long) d, n * d));
        if (hvp) {
            out.add(new ModelSpec.Buffer("model.width", "Hessian-vector products: " + act, (double) width * rows,
                    2 * (depth - 1)));
            out.add(new ModelSpec.Buffer(key, "Hessian-vector products: " + wide, maxW * rows, 4));
        }
        return out;
    }

    Mlp(Dataset data, MlpConfig c) {
        int depth = c.depth();
        int width = c.width();
        this.data = data;
        this.n = data.n();
        this.depth = depth;
        this.bias = c.bias();
        this.trainable = c.trainable();
        this.act = c.activation();
        this.parameterization = c.parameterization();
        this.init = c.init();
        this.sigmaW = c.sigmaW();
        this.initScale = c.initScale();
        this.logistic = c.loss() == Loss.LOGISTIC;
        if (logistic) Labels.requireSigns(data, "loss logistic");
        this.paired = init == Init.ANTISYMMETRIC && depth >= 2;
        widths = new int[depth + 1];
        widths[0] = data.d();
        for (int l = 1; l < depth; l++) widths[l] = width;
        widths[depth] = 1;
        offW = new int[depth + 1];
        offB = new int[depth + 1];
        wMul = new double[depth + 1];
        bMul = new double[depth + 1];
        names = new String[2 * depth + 2];
        int off = 0;
        boolean std = parameterization == Parameterization.STANDARD;
        for (int l = 1; l <= depth; l++) {
            offW[l] = off;
            off += widths[l] * widths[l - 1];
            offB[l] = bias ? off : -1;
            if (bias) off += widths[l];
            double fanIn = widths[l - 1];
            if (std) {
                wMul[l] = 1.0;
                bMul[l] = 1.0;
            } else {
                boolean last = l == depth && depth > 1;
                double scaleDiv = last && parameterization == Parameterization.MEANFIELD ? fanIn : Math.sqrt(fanIn);
                wMul[l] = sigmaW / scaleDiv;
                bMul[l] = c.sigmaB();
            }
            if (c.twoLayerNames() && depth == 2) {
                names[2 * l] = l == 1 ? "W" : "a";
                names[2 * l + 1] = l == 1 ? "b" : "c";
            } else {
                names[2 * l] = "W" + l;
                names[2 * l + 1] = "b" + l;
            }
        }
        wMul[depth] *= c.outputScale();
        bMul[depth] *= c.outputScale();
        this.dim = off;
        this.lrScale = parameterization == Parameterization.MEANFIELD ? width : 1.0;
        int rows = Math.max(n, data.nTest());
        int maxW = 1;
        for (int w : widths) maxW = Math.max(maxW, w);
        a = new double[depth][];
        for (int l = 1; l < depth; l++) a[l] = new double[widths[l] * rows];
        out = new double[rows];
        d0 = new double[maxW * rows];
        d1 = new double[maxW * rows];
        maxRows = rows;
        maxWidth = maxW;
        batchX = new double[n * widths[0]];
        vbuf = new double[dim];
        kact = switch (act) {
            case TANH -> Kernels.TANH;
            case RELU -> Kernels.RELU;
            case SOFTPLUS -> -1;
            case IDENTITY -> Kernels.IDENTITY;
        };
        bsc = new double[maxW];
        boolean fused = depth == 2 && !paired && kact >= 0;
        w2s = fused ? new double[width] : null;
        g2acc = fused ? new double[width] : null;
        gb1acc = fused ? new double[width] : null;
    }

    @Override public int dim() { return dim; }
    @Override public int n() { return n; }
    @Override public double lrScale() { return lrScale; }

    @Override
    public List<ParamBlock> blocks() {
        List<ParamBlock> b = new ArrayList<>();
        for (int l = 1; l <= depth; l++) {
            b.add(new ParamBlock(names[2 * l], offW[l], widths[l] * widths[l - 1], trainable[l - 1], widths[l]));
            if (bias) b.add(new ParamBlock(names[2 * l + 1], offB[l], widths[l], trainable[l - 1]));
        }
        return b;
    }

    // ---------------------------------------------------------------- initialization

    @Override
    public void init(double[] theta, RandomGenerator rng) {
        Arrays.fill(theta, 0, dim, 0.0);
        boolean std = parameterization == Parameterization.STANDARD;
        if (init == Init.CHATTERJEE) {
            for (int l = 2; l <= depth; l++) {
                double lo = initScale / widths[l - 1];
                for (int k = 0; k < widths[l] * widths[l - 1]; k++) theta[offW[l] + k] = lo * (1 + rng.nextDouble());
            }
            return;  // W_1 = 0, all biases 0
        }
        for (int l = 1; l <= depth; l++) {
            double sd = std ? initScale * sigmaW / Math.sqrt(widths[l - 1]) : initScale;
            for (int k = 0; k < widths[l] * widths[l - 1]; k++) theta[offW[l] + k] = sd * rng.nextGaussian();
            if (bias && !std) {
                for (int j = 0; j < widths[l]; j++) theta[offB[l] + j] = initScale * rng.nextGaussian();
            }
        }
        if (paired) {
            // pair neuron j of the last hidden layer with j + m/2: same incoming weights, opposite output weight
            int l = depth - 1;
            int m = widths[l];
            int half = m / 2;
            int fan = widths[l - 1];
            for (int j = 0; j < half; j++) {
                System.arraycopy(theta, offW[l] + j * fan, theta, offW[l] + (j + half) * fan, fan);
                if (bias) theta[offB[l] + j + half] = theta[offB[l] + j];
                theta[offW[depth] + j + half] = -theta[offW[depth] + j];
            }
            if (bias) theta[offB[depth]] = 0.0;
        }
    }

    // ---------------------------------------------------------------- activations

    /** σ(z). */
    private double sigma(double z) {
        return switch (act) {
            case TANH -> Kernels.tanh(z);
            case RELU -> z > 0 ? z : 0.0;
            case SOFTPLUS -> z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
            case IDENTITY -> z;
        };
    }

    /** z[0..len) ← σ(z), one loop per activation (no per-element dispatch). */
    private void activate(double[] z, int len) {
        if (kact >= 0) {
            Kernels.activate(kact, z, 0, len);
        } else {
            for (int k = 0; k < len; k++) z[k] = sigma(z[k]);
        }
    }

    /** g[k] *= σ'(z_k) for k in [0, len), σ' read from the activations s[sOff + k]. */
    private void scaleByDerivative(double[] g, double[] s, int sOff, int len) {
        switch (act) {
            case TANH -> {
                for (int k = 0; k < len; k++) {
                    double v = s[sOff + k];
                    g[k] *= 1.0 - v * v;
                }
            }
            case RELU -> {
                for (int k = 0; k < len; k++) if (!(s[sOff + k] > 0)) g[k] = 0.0;
            }
            case SOFTPLUS -> {
                for (int k = 0; k < len; k++) g[k] *= -Math.expm1(-s[sOff + k]);
            }
            case IDENTITY -> { }
        }
    }

    /** σ'(z) from the activation value s = σ(z). */
    private double dSigma(double s) {
        return switch (act) {
            case TANH -> 1.0 - s * s;
            case RELU -> s > 0 ? 1.0 : 0.0;
            case SOFTPLUS -> -Math.expm1(-s);  // sigmoid(z) = 1 − exp(−softplus(z))
            case IDENTITY -> 1.0;
        };
    }

    /** σ''(z) from s = σ(z). */
    private double ddSigma(double s) {
        return switch (act) {
            case TANH -> -2.0 * s * (1.0 - s * s);
            case SOFTPLUS -> {
                double g = -Math.expm1(-s);
                yield g * (1.0 - g);
            }
            case RELU, IDENTITY -> 0.0;
        };
    }

    // ---------------------------------------------------------------- losses

    /** ℓ(h, y): square (y − h)², or logistic log(1 + e^{−yh}) for labels ±1. */
    private double pointLoss(double h, double y) {
        if (!logistic) return (h - y) * (h - y);
        double t = -y * h;
        return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
    }

    /** ∂ℓ/∂h. */
    private double dLoss(double h, double y) {
        return logistic ? -y * sigmoid(-y * h) : 2.0 * (h - y);
    }

    /** ∂²ℓ/∂h² (y² = 1 for logistic). */
    private double ddLoss(double h, double y) {
        return logistic ? sigmoid(y * h) * sigmoid(-y * h) : 2.0;
    }

    private static double sigmoid(double t) {
        return t >= 0 ? 1.0 / (1.0 + Math.exp(-t)) : Math.exp(t) / (1.0 + Math.exp(t));
    }

    // ---------------------------------------------------------------- passes

    private double[] inputs(int[] idx, int count) {
        if (idx == null) return data.x();
        int d = widths[0];
        if (count > n) throw new IllegalArgumentException("batch count=" + count + " > n=" + n);
        for (int i = 0; i < count; i++) System.arraycopy(data.x(), idx[i] * d, batchX, i * d, d);
        return batchX;
    }

    private double target(int[] idx, int i) {
        return data.y()[idx == null ? i : idx[i]];
    }

    /** Forward pass over rows inputs xs (column-major d x rows): fills a[1..L−1] and out. */
    private void forward(double[] theta, double[] xs, int rows) {
        double[] prev = xs;
        for (int l = 1; l <= depth; l++) {
            int fo = widths[l];
            int fi = widths[l - 1];
            double[] z = l == depth ? out : a[l];
            if (l == depth && paired) {
                pairedReadout(theta, prev, rows, fi);
            } else {
                Blas.gemm(true, false, fo, rows, fi, wMul[l], theta, offW[l], fi, prev, 0, fi, 0.0, z, 0, fo);
            }
            if (l < depth && kact >= 0) {
                // one pass per column: bias + activation
                double[] b = bias ? scaledBias(theta, l) : null;
                for (int i = 0; i < rows; i++) Kernels.biasActivateDot(kact, z, i * fo, fo, b, null);
            } else {
                if (bias) {
                    int ob = offB[l];
                    double bm = bMul[l];
                    for (int i = 0; i < rows; i++) {
                        int col = i * fo;
                        for (int j = 0; j < fo; j++) z[col + j] += bm * theta[ob + j];
                    }
                }
                if (l < depth) activate(z, fo * rows);
            }
            prev = z;
        }
    }

    /**
     * Readout of an antisymmetrically initialized network summed pair by pair, Σ_{j<m/2} (a_j σ_j + a_{j+m/2}
     * σ_{j+m/2}), so that each pair, and hence h, is exactly 0 at initialization (a GEMM's blocked summation
     * order would leave rounding residue of order 1e-17).
     */
    private void pairedReadout(double[] theta, double[] prev, int rows, int fi) {
        int half = fi / 2;
        int w = offW[depth];
        for (int i = 0; i < rows; i++) {
            int col = i * fi;
            double s = 0;
            for (int j = 0; j < half; j++) {
                s += theta[w + j] * prev[col + j] + theta[w + j + half] * prev[col + j + half];
            }
            if ((fi & 1) == 1) s += theta[w + fi - 1] * prev[col + fi - 1];
            out[i] = wMul[depth] * s;
        }
    }

    private double[] prevAct(double[] xs, int l) {
        return l == 1 ? xs : a[l - 1];
    }

    /**
     * Backpropagation of δ_L (in d0[0..rows), 1 x rows) over the columns col0..col0+rows of the forward
     * buffers; writes ∂/∂θ of Σ_i δ_L,i h_i into g[gOff..gOff+dim).
     */
    private void backward(double[] theta, double[] xs, int col0, int rows, double[] g, int gOff) {
        double[] dl = d0;
        double[] dn = d1;
        for (int l = depth; l >= 1; l--) {
            int fo = widths[l];
            int fi = widths[l - 1];
            double[] prev = prevAct(xs, l);
            Blas.gemm(false, true, fi, fo, rows, wMul[l], prev, col0 * fi, fi, dl, 0, fo, 0.0, g, gOff + offW[l], fi);
            if (bias) {
                int gb = gOff + offB[l];
                Arrays.fill(g, gb, gb + fo, 0.0);
                for (int i = 0; i < rows; i++) {
                    int col = i * fo;
                    for (int j = 0; j < fo; j++) g[gb + j] += dl[col + j];
                }
                for (int j = 0; j < fo; j++) g[gb + j] *= bMul[l];
            }
            if (l > 1) {
                Blas.gemm(false, false, fi, rows, fo, wMul[l], theta, offW[l], fi, dl, 0, fo, 0.0, dn, 0, fi);
                scaleByDerivative(dn, a[l - 1], col0 * fi, fi * rows);
                double[] t = dl;
                dl = dn;
                dn = t;
            }
        }
        for (int l = 1; l <= depth; l++) {
            if (!trainable[l - 1]) zeroLayer(g, gOff, l);
        }
    }

    private void zeroLayer(double[] g, int gOff, int l) {
        Arrays.fill(g, gOff + offW[l], gOff + offW[l] + widths[l] * widths[l - 1], 0.0);
        if (bias) Arrays.fill(g, gOff + offB[l], gOff + offB[l] + widths[l], 0.0);
    }

    /** bsc[0..fo) ← t_l b_l (the scaled bias of layer l). */
    private double[] scaledBias(double[] theta, int l) {
        int ob = offB[l];
        double bm = bMul[l];
        for (int j = 0; j < widths[l]; j++) bsc[j] = bm * theta[ob + j];
        return bsc;
    }

    /**
     * Samples per block of the fused step: the block's width x rows activations (≈ 2 MB) stay in cache between
     * the forward and backward passes, and the backward GEMM still reduces over ≥ 64 samples.
     */
    private static int blockRows(int m, int rows) {
        return Math.min(rows, Math.max(64, (1 << 18) / m));
    }

    /**
     * The loss and gradient of a two-layer network (depth 2, tanh, relu or identity, readout not paired), one
     * block of samples at a time: Z = s₁ W₁ X_B (GEMM); per sample column, one pass for bias + activation +
     * readout h_i, and once ∂ℓ/∂h_i is known, one pass for the readout gradient, δ = s₂ a ∂ℓ/∂h σ' (written over
     * the activations) and the hidden bias gradient; then ∇W₁ += s₁ X_B δᵀ (GEMM). Same sums as
     * {@link #forward} + {@link #backward}, in another order. Allocates nothing.
     */
    private double lossGradFused(double[] theta, double[] xs, int[] idx, int rows, double[] g) {
        int d = widths[0];
        int m = widths[1];
        double[] z = a[1];
        double[] b = bias ? scaledBias(theta, 1) : null;
        double s2 = wMul[2];
        int ow2 = offW[2];
        for (int j = 0; j < m; j++) w2s[j] = s2 * theta[ow2 + j];
        double c = bias ? bMul[2] * theta[offB[2]] : 0.0;
        Arrays.fill(g2acc, 0.0);
        if (bias) Arrays.fill(gb1acc, 0.0);
        double loss = 0;
        double gc = 0;
        int nb = blockRows(m, rows);
        for (int i0 = 0; i0 < rows; i0 += nb) {
            int cnt = Math.min(nb, rows - i0);
            Blas.gemm(true, false, m, cnt, d, wMul[1], theta, offW[1], d, xs, i0 * d, d, 0.0, z, 0, m);
            for (int i = 0; i < cnt; i++) {
                double h = Kernels.biasActivateDot(kact, z, i * m, m, b, w2s) + c;
                out[i0 + i] = h;
                double y = target(idx, i0 + i);
                loss += pointLoss(h, y);
                double dl = dLoss(h, y) / rows;
                gc += dl;
                Kernels.readoutBackward(kact, z, i * m, m, dl, w2s, g2acc, bias ? gb1acc : null);
            }
            Blas.gemm(false, true, d, m, cnt, wMul[1], xs, i0 * d, d, z, 0, m, i0 == 0 ? 0.0 : 1.0, g, offW[1], d);
        }
        for (int j = 0; j < m; j++) g[ow2 + j] = s2 * g2acc[j];
        if (bias) {
            int ob1 = offB[1];
            double t1 = bMul[1];
            for (int j = 0; j < m; j++) g[ob1 + j] = t1 * gb1acc[j];
            g[offB[2]] = bMul[2] * gc;
        }
        for (int l = 1; l <= depth; l++) {
            if (!trainable[l - 1]) zeroLayer(g, 0, l);
        }
        return loss / rows;
    }

    @Override
    public double lossGrad(double[] theta, int[] idx, int count, double[] grad) {
        int rows = idx == null ? n : count;
        double[] xs = inputs(idx, count);
        if (w2s != null) return lossGradFused(theta, xs, idx, rows, grad);
        forward(theta, xs, rows);
        double loss = 0;
        for (int i = 0; i < rows; i++) {
            double y = target(idx, i);
            loss += pointLoss(out[i], y);
            d0[i] = dLoss(out[i], y) / rows;
        }
        backward(theta, xs, 0, rows, grad, 0);
        return loss / rows;
    }

    @Override
    public double loss(double[] theta, int[] idx, int count) {
        int rows = idx == null ? n : count;
        forward(theta, inputs(idx, count), rows);
        double loss = 0;
        for (int i = 0; i < rows; i++) loss += pointLoss(out[i], target(idx, i));
        return loss / rows;
    }

    @Override
    public double testLoss(double[] theta) {
        int t = data.nTest();
        if (t == 0) return Double.NaN;
        forward(theta, data.xTest(), t);
        double loss = 0;
        for (int i = 0; i < t; i++) loss += pointLoss(out[i], data.yTest()[i]);
        return loss / t;
    }

    @Override
    public void outputs(double[] theta, int[] idx, int count, double[] dst) {
        int rows = idx == null ? n : count;
        forward(theta, inputs(idx, count), rows);
        System.arraycopy(out, 0, dst, 0, rows);
    }

    @Override
    public void jacobian(double[] theta, int[] idx, int count, double[] dst) {
        int rows = idx == null ? n : count;
        if (dst.length < (long) rows * dim) {
            throw new IllegalArgumentException("jacobian: out.length=" + dst.length + " < rows*dim=" + rows + "*" + dim);
        }
        double[] xs = inputs(idx, count);
        forward(theta, xs, rows);
        for (int r = 0; r < rows; r++) {
            d0[0] = 1.0;
            backward(theta, xs, r, 1, dst, r * dim);
        }
    }

    /**
     * The R-pass buffers, once per instance: a probe that never asks for a Hessian-vector product (most runs)
     * does not pay the 2L + 4 extra width x n buffers.
     */
    private void allocateRPass() {
        rz = new double[depth][];
        ra = new double[depth][];
        for (int l = 1; l < depth; l++) {
            rz[l] = new double[widths[l] * maxRows];
            ra[l] = new double[widths[l] * maxRows];
        }
        rout = new double[maxRows];
        rd0 = new double[maxWidth * maxRows];
        rd1 = new double[maxWidth * maxRows];
        e = new double[maxWidth * maxRows];
        re = new double[maxWidth * maxRows];
    }

    /**
     * Pearlmutter's R-operator: forward R-pass R{z_l} = s_l(V_l a_{l−1} + W_l R{a_{l−1}}) + t_l v_{b_l},
     * R{a_l} = σ'(z_l) R{z_l}; then the R-backward pass of δ_L = (2/rows) r with R{δ_L} = (2/rows) R{h}.
     */
    @Override
    public void hvp(double[] theta, int[] idx, int count, double[] v, double[] dst) {
        if (rz == null) allocateRPass();
        int rows = idx == null ? n : count;
        double[] xs = inputs(idx, count);
        System.arraycopy(v, 0, vbuf, 0, dim);
        for (int l = 1; l <= depth; l++) {
            if (!trainable[l - 1]) zeroLayer(vbuf, 0, l);
        }
        forward(theta, xs, rows);
        // R-forward
        for (int l = 1; l <= depth; l++) {
            int fo = widths[l];
            int fi = widths[l - 1];
            double[] z = l == depth ? rout : rz[l];
            double[] prev = prevAct(xs, l);
            Blas.gemm(true, false, fo, rows, fi, wMul[l], vbuf, offW[l], fi, prev, 0, fi, 0.0, z, 0, fo);
            if (l > 1) Blas.gemm(true, false, fo, rows, fi, wMul[l], theta, offW[l], fi, ra[l - 1], 0, fi, 1.0, z, 0, fo);
            if (bias) {
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < fo; j++) z[i * fo + j] += bMul[l] * vbuf[offB[l] + j];
                }
            }
            if (l < depth) {
                double[] al = a[l];
                double[] ral = ra[l];
                for (int k = 0; k < fo * rows; k++) ral[k] = dSigma(al[k]) * z[k];
            }
        }
        // R-backward
        double[] dl = d0;
        double[] dn = d1;
        double[] rdl = rd0;
        double[] rdn = rd1;
        for (int i = 0; i < rows; i++) {
            double y = target(idx, i);
            dl[i] = dLoss(out[i], y) / rows;
            rdl[i] = ddLoss(out[i], y) * rout[i] / rows;
        }
        for (int l = depth; l >= 1; l--) {
            int fo = widths[l];
            int fi = widths[l - 1];
            double[] prev = prevAct(xs, l);
            Blas.gemm(false, true, fi, fo, rows, wMul[l], prev, 0, fi, rdl, 0, fo, 0.0, dst, offW[l], fi);
            if (l > 1) Blas.gemm(false, true, fi, fo, rows, wMul[l], ra[l - 1], 0, fi, dl, 0, fo, 1.0, dst, offW[l], fi);
            if (bias) {
                int gb = offB[l];
                Arrays.fill(dst, gb, gb + fo, 0.0);
                for (int i = 0; i < rows; i++) {
                    int col = i * fo;
                    for (int j = 0; j < fo; j++) dst[gb + j] += rdl[col + j];
                }
                for (int j = 0; j < fo; j++) dst[gb + j] *= bMul[l];
            }
            if (l > 1) {
                Blas.gemm(false, false, fi, rows, fo, wMul[l], theta, offW[l], fi, dl, 0, fo, 0.0, e, 0, fi);
                Blas.gemm(false, false, fi, rows, fo, wMul[l], vbuf, offW[l], fi, dl, 0, fo, 0.0, re, 0, fi);
                Blas.gemm(false, false, fi, rows, fo, wMul[l], theta, offW[l], fi, rdl, 0, fo, 1.0, re, 0, fi);
                double[] ap = a[l - 1];
                double[] rzp = rz[l - 1];
                for (int k = 0; k < fi * rows; k++) {
                    double s = ap[k];
                    double ds = dSigma(s);
                    dn[k] = e[k] * ds;
                    rdn[k] = re[k] * ds + e[k] * ddSigma(s) * rzp[k];
                }
                double[] t = dl;
                dl = dn;
                dn = t;
                t = rdl;
                rdl = rdn;
                rdn = t;
            }
        }
        for (int l = 1; l <= depth; l++) {
            if (!trainable[l - 1]) zeroLayer(dst, 0, l);
        }
    }
}
