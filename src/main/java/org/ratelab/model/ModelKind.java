package org.ratelab.model;

import org.ratelab.api.Kind;

/**
 * A model kind, found by {@link java.util.ServiceLoader}: list the implementing class in
 * {@code META-INF/services/org.ratelab.model.ModelKind}. Its {@link #parse} returns the kind's immutable
 * configuration record, a {@link ModelSpec}.
 */
public interface ModelKind extends Kind<ModelSpec> {
}
