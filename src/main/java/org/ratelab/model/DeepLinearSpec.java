package org.ratelab.model;

import java.util.List;
import org.ratelab.data.DataSpec;
import org.ratelab.data.Dataset;
import org.ratelab.spec.Node;

/**
 * Deep linear network h(x) = W_L ⋯ W_1 x (no biases), square loss: the saddle-to-saddle setting of Jacot,
 * Ged, Şimşek, Hongler &amp; Gabriel (2021) with a small {@code init_scale}, and Remark A.1 of An &amp; Lu
 * (seed 004). Under the ntk parameterization with σ_w = 1 its NTK is L·x·x'/d at infinite width.
 * The same engine as {@link MlpSpec} with the identity activation.
 */
public record DeepLinearSpec(int depth, int width, String parameterization, String init, double initScale,
                             String trainLayers) implements ModelSpec {
    public static final String KIND = "deep_linear";
    static final List<String> INITS = NetSpecs.INITS;

    static DeepLinearSpec parse(Node n) {
        DeepLinearSpec s = new DeepLinearSpec(
                n.integer("depth", 3, 2, 64),
                n.integer("width", 64, 1, 1 << 20),
                n.choice("parameterization", "standard", NetSpecs.PARAMETERIZATIONS),
                n.choice("init", "gaussian", INITS),
                NetSpecs.initScale(n),
                n.choice("train_layers", "all", MlpSpec.TRAIN_LAYERS));
        NetSpecs.check(n, s.width, "identity", s.parameterization, false, s.init);
        return s;
    }

    @Override public String kind() { return KIND; }

    @Override
    public String dataIncompatibility(DataSpec data) {
        return NetSpecs.dataIncompatibility(KIND, "square", init, data);
    }

    @Override
    public Model instantiate(Dataset data) {
        return new Mlp(data, MlpConfig.builder(depth, width).activation("identity")
                .parameterization(parameterization).init(init, initScale)
                .trainable(MlpSpec.trainable(depth, trainLayers)).build());
    }

    @Override
    public double flopsPerSample(int d) {
        return 6.0 * ((double) d * width + (double) (depth - 2) * width * width + width);
    }

    @Override
    public double parameters(double d) { return Mlp.parameters(depth, width, d, false); }

    @Override
    public List<Buffer> buffers(double n, double nTest, double d, boolean hvp) {
        return Mlp.buffers(depth, width, n, nTest, d, hvp);
    }

    /** Registers {@code DeepLinearSpec} (META-INF/services/org.ratelab.model.ModelKind). */
    public static final class Provider implements ModelKind {
        @Override public String name() { return KIND; }
        @Override public String doc() { return "Deep linear network W_L...W_1 x, square loss (Jacot et al. 2021)"; }
        @Override public Class<? extends Record> config() { return DeepLinearSpec.class; }
        @Override public ModelSpec parse(Node n) { return DeepLinearSpec.parse(n); }
    }
}
