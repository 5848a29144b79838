package org.ratelab.probes;

import java.io.Serializable;
import java.util.Map;

/**
 * One recorded point of a trajectory: the step, per-sample gradient evaluations so far, and one value per
 * metric of {@link org.ratelab.probes.Metrics#NAMES} (NaN where not measured; a diverged loss is
 * recorded as measured, so {@code measured} tells the two apart).
 *
 * @param layerDist      per layer (parameter block name → ‖θ_k − θ_0‖ on that block), or null
 * @param layerRelChange per layer (block name → ‖θ_k − θ_0‖/‖θ_0‖ on that block; blocks with θ_0 = 0 left
 *                       out), or null
 * @param particles      two-layer neuron positions |a_j|·w_j, row-major m × d, or null
 * @param extraMetrics   the plug-in probes' metrics at this point (name → value; a NaN stays NaN), or null when
 *                       none was measured ({@code curves.extra_metrics})
 */
public record CurvePoint(long step, long oracleCalls, double[] values, long measured, Map<String, Double> layerDist,
                         Map<String, Double> layerRelChange, double[] particles, Map<String, Double> extraMetrics)
        implements Serializable {
    public CurvePoint(long step, long oracleCalls, double[] values, long measured) {
        this(step, oracleCalls, values, measured, null, null, null, null);
    }

    public boolean has(int metric) { return (measured & (1L << metric)) != 0; }

    public double get(int metric) { return values[metric]; }
}
