package org.ratelab.model;

import java.util.List;
import org.ratelab.spec.Node;

/** Parses a spec's {@code model:} section into the record of its kind. */
public final class Models {
    private Models() {}

    public static final List<String> KINDS = List.of(LinearRegressionSpec.KIND, LogisticRegressionSpec.KIND,
            TwoLayerSpec.KIND, MlpSpec.KIND, DeepLinearSpec.KIND, QuadraticSpec.KIND, QuadraticSpec.NOISY_KIND,
            SaddleSpec.KIND);

    /** Model kinds that ignore the inputs (pair them with {@code data: {kind: none}}). */
    public static final List<String> DATA_FREE = List.of(QuadraticSpec.KIND, QuadraticSpec.NOISY_KIND,
            SaddleSpec.KIND);

    public static ModelSpec parse(Node n) {
        String kind = n.choice("kind", null, KINDS);
        ModelSpec spec = switch (kind) {
            case LinearRegressionSpec.KIND -> LinearRegressionSpec.parse(n);
            case LogisticRegressionSpec.KIND -> LogisticRegressionSpec.parse(n);
            case TwoLayerSpec.KIND -> TwoLayerSpec.parse(n);
            case MlpSpec.KIND -> MlpSpec.parse(n);
            case DeepLinearSpec.KIND -> DeepLinearSpec.parse(n);
            case QuadraticSpec.KIND -> QuadraticSpec.parse(n, false);
            case QuadraticSpec.NOISY_KIND -> QuadraticSpec.parse(n, true);
            case SaddleSpec.KIND -> SaddleSpec.parse(n);
            default -> throw n.error("kind", "unknown model kind '" + kind + "'");
        };
        n.done();
        return spec;
    }
}
