package org.ratelab.train;

import java.io.Serializable;

/**
 * One recorded point of a trajectory: the step, per-sample gradient evaluations so far, and one value per
 * metric of {@link org.ratelab.probes.Metrics#NAMES} (NaN where not measured; a diverged loss is
 * recorded as measured, so {@code measured} tells the two apart).
 */
public record CurvePoint(long step, long oracleCalls, double[] values, long measured) implements Serializable {
    public boolean has(int metric) { return (measured & (1L << metric)) != 0; }

    public double get(int metric) { return values[metric]; }
}
