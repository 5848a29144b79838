package org.ratelab.table;

import java.util.Arrays;
import java.util.List;
import org.ratelab.train.RunStatus;

/**
 * The values of the runs table's {@code status} column: the labels of {@link RunStatus}, for the stages after
 * {@code table} (the report) that may not use {@code train} themselves.
 */
public final class Statuses {
    private Statuses() {}

    public static final String CONVERGED = RunStatus.CONVERGED.label();
    public static final String MAX_STEPS = RunStatus.MAX_STEPS.label();
    public static final String DIVERGED = RunStatus.DIVERGED.label();
    public static final String FAILED = RunStatus.FAILED.label();

    /** Every status, in {@link RunStatus}'s order (converged, max_steps, diverged, failed). */
    public static final List<String> ALL = Arrays.stream(RunStatus.values()).map(RunStatus::label).toList();
}
