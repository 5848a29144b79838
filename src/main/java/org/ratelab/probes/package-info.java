/**
 * Diagnostics measured along every trajectory: the quantities the theorems are about. Each probe is a
 * {@link org.ratelab.probes.ProbeKind} in {@link org.ratelab.probes.Probes#REGISTRY}, one file with its
 * configuration record, its parse, its {@code Provider} and its per-run {@link org.ratelab.probes.Probe};
 * {@link org.ratelab.probes.Probes} schedules the enabled ones at the trainer's recorded points.
 */
package org.ratelab.probes;
