package org.ratelab.probes;

import java.io.Serializable;

/**
 * A run's probe summary (runs table).
 *
 * @param lHat        largest sharpness seen (an estimate of the smoothness L), NaN when never measured
 * @param muHat       smallest pl_ratio seen (an estimate of the PL constant μ), NaN when never measured
 * @param kappaHat    lHat / muHat
 * @param escapedStep first step with ‖θ − θ₀‖ &gt; probes.escape_radius, or -1 (never, or the radius is off)
 * @param notes       probes skipped or not converged, with the reason and how many times; null when none
 * @param minNormDist ‖θ_T − θ_mn‖ at the last recorded point, θ_mn the model's closed-form minimum-norm
 *                    minimizer (least squares: X⁺y); NaN when the model has none
 */
public record ProbeSummary(double lHat, double muHat, double kappaHat, long escapedStep, String notes,
                           double minNormDist) implements Serializable {
    public static final ProbeSummary NONE = new ProbeSummary(Double.NaN, Double.NaN, Double.NaN, -1, null,
            Double.NaN);
}
