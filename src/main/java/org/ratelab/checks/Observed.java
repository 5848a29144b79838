package org.ratelab.checks;

/**
 * An observed number of a check with its interval, the count of runs it comes from and a one-line detail of
 * how it was computed; {@code label} names the group when a check yields one row per group ("" otherwise).
 */
public record Observed(String label, double value, double lo, double hi, long runs, String detail) {
    /** One number without groups. */
    public static Observed of(double value, double lo, double hi, long runs, String detail) {
        return new Observed("", value, lo, hi, runs, detail);
    }
}
