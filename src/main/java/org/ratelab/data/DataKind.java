package org.ratelab.data;

import org.ratelab.api.Kind;

/**
 * A data source kind, found by {@link java.util.ServiceLoader}: list the implementing class in
 * {@code META-INF/services/org.ratelab.data.DataKind}. Its {@link #parse} returns the kind's immutable
 * configuration record, a {@link DataSpec}.
 */
public interface DataKind extends Kind<DataSpec> {
}
