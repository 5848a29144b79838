package org.ratelab.optim;

import org.ratelab.api.Kind;

/**
 * A optimizer kind, found by {@link java.util.ServiceLoader}: list the implementing class in
 * {@code META-INF/services/org.ratelab.optim.OptimizerKind}. Its {@link #parse} returns the kind's immutable
 * configuration record, a {@link OptimizerSpec}.
 */
public interface OptimizerKind extends Kind<OptimizerSpec> {
}
