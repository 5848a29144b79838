package org.ratelab.optim;

import java.util.List;
import org.ratelab.api.Registry;
import org.ratelab.spec.Node;

/**
 * The optimizer registry: every {@link OptimizerKind} on the class path or in a plug-in jar, and the parser
 * of a spec's {@code optimizer:} section (the method selected by {@code name}).
 */
public final class Optimizers {
    private Optimizers() {}

    public static final Registry<OptimizerKind> REGISTRY = new Registry<>("optimizer", "name", OptimizerKind.class);

    /** Every registered method name, ratelab's own first. */
    public static List<String> names() { return REGISTRY.names(); }

    public static OptimizerSpec parse(Node n) {
        String name = n.choice("name", null, REGISTRY.names());
        OptimizerSpec spec;
        try {
            spec = REGISTRY.get(name).parse(n);
        } catch (IllegalArgumentException e) {
            // a record's own validation (cross-key constraints) reported at the section's path
            throw n.error(null, e.getMessage());
        }
        n.done();
        return spec;
    }
}
