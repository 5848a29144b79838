package org.ratelab.probes;

import java.io.Serializable;

/**
 * A probe's configuration: an immutable record whose components are the camelCase of its section's keys
 * ({@link org.ratelab.spec.Canon}), validated when parsed. It travels to the executors with the run, so it is
 * {@link Serializable}. Every probe has {@code enabled} and {@code every} (the schedule, applied by
 * {@link Probes}); the rest are its own settings and budgets.
 */
public interface ProbeConfig extends Serializable {
    /** Whether the probe measures at all. */
    boolean enabled();

    /** Every k-th recorded point (index 0, k, 2k, …, and always the last); 0: the first and last only. */
    int every();

    /** The probe's per-run state, allocated once on the executor, for an enabled probe only. */
    Probe instantiate(Probe.Run run);
}
