package org.ratelab.optim;

import java.util.List;
import org.ratelab.spec.Node;

/** Parses a spec's {@code optimizer:} section into the record of its method. */
public final class Optimizers {
    private Optimizers() {}

    public static final List<String> NAMES = List.of(GdSpec.NAME, SgdSpec.NAME);

    public static OptimizerSpec parse(Node n) {
        String name = n.choice("name", null, NAMES);
        OptimizerSpec spec = switch (name) {
            case GdSpec.NAME -> GdSpec.parse(n);
            case SgdSpec.NAME -> SgdSpec.parse(n);
            default -> throw n.error("name", "unknown optimizer '" + name + "'");
        };
        n.done();
        return spec;
    }
}
