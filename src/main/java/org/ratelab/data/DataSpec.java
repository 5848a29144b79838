package org.ratelab.data;

import java.io.Serializable;
import java.util.Map;
import org.ratelab.spec.Canon;

/**
 * Configuration of a run's data: an immutable record per kind (the {@code data:} section of a spec).
 * {@link #build(long)} makes the data set from the run's data seed, on the executor.
 */
public interface DataSpec extends Serializable {
    /** The spec's {@code data.kind}. */
    String kind();

    /** Training samples (for cost estimates and the runs table). */
    int n();

    /** Input dimension. */
    int d();

    /** True when every label is ±1 (a binary classification task). */
    default boolean signLabels() { return false; }

    /** False for the placeholder data kind {@code none}, which has no inputs. */
    default boolean hasInputs() { return true; }

    /** Builds the data set; the same seed always gives the same data. */
    Dataset build(long seed);

    /** Canonical form (the resolved {@code data:} section). */
    default Map<String, Object> canonical() {
        return Canon.of((Record) this, "kind", kind());
    }
}
