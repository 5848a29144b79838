package org.ratelab.model;

import java.util.List;
import org.ratelab.data.DataSpec;
import org.ratelab.data.Dataset;
import org.ratelab.spec.Node;

/**
 * Two-layer network h(x) = α (s Σ_j a_j σ(z_j(x)) + t c), square loss F = (1/n) Σ (y_i − h(x_i))².
 *
 * <ul>
 *   <li>{@code standard}: z_j = w_j·x + b_j, fan-in initialization w ~ N(0, σ_w²/d), a ~ N(0, σ_w²/m),
 *       biases (b, and the output bias c) 0, s = t = 1.</li>
 *   <li>{@code ntk}: z_j = σ_w w_j·x/√d + σ_b b_j, s = σ_w/√m, t = σ_b, every parameter N(0, 1)
 *       (Jacot, Gabriel &amp; Hongler 2018). With these knobs the empirical NTK converges to the closed form of
 *       THEORY.md (Σ₁ = σ_w² x·x'/d + σ_b²).</li>
 *   <li>{@code meanfield}: as ntk but s = σ_w/m and every step size multiplied by m, so the dynamics have a
 *       width-independent limit (Chizat &amp; Bach 2018; Mei, Montanari &amp; Nguyen 2018).</li>
 * </ul>
 * α ({@code output_scale}) is the lazy-training knob of Chizat, Oyallon &amp; Bach (2019). {@code bias: true}
 * adds hidden biases b and an output bias c. {@code init: antisymmetric} pairs neuron j with j + m/2 (same w
 * and b, opposite a, c = 0), so h ≡ 0 at initialization (m even). {@code init: chatterjee}: W = 0, biases 0,
 * a positive (Chatterjee 2022; seed 004 App. A). {@code init_scale} multiplies the initial standard deviations.
 * {@code train_layers}: both, first (W, b) or second (a, c). Parameters: W (m x d, row j is w_j), b (m), a (m),
 * c (1). {@code loss}: square (default) or logistic (labels ±1).
 */
public record TwoLayerSpec(int width, String activation, String parameterization, double outputScale,
                           boolean bias, String init, String trainLayers, double sigmaW, double sigmaB,
                           double initScale, String loss) implements ModelSpec {
    public static final String KIND = "two_layer";
    public static final List<String> ACTIVATIONS = Mlp.ACTIVATIONS;
    public static final List<String> PARAMETERIZATIONS = NetSpecs.PARAMETERIZATIONS;
    static final List<String> TRAIN_LAYERS = List.of("both", "first", "second");

    static TwoLayerSpec parse(Node n) {
        TwoLayerSpec s = new TwoLayerSpec(
                n.integer("width", 64, 1, 1 << 24),
                n.choice("activation", "tanh", ACTIVATIONS),
                n.choice("parameterization", "standard", PARAMETERIZATIONS),
                n.positive("output_scale", 1.0),
                n.bool("bias", false),
                n.choice("init", "gaussian", NetSpecs.INITS),
                n.choice("train_layers", "both", TRAIN_LAYERS),
                NetSpecs.sigmaW(n),
                NetSpecs.sigmaB(n, n.bool("bias", false), n.choice("parameterization", "standard", NetSpecs.PARAMETERIZATIONS)),
                NetSpecs.initScale(n),
                n.choice("loss", "square", NetSpecs.LOSSES));
        NetSpecs.check(n, s.width, s.activation, s.parameterization, s.bias, s.init);
        return s;
    }

    @Override public String kind() { return KIND; }

    @Override
    public String dataIncompatibility(DataSpec data) {
        return NetSpecs.dataIncompatibility(KIND, loss, init, data);
    }

    @Override
    public Model instantiate(Dataset data) {
        boolean[] train = {!trainLayers.equals("second"), !trainLayers.equals("first")};
        return new Mlp(data, MlpConfig.builder(2, width).activation(activation).parameterization(parameterization)
                .outputScale(outputScale).bias(bias).sigmas(sigmaW, sigmaB).init(init, initScale).trainable(train)
                .twoLayerNames().loss(loss).build());
    }

    /** Forward X·Wᵀ and backward Gᵀ·X products (2·d·m each), activations and output layer. */
    @Override public double flopsPerSample(int d) { return 4.0 * d * width + 12.0 * width; }

    @Override
    public double parameters(double d) { return Mlp.parameters(2, width, d, bias); }

    @Override
    public List<Buffer> buffers(double n, double nTest, double d, boolean hvp) {
        return Mlp.buffers(2, width, n, nTest, d, hvp);
    }

    /** Registers {@code TwoLayerSpec} (META-INF/services/org.ratelab.model.ModelKind). */
    public static final class Provider implements ModelKind {
        @Override public String name() { return KIND; }
        @Override public String doc() { return "Two-layer network, square loss; standard, NTK and mean-field parameterizations"; }
        @Override public Class<? extends Record> config() { return TwoLayerSpec.class; }
        @Override public ModelSpec parse(Node n) { return TwoLayerSpec.parse(n); }
    }
}
