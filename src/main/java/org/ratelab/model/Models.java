package org.ratelab.model;

import java.util.List;
import org.ratelab.spec.Node;

/** Parses a spec's {@code model:} section into the record of its kind. */
public final class Models {
    private Models() {}

    public static final List<String> KINDS = List.of(LinearRegressionSpec.KIND, TwoLayerSpec.KIND);

    public static ModelSpec parse(Node n) {
        String kind = n.choice("kind", null, KINDS);
        ModelSpec spec = switch (kind) {
            case LinearRegressionSpec.KIND -> LinearRegressionSpec.parse(n);
            case TwoLayerSpec.KIND -> TwoLayerSpec.parse(n);
            default -> throw n.error("kind", "unknown model kind '" + kind + "'");
        };
        n.done();
        return spec;
    }
}
