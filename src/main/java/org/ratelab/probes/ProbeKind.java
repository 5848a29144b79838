package org.ratelab.probes;

import org.ratelab.api.Kind;

/**
 * A probe kind, found by {@link java.util.ServiceLoader}: list the implementing class in
 * {@code META-INF/services/org.ratelab.probes.ProbeKind}. Its {@link #parse} reads the probe's section
 * ({@code probes.<name>}) into the kind's immutable configuration record, a {@link ProbeConfig}.
 *
 * <p>ratelab's own probes are registered exactly so, one file each ({@code TestLossProbe},
 * {@code HessianProbe}, …). The order of the registration lines is the order in which the probes measure at a
 * recorded point, which matters for the probes that draw from the run's {@code probe} stream.
 */
public interface ProbeKind extends Kind<ProbeConfig> {
    /**
     * Whether the probe's section is written into every run's {@code config_json} (and so hashed into its
     * {@code run_id}) even when the spec does not name it. True only for the probes whose sections every run
     * held before the probe registry existed, so that their run_ids stay as they were. Any other probe (a
     * plug-in, or a probe added to ratelab later) enters the canonical form only when the spec names it under
     * {@code probes:}, and is not run otherwise: loading a plug-in jar changes no run_id.
     */
    default boolean inEveryConfig() { return false; }
}
