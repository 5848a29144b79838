package org.ratelab.fits;

import java.io.Serializable;
import java.util.Map;
import org.ratelab.spec.Node;

/**
 * How curves are turned into numbers (the spec's {@code fits:} section).
 *
 * @param eps            thresholds of F − F* for {@code steps_to_eps} and {@code oracle_calls_to_eps}
 * @param linearMinR2    r² a log-linear window needs to count as a linear rate
 * @param powerMinR2     r² a log–log window needs to count as a power law
 * @param powerFrom      first step of the power-law window (0: detected)
 * @param powerTo        last step of the power-law window (0: detected)
 * @param tailFraction   the stationary tail of a stochastic run: this fraction of its recorded steps, last
 * @param bootstrap      bootstrap resamples for intervals over seeds
 * @param level          confidence level of the intervals
 * @param atSteps        steps at which every curve metric is also taken as a law metric
 *                       ({@code metric.at_step@k}: the value at the last recorded step ≤ k)
 * @param linearModel    the linear rate's model: {@code auto} (the default: y ∝ ρ^k, unless a fit of
 *                       y ∝ k^p ρ^k over the same window finds p ≥ {@value #POLYNOMIAL_MIN_POWER}, a repeated
 *                       eigenvalue of the iteration as heavy ball and Nesterov have when tuned; then that fit),
 *                       {@code exponential} (always y ∝ ρ^k) or {@code polynomial} (always y ∝ k^p ρ^k)
 * @param linearFrom     first step of the linear-rate window (0 with linearTo 0: the longest log-linear stretch)
 * @param linearTo       last step of the linear-rate window (0: the last recorded step, or detected)
 */
public record FitSpec(double[] eps, double linearMinR2, double powerMinR2, long powerFrom, long powerTo,
                      double tailFraction, int bootstrap, double level, double[] atSteps, String linearModel,
                      long linearFrom, long linearTo) implements Serializable {
    public static final java.util.List<String> LINEAR_MODELS = java.util.List.of("auto", "exponential", "polynomial");

    /**
     * The least polynomial exponent p̂ that makes {@code auto} take the y ∝ k^p ρ^k fit: a Jordan block of size
     * m gives an amplitude ∝ k^{m−1} ρ^k, so a squared quantity (the loss gap, ‖∇F‖²) has p = 2(m − 1) ≥ 2; a
     * sum of geometric modes without one (gradient descent) is convex in log scale and fits p̂ ≤ 0.
     */
    public static final double POLYNOMIAL_MIN_POWER = 1.0;

    public static final FitSpec DEFAULT = new FitSpec(new double[] {1e-2, 1e-4, 1e-6, 1e-8}, 0.999, 0.99, 0, 0,
            0.25, 1000, 0.95, new double[0]);

    /** The fits before {@code linear_model}, {@code linear_from} and {@code linear_to}: auto, detected window. */
    public FitSpec(double[] eps, double linearMinR2, double powerMinR2, long powerFrom, long powerTo,
                   double tailFraction, int bootstrap, double level, double[] atSteps) {
        this(eps, linearMinR2, powerMinR2, powerFrom, powerTo, tailFraction, bootstrap, level, atSteps, "auto", 0, 0);
    }

    @SuppressWarnings("unchecked")
    public static FitSpec parse(Object section) {
        if (section == null) return DEFAULT;
        if (!(section instanceof Map<?, ?>)) throw new Node("fits", Map.of()).error(null, "expected a mapping");
        Node n = new Node("fits", (Map<String, Object>) section);
        double[] eps = n.doubles("eps", DEFAULT.eps);
        for (double e : eps) n.checkRange("eps", e, 0, Double.MAX_VALUE, true);
        FitSpec f = new FitSpec(eps,
                n.dbl("linear_min_r2", DEFAULT.linearMinR2, 0, 1, true),
                n.dbl("power_min_r2", DEFAULT.powerMinR2, 0, 1, true),
                n.lng("power_from", 0, 0, Long.MAX_VALUE),
                n.lng("power_to", 0, 0, Long.MAX_VALUE),
                n.dbl("tail_fraction", DEFAULT.tailFraction, 0, 1, true),
                n.integer("bootstrap", DEFAULT.bootstrap, 10, 1_000_000),
                n.dbl("level", DEFAULT.level, 0.5, 0.999, false),
                n.doubles("at_steps", DEFAULT.atSteps),
                n.choice("linear_model", DEFAULT.linearModel, LINEAR_MODELS),
                n.lng("linear_from", 0, 0, Long.MAX_VALUE),
                n.lng("linear_to", 0, 0, Long.MAX_VALUE));
        for (double k : f.atSteps) {
            if (k < 0 || k != Math.rint(k)) throw n.error("at_steps", "steps are whole numbers >= 0, got " + k);
        }
        if (f.powerTo > 0 && f.powerTo <= f.powerFrom) {
            throw n.error("power_to", "must be > power_from (" + f.powerFrom + "), got " + f.powerTo);
        }
        if (f.linearTo > 0 && f.linearTo <= f.linearFrom) {
            throw n.error("linear_to", "must be > linear_from (" + f.linearFrom + "), got " + f.linearTo);
        }
        n.done();
        return f;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FitSpec f && java.util.Arrays.equals(eps, f.eps) && linearMinR2 == f.linearMinR2
                && powerMinR2 == f.powerMinR2 && powerFrom == f.powerFrom && powerTo == f.powerTo
                && tailFraction == f.tailFraction && bootstrap == f.bootstrap && level == f.level
                && java.util.Arrays.equals(atSteps, f.atSteps) && linearModel.equals(f.linearModel)
                && linearFrom == f.linearFrom && linearTo == f.linearTo;
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(eps) * 31 + Long.hashCode(powerFrom) * 7 + bootstrap;
    }
}
