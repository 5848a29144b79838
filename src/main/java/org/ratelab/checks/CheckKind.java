package org.ratelab.checks;

import java.io.Serializable;
import java.util.List;
import org.ratelab.api.Kind;
import org.ratelab.api.Registry;

/**
 * A check kind, found by {@link java.util.ServiceLoader}: list the implementing class in
 * {@code META-INF/services/org.ratelab.checks.CheckKind}. A check names its kind by the key that holds the kind's
 * section ({@code law: {metric, axis}}, {@code rate: {…}}); beside it every check has {@code name},
 * {@code description}, {@code where} and {@code expect} ({@link CheckSpec}). {@link #parse} reads the kind's
 * section into its {@link Observation}, which validates itself against the plan and evaluates over the runs
 * the check selects.
 *
 * <p>A new check kind is one file (its configuration record implementing {@link Observation}, its
 * {@code parse(Node)}, a nested public {@code Provider}) plus one registration line, like ratelab's own:
 * {@link LawCheck}, {@link RateCheck}, {@link ValueCheck}, {@link FractionCheck}, {@link BoundCheck},
 * {@link CompareCheck}.
 */
public interface CheckKind extends Kind<CheckKind.Observation> {
    /** Every registered check kind, ratelab's first. */
    Registry<CheckKind> REGISTRY = new Registry<>("check", "kind", CheckKind.class);

    /** True when the observed number is a fraction: the check's {@code expect} must then overlap [0, 1]. */
    default boolean fraction() { return false; }

    /** True when the kind can be a side of a {@code compare} check (one observed number per side). */
    default boolean comparable() { return false; }

    /** A kind's parsed section: what to observe, validated at plan time, evaluated over the selected runs. */
    interface Observation extends Serializable {
        /**
         * Refuses, at plan time, names the runs do not have (configuration paths, axes, metrics, eps of
         * {@code fits.eps}): a {@link org.ratelab.spec.SpecException} from {@link PlanContext#error}.
         */
        default void validate(PlanContext ctx) {}

        /**
         * The observed numbers: one, or one per group with its label (a law over several groups). Called for two
         * checks at once on two threads ({@link Checks#inOrder}): it keeps no state outside its own record.
         */
        List<Observed> observe(Selection s);
    }
}
