package org.ratelab.optim;

import java.util.List;
import org.ratelab.spec.Node;

/** Parses a spec's {@code optimizer:} section into the record of its method (selected by {@code name}). */
public final class Optimizers {
    private Optimizers() {}

    public static final List<String> NAMES = List.of(GdSpec.NAME, SgdSpec.NAME, HeavyBallSpec.NAME,
            NesterovSpec.NAME, AdamSpec.NAME, AdagradSpec.NAME, RmspropSpec.NAME, AdagradNormSpec.NAME,
            SvrgSpec.NAME, SagaSpec.NAME, SagSpec.NAME, StormSpec.NAME, LangevinSpec.NAME, ProxL1Spec.NAME);

    public static OptimizerSpec parse(Node n) {
        String name = n.choice("name", null, NAMES);
        OptimizerSpec spec;
        try {
            spec = switch (name) {
                case GdSpec.NAME -> GdSpec.parse(n);
                case SgdSpec.NAME -> SgdSpec.parse(n);
                case HeavyBallSpec.NAME -> HeavyBallSpec.parse(n);
                case NesterovSpec.NAME -> NesterovSpec.parse(n);
                case AdamSpec.NAME -> AdamSpec.parse(n);
                case AdagradSpec.NAME -> AdagradSpec.parse(n);
                case RmspropSpec.NAME -> RmspropSpec.parse(n);
                case AdagradNormSpec.NAME -> AdagradNormSpec.parse(n);
                case SvrgSpec.NAME -> SvrgSpec.parse(n);
                case SagaSpec.NAME -> SagaSpec.parse(n);
                case SagSpec.NAME -> SagSpec.parse(n);
                case StormSpec.NAME -> StormSpec.parse(n);
                case LangevinSpec.NAME -> LangevinSpec.parse(n);
                case ProxL1Spec.NAME -> ProxL1Spec.parse(n);
                default -> throw n.error("name", "unknown optimizer '" + name + "'");
            };
        } catch (IllegalArgumentException e) {
            // a record's own validation (cross-key constraints) reported at the section's path
            throw n.error(null, e.getMessage());
        }
        n.done();
        return spec;
    }
}
