package org.ratelab.optim;

import java.io.Serializable;
import java.util.Map;
import org.ratelab.spec.Canon;

/** Configuration of a run's optimizer: an immutable record per method (the {@code optimizer:} section). */
public interface OptimizerSpec extends Serializable {
    /** The spec's {@code optimizer.name}. */
    String name();

    /** Base step size (the runs table's {@code lr}). */
    double lr();

    /** Minibatch size, or 0 for full batch (the runs table's {@code batch_size}). */
    default int batchSize() { return 0; }

    /**
     * How minibatches are drawn ({@code with_replacement} or {@code shuffle}): the {@code sampling} key of the
     * section, or {@code with_replacement} when it has none. A record with a {@code String sampling} component
     * implements this by its accessor.
     */
    default String sampling() {
        Object s = canonical().get("sampling");
        return s == null ? "with_replacement" : s.toString();
    }

    /** Per-sample gradient evaluations of one step on n samples (cost model; an average for epoch methods). */
    default double gradientsPerStep(int n) { return batchSize() == 0 ? n : batchSize(); }

    /**
     * Allocates per-run state for a problem with {@code dim} parameters and {@code n} samples. Every step size
     * is multiplied by {@code lrScale} (1, or m under mean-field scaling).
     */
    Optimizer instantiate(int dim, int n, double lrScale);

    /** Canonical form (the resolved {@code optimizer:} section). */
    default Map<String, Object> canonical() {
        return Canon.of((Record) this, "name", name());
    }
}
