package org.ratelab.testkit;

/** The checks of the conformance kit; a kind may exclude one only with a reason ({@code excluded()}). */
public enum Check {
    /** Gradient, minibatch gradient, Hessian-vector product and Jacobian rows against finite differences. */
    DERIVATIVES,
    /** Same run, same trajectory, bit for bit (after another run, and on another thread). */
    REPLAY,
    /** oracle_calls per step equal to the kind's cost model. */
    ORACLE_CALLS,
    /** No allocation per step after warm-up. */
    NO_ALLOCATION,
    /** Probes on or off: the same trajectory, bit for bit. */
    PROBES
}
