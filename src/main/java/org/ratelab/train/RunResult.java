package org.ratelab.train;

import org.ratelab.probes.CurvePoint;
import java.io.Serializable;
import java.util.List;
import org.ratelab.probes.ProbeSummary;

/**
 * The outcome of one run: its configuration, how it ended, its summary numbers and its recorded curve.
 *
 * @param stepsToThreshold the first step at which the loss threshold was reached, or -1
 * @param divergedStep     the step at which divergence was detected, or -1
 * @param relChange        final ‖θ − θ₀‖ / ‖θ₀‖ (NaN when θ₀ = 0)
 * @param distInit         final ‖θ − θ₀‖
 * @param probes           the probe summary (L̂, μ̂, κ̂, escape step, skipped-probe notes)
 * @param constants        the model's closed-form constants and step-size scale
 */
public record RunResult(RunConfig config, RunStatus status, long steps, long oracleCalls, double initialLoss,
                        double finalLoss, double optimalLoss, long stepsToThreshold, long divergedStep,
                        double distInit, double relChange, long wallMs, String blas, String message,
                        List<CurvePoint> curve, ProbeSummary probes, Constants constants)
        implements Serializable {

    /**
     * What the theory's bounds need from the model: L and the PL constant μ when known in closed form (else
     * NaN), and the factor every step size was multiplied by (m under mean-field scaling, else 1).
     */
    public record Constants(double smoothness, double plConstant, double lrScale) implements Serializable {
        public static final Constants UNKNOWN = new Constants(Double.NaN, Double.NaN, 1.0);
    }

    public RunResult(RunConfig config, RunStatus status, long steps, long oracleCalls, double initialLoss,
                     double finalLoss, double optimalLoss, long stepsToThreshold, long divergedStep,
                     double distInit, double relChange, long wallMs, String blas, String message,
                     List<CurvePoint> curve, ProbeSummary probes) {
        this(config, status, steps, oracleCalls, initialLoss, finalLoss, optimalLoss, stepsToThreshold,
                divergedStep, distInit, relChange, wallMs, blas, message, curve, probes, Constants.UNKNOWN);
    }

    public RunResult(RunConfig config, RunStatus status, long steps, long oracleCalls, double initialLoss,
                     double finalLoss, double optimalLoss, long stepsToThreshold, long divergedStep,
                     double distInit, double relChange, long wallMs, String blas, String message,
                     List<CurvePoint> curve) {
        this(config, status, steps, oracleCalls, initialLoss, finalLoss, optimalLoss, stepsToThreshold,
                divergedStep, distInit, relChange, wallMs, blas, message, curve, ProbeSummary.NONE,
                Constants.UNKNOWN);
    }
}
