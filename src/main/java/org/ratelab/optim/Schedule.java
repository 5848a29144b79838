package org.ratelab.optim;

import java.io.Serializable;
import java.util.Map;
import org.ratelab.api.Registry;
import org.ratelab.spec.Canon;
import org.ratelab.spec.Node;

/**
 * A step-size schedule as a pure function of the iteration: the step size of iteration k (0-based, the k-th
 * call of {@code Optimizer.step}) is η_k = lr · factor(k, B), B the effective batch size (n for full batch).
 * A schedule is an immutable record of a {@link ScheduleKind} (the {@code schedule:} section of an optimizer,
 * {@code kind} naming it; {@link Schedules#REGISTRY}), stateless, safe to share between runs and threads; its
 * {@code factor} allocates nothing.
 *
 * <p>Against {@code torch.optim.lr_scheduler}: the step size torch's optimizer uses at its step k (0-based) is
 * the lr after k calls of {@code scheduler.step()} ({@code last_epoch = k}), so factor(k) = that lr / the
 * optimizer's base lr (the lr torch's scheduler starts from; one_cycle's {@code max_lr}).
 */
public interface Schedule extends Serializable, Canon.Kinded {
    /** The constant schedule (factor 1), what an optimizer without a {@code schedule:} section gets. */
    Schedule CONSTANT = ClassicSchedule.CONSTANT;

    /** The section's {@code kind}. */
    String kind();

    /** Multiplier of the base step size at iteration k (0-based) for effective batch size {@code batch}. */
    double factor(long k, int batch);

    /** True when {@link #factor(long, int)} depends on the batch size ({@code linear_scaling}). */
    default boolean batchDependent() { return false; }

    /** Multiplier at iteration k for schedules that do not depend on the batch size. */
    default double factor(long k) {
        if (batchDependent()) throw new IllegalStateException(kind() + " depends on the batch size: use factor(k, batch)");
        return factor(k, 1);
    }

    /**
     * The canonical form: the record's keys and {@code kind}, and {@code plugin: {jar, version}} for a plug-in
     * kind (its version enters the run_id).
     */
    @Override
    default Map<String, Object> canonical() {
        return Registry.withPlugin(Canon.of((Record) this, "kind", kind()), Schedules.REGISTRY.get(kind()));
    }

    /** Parses a {@code schedule:} section (absent or empty: {@link #CONSTANT}); see {@link Schedules#parse}. */
    static Schedule parse(Node n) {
        return Schedules.parse(n);
    }
}
