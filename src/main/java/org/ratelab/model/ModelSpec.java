package org.ratelab.model;

import java.io.Serializable;
import java.util.Map;
import org.ratelab.data.Dataset;
import org.ratelab.spec.Canon;

/**
 * Configuration of a run's model: an immutable record per kind (the {@code model:} section of a spec).
 * {@link #instantiate(Dataset)} binds it to data and allocates the per-run state.
 */
public interface ModelSpec extends Serializable {
    /** The spec's {@code model.kind}. */
    String kind();

    /** Hidden width m, or 0 for models without one (the runs table's {@code width}). */
    default int width() { return 0; }

    /** Binds the model to a data set, allocating its buffers. */
    Model instantiate(Dataset data);

    /** Estimated floating-point operations of one per-sample gradient at input dimension d (cost model). */
    double flopsPerSample(int d);

    /** Canonical form (the resolved {@code model:} section). */
    default Map<String, Object> canonical() {
        return Canon.of((Record) this, "kind", kind());
    }
}
