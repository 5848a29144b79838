package org.ratelab.probes;

import java.util.Map;
import java.util.SplittableRandom;
import org.ratelab.data.Dataset;
import org.ratelab.model.Model;
import org.ratelab.model.ModelSpec;
import org.ratelab.optim.Optimizer;

/**
 * One probe's per-run state (from {@link ProbeConfig#instantiate}): {@link #measure} at the recorded points
 * its schedule selects, and optionally {@link #beforeStep}/{@link #afterStep} around every optimizer step.
 *
 * <p>Probes only read. θ, the gradient, the model, the data and the optimizer's state are never written (a
 * plug-in probe gets its own copies of θ and the gradient); a probe never calls the counting oracle (it has
 * none), so nothing it does is counted in {@code oracle_calls}; its randomness comes only from
 * {@link Run#rng()}, the run's {@code probe} stream. A NaN is data: a point may be non-finite (a diverged run's
 * last point, see {@link Point#finite()}), and a probe records what it measures there or skips it, never
 * masks it. A probe that throws makes its run {@code failed} with the message; the job goes on.
 */
public interface Probe {
    /** Measures at a recorded point and writes the values to {@code out}. */
    void measure(Point at, Sink out);

    /** Called before every optimizer step (θ = θ_k, not to be modified). */
    default void beforeStep(double[] theta) {}

    /** Called after step k moved θ to θ_{k+1} (not to be modified). */
    default void afterStep(long k, double[] theta) {}

    /**
     * What a probe may read for its whole run.
     *
     * @param model     the run's model (its loss, gradients, Hessian-vector products, Jacobians); read only
     * @param data      the run's data set
     * @param modelSpec the model's configuration
     * @param optimizer the optimizer's per-run state, read only (e.g. {@code AdaptiveStep}); may be null. A plug-in
     *                  probe gets a view whose {@code step} refuses
     * @param batch     the run's minibatch size, 0 for full batch
     * @param shuffle   minibatches drawn without replacement within an epoch (else with replacement)
     * @param rng       the run's {@code probe} random stream, shared by the probes in registration order
     * @param theta0    the initial point (not to be modified; a plug-in's is a copy)
     * @param optimalLoss F* as the run uses it: {@code probes.optimal_loss}, else the model's closed form,
     *                    else 0
     */
    record Run(Model model, Dataset data, ModelSpec modelSpec, Optimizer optimizer, int batch, boolean shuffle,
               SplittableRandom rng, double[] theta0, double optimalLoss) {
        public int dim() { return theta0.length; }
    }

    /**
     * A recorded point.
     *
     * @param step        k
     * @param oracleCalls per-sample gradients counted so far
     * @param index       the point's index in the run's curve (0 at step 0)
     * @param last        whether this is the run's last recorded point
     * @param loss        F(θ_k), as measured (NaN or Inf after a divergence)
     * @param gradNormSq  ‖∇F(θ_k)‖²
     * @param theta       θ_k (not to be modified)
     * @param grad        ∇F(θ_k), the full gradient (not to be modified)
     * @param distInit    ‖θ_k − θ_0‖
     */
    record Point(long step, long oracleCalls, int index, boolean last, double loss, double gradNormSq,
                 double[] theta, double[] grad, double distInit) {
        /** F and ‖∇F‖² are finite: expensive probes are not run otherwise. */
        public boolean finite() { return Double.isFinite(loss) && Double.isFinite(gradNormSq); }
    }

    /** Where a probe writes what it measured at a point. */
    interface Sink {
        /**
         * A curves column of ratelab's own probes ({@link Metrics} index). Only ratelab's own probes write
         * these; a plug-in probe's call is an error (its values go to {@link #extra}).
         */
        void put(int metric, double value);

        /**
         * A metric into {@code curves.extra_metrics} (name → value): how a plug-in probe records. A name
         * written twice at one point keeps the last value.
         */
        void extra(String name, double value);

        /** A probe skipped or not converged at this point: the reason, counted in {@code runs.probe_notes}. */
        void note(String reason);

        /** {@code curves.layer_dist} and {@code curves.layer_rel_change} (ratelab's {@code dist} probe). */
        void layers(Map<String, Double> dist, Map<String, Double> relChange);

        /** {@code curves.particles} (ratelab's {@code particles} probe). */
        void particles(double[] positions);
    }
}
