package org.ratelab.testkit;

/**
 * A small training problem for the checks: its {@code data:} and {@code model:} sections as spec YAML (flow
 * or block), e.g. {@code "{kind: teacher_student, n: 24, d: 4}"} and {@code "{kind: two_layer, width: 8}"}.
 *
 * @param name  shown in the test's display name
 * @param data  the {@code data:} section
 * @param model the {@code model:} section
 */
public record Problem(String name, String data, String model) {
    /** A two-layer tanh network (NTK parameterization) on a two-layer teacher: non-convex, allocation-free. */
    public static final Problem TWO_LAYER = new Problem("two_layer",
            "{kind: teacher_student, n: 24, d: 4, teacher: two_layer, teacher_width: 3, test_n: 8}",
            "{kind: two_layer, width: 8, activation: tanh, parameterization: ntk}");

    /** Least squares on a noisy linear teacher: convex, with closed-form F*, L and μ. */
    public static final Problem LEAST_SQUARES = new Problem("linear_regression",
            "{kind: teacher_student, n: 24, d: 4, teacher: linear, noise: 0.1, test_n: 8}",
            "{kind: linear_regression, init: gaussian}");

    @Override
    public String toString() { return name; }
}
