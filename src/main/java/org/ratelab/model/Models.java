package org.ratelab.model;

import java.util.List;
import org.ratelab.api.Registry;
import org.ratelab.spec.Node;

/**
 * The model registry: every {@link ModelKind} on the class path or in a plug-in jar, and the parser of a
 * spec's {@code model:} section (selected by {@code kind}).
 */
public final class Models {
    private Models() {}

    public static final Registry<ModelKind> REGISTRY = new Registry<>("model", "kind", ModelKind.class);

    /** Every registered model kind, ratelab's own first. */
    public static List<String> names() { return REGISTRY.names(); }

    public static ModelSpec parse(Node n) {
        String kind = n.choice("kind", null, REGISTRY.names());
        ModelSpec spec = REGISTRY.get(kind).parse(n);
        n.done();
        return spec;
    }
}
