package org.ratelab.train;

/** How a run ended (the runs table's {@code status}). */
public enum RunStatus {
    /** The configured loss threshold was reached. */
    CONVERGED,
    /** All steps ran without reaching the threshold. */
    MAX_STEPS,
    /** The loss became NaN/Inf or blew up past the divergence factor; {@code diverged_step} says when. */
    DIVERGED,
    /** An exception stopped the run; {@code message} says which. */
    FAILED;

    /** The table value: lower case. */
    public String label() { return name().toLowerCase(); }
}
