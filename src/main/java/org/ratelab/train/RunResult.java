package org.ratelab.train;

import java.io.Serializable;
import java.util.List;
import org.ratelab.grid.RunConfig;
import org.ratelab.probes.ProbeSummary;

/**
 * The outcome of one run: its configuration, how it ended, its summary numbers and its recorded curve.
 *
 * @param stepsToThreshold the first step at which the loss threshold was reached, or -1
 * @param divergedStep     the step at which divergence was detected, or -1
 * @param relChange        final ‖θ − θ₀‖ / ‖θ₀‖ (NaN when θ₀ = 0)
 * @param distInit         final ‖θ − θ₀‖
 * @param probes           the probe summary (L̂, μ̂, κ̂, escape step, skipped-probe notes)
 */
public record RunResult(RunConfig config, RunStatus status, long steps, long oracleCalls, double initialLoss,
                        double finalLoss, double optimalLoss, long stepsToThreshold, long divergedStep,
                        double distInit, double relChange, long wallMs, String blas, String message,
                        List<CurvePoint> curve, ProbeSummary probes) implements Serializable {
    public RunResult(RunConfig config, RunStatus status, long steps, long oracleCalls, double initialLoss,
                     double finalLoss, double optimalLoss, long stepsToThreshold, long divergedStep,
                     double distInit, double relChange, long wallMs, String blas, String message,
                     List<CurvePoint> curve) {
        this(config, status, steps, oracleCalls, initialLoss, finalLoss, optimalLoss, stepsToThreshold,
                divergedStep, distInit, relChange, wallMs, blas, message, curve, ProbeSummary.NONE);
    }
}
