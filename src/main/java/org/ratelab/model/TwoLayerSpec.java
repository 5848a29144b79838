package org.ratelab.model;

import java.util.List;
import org.ratelab.data.Dataset;
import org.ratelab.spec.Node;

/**
 * Two-layer network h(x) = (α / m^p) Σ_j a_j σ(z_j(x)), square loss F = (1/n) Σ (y_i − h(x_i))².
 *
 * <ul>
 *   <li>{@code standard}: z_j = w_j·x + b_j, fan-in initialization w ~ N(0, 1/d), a ~ N(0, 1/m), p = 0.</li>
 *   <li>{@code ntk}: z_j = w_j·x/√d + b_j, w, a, b ~ N(0, 1), p = ½ (Jacot et al. 2018).</li>
 *   <li>{@code meanfield}: as ntk but p = 1 and every step size multiplied by m, so the dynamics have a
 *       width-independent limit (Chizat &amp; Bach 2018; Mei, Montanari &amp; Nguyen 2018).</li>
 * </ul>
 * α ({@code output_scale}) is the lazy-training knob of Chizat, Oyallon &amp; Bach (2019). Biases are
 * initialized at 0 under {@code standard}. {@code init: antisymmetric} pairs neuron j with j + m/2 (same w
 * and b, opposite a), so h ≡ 0 at initialization (m must be even).
 */
public record TwoLayerSpec(int width, String activation, String parameterization, double outputScale,
                           boolean bias, String init, String trainLayers) implements ModelSpec {
    public static final String KIND = "two_layer";
    public static final List<String> ACTIVATIONS = List.of("tanh", "relu", "softplus", "identity");
    public static final List<String> PARAMETERIZATIONS = List.of("standard", "ntk", "meanfield");
    static final List<String> INITS = List.of("gaussian", "antisymmetric");
    static final List<String> TRAIN_LAYERS = List.of("both", "first", "second");

    static TwoLayerSpec parse(Node n) {
        TwoLayerSpec s = new TwoLayerSpec(
                n.integer("width", 64, 1, 1 << 24),
                n.choice("activation", "tanh", ACTIVATIONS),
                n.choice("parameterization", "standard", PARAMETERIZATIONS),
                n.positive("output_scale", 1.0),
                n.bool("bias", false),
                n.choice("init", "gaussian", INITS),
                n.choice("train_layers", "both", TRAIN_LAYERS));
        if (s.init.equals("antisymmetric") && s.width % 2 != 0) {
            throw n.error("width", "antisymmetric init pairs neurons, so width must be even, got " + s.width);
        }
        return s;
    }

    @Override public String kind() { return KIND; }

    @Override public Model instantiate(Dataset data) { return new TwoLayerNet(this, data); }

    /** Forward X·Wᵀ and backward Gᵀ·X products (2·d·m each), activations and output layer. */
    @Override public double flopsPerSample(int d) { return 4.0 * d * width + 12.0 * width; }

    /** The exponent p of the output scaling α/m^p. */
    double outputExponent() {
        return switch (parameterization) {
            case "ntk" -> 0.5;
            case "meanfield" -> 1.0;
            default -> 0.0;
        };
    }
}
