package org.ratelab.model;

import java.util.List;
import org.ratelab.data.DataSpec;
import org.ratelab.spec.Node;

/**
 * Shared validation of the network specs ({@link TwoLayerSpec}, {@link MlpSpec}, {@link DeepLinearSpec}):
 * invalid combinations are rejected at parse time with the key path and the reason.
 */
final class NetSpecs {
    private NetSpecs() {}

    static final List<String> PARAMETERIZATIONS = MlpConfig.labels(MlpConfig.Parameterization.values());
    /** square: F = (1/n) Σ (y_i − h(x_i))² (the seeds' loss); logistic: labels ±1. */
    static final List<String> LOSSES = MlpConfig.labels(MlpConfig.Loss.values());
    static final List<String> INITS = MlpConfig.labels(MlpConfig.Init.values());
    /** Activations meeting Chatterjee's hypotheses: C², σ(0) = 0, σ' &gt; 0 (An &amp; Lu, Thm A.1). */
    static final List<String> CHATTERJEE_ACTIVATIONS = List.of("tanh", "identity");

    static void check(Node n, int width, String activation, String parameterization, boolean bias, String init) {
        if (init.equals("antisymmetric") && width % 2 != 0) {
            throw n.error("width", "antisymmetric init pairs neurons, so width must be even, got " + width);
        }
        if (init.equals("chatterjee")) {
            if (!CHATTERJEE_ACTIVATIONS.contains(activation)) {
                throw n.error("activation", "init chatterjee needs a smooth strictly increasing activation with "
                        + "σ(0) = 0 (one of " + String.join(", ", CHATTERJEE_ACTIVATIONS) + "), got " + activation);
            }
            if (!parameterization.equals("standard")) {
                throw n.error("parameterization", "init chatterjee is stated for the standard parameterization, got "
                        + parameterization);
            }
        }
    }

    /** Logistic loss needs ±1 labels; Chatterjee's theorem needs linearly independent inputs, so d ≥ n. */
    static String dataIncompatibility(String kind, String loss, String init, DataSpec data) {
        if (loss.equals("logistic")) return ModelSpec.needsSigns(kind + " with loss logistic", data);
        if (!data.hasInputs()) return kind + " needs inputs, but data kind " + data.kind() + " has none";
        if (init.equals("chatterjee") && data.d() < data.n()) {
            return "init chatterjee needs linearly independent inputs, so d >= n (An & Lu, Thm A.1), got d="
                    + data.d() + ", n=" + data.n();
        }
        return null;
    }

    static double sigmaW(Node n) {
        return n.positive("sigma_w", 1.0);
    }

    /**
     * σ_b, the bias multiplier of the ntk and meanfield parameterizations (default 1). Without biases, or under
     * standard (biases start at 0 with multiplier 1), it does not apply: its canonical value is 0 and any other
     * value is rejected.
     */
    static double sigmaB(Node n, boolean bias, String parameterization) {
        boolean applies = bias && !parameterization.equals("standard");
        double v = n.nonNegative("sigma_b", applies ? 1.0 : 0.0);
        if (!applies && v != 0.0) {
            throw n.error("sigma_b", bias ? "applies to the ntk and meanfield parameterizations (standard "
                    + "initializes biases at 0 with multiplier 1)" : "is the bias multiplier and needs bias: true");
        }
        return v;
    }

    static double initScale(Node n) {
        return n.positive("init_scale", 1.0);
    }
}
