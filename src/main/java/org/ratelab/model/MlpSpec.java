package org.ratelab.model;

import java.util.List;
import org.ratelab.data.DataSpec;
import org.ratelab.data.Dataset;
import org.ratelab.spec.Node;

/**
 * Deep fully connected network of depth L (L weight layers, L − 1 hidden layers of width m), square loss,
 * with the parameterizations of {@link TwoLayerSpec} applied layer by layer (fan-in multipliers σ_w/√fan_in
 * under ntk, Jacot et al. 2018; last layer σ_w/m under meanfield). Chatterjee's initialization
 * ({@code init: chatterjee}: W_1 = 0, biases 0, later layers positive; Chatterjee 2022, seed 004 App. A) is
 * the local-Łojasiewicz setting; it requires a smooth strictly increasing activation with σ(0) = 0.
 * {@code train_layers}: all, first or last. {@code loss}: square (default) or logistic (labels ±1).
 * Blocks W1, b1, …, WL, bL.
 */
public record MlpSpec(int depth, int width, String activation, String parameterization, double outputScale,
                      boolean bias, String init, String trainLayers, double sigmaW, double sigmaB,
                      double initScale, String loss) implements ModelSpec {
    public static final String KIND = "mlp";
    static final List<String> TRAIN_LAYERS = List.of("all", "first", "last");

    static MlpSpec parse(Node n) {
        MlpSpec s = new MlpSpec(
                n.integer("depth", 3, 2, 64),
                n.integer("width", 64, 1, 1 << 20),
                n.choice("activation", "tanh", Mlp.ACTIVATIONS),
                n.choice("parameterization", "standard", NetSpecs.PARAMETERIZATIONS),
                n.positive("output_scale", 1.0),
                n.bool("bias", false),
                n.choice("init", "gaussian", NetSpecs.INITS),
                n.choice("train_layers", "all", TRAIN_LAYERS),
                NetSpecs.sigmaW(n),
                NetSpecs.sigmaB(n, n.bool("bias", false), n.choice("parameterization", "standard", NetSpecs.PARAMETERIZATIONS)),
                NetSpecs.initScale(n),
                n.choice("loss", "square", NetSpecs.LOSSES));
        NetSpecs.check(n, s.width, s.activation, s.parameterization, s.bias, s.init);
        return s;
    }

    static boolean[] trainable(int depth, String trainLayers) {
        boolean[] t = new boolean[depth];
        for (int l = 0; l < depth; l++) {
            t[l] = switch (trainLayers) {
                case "first" -> l == 0;
                case "last" -> l == depth - 1;
                default -> true;
            };
        }
        return t;
    }

    @Override public String kind() { return KIND; }

    @Override
    public String dataIncompatibility(DataSpec data) {
        return NetSpecs.dataIncompatibility(KIND, loss, init, data);
    }

    @Override
    public Model instantiate(Dataset data) {
        return new Mlp(data, MlpConfig.builder(depth, width).activation(activation)
                .parameterization(parameterization).outputScale(outputScale).bias(bias).sigmas(sigmaW, sigmaB)
                .init(init, initScale).trainable(trainable(depth, trainLayers)).loss(loss).build());
    }

    @Override
    public double flopsPerSample(int d) {
        return 6.0 * ((double) d * width + (double) (depth - 2) * width * width + width);
    }

    @Override
    public double parameters(double d) { return Mlp.parameters(depth, width, d, bias); }

    @Override
    public List<Buffer> buffers(double n, double nTest, double d, boolean hvp) {
        return Mlp.buffers(depth, width, n, nTest, d, hvp);
    }

    /** Registers {@code MlpSpec} (META-INF/services/org.ratelab.model.ModelKind). */
    public static final class Provider implements ModelKind {
        @Override public String name() { return KIND; }
        @Override public String doc() { return "Deep fully connected network of depth L, square loss"; }
        @Override public Class<? extends Record> config() { return MlpSpec.class; }
        @Override public ModelSpec parse(Node n) { return MlpSpec.parse(n); }
    }
}
