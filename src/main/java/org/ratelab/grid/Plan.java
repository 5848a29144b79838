package org.ratelab.grid;

import java.util.List;
import org.ratelab.spec.ExperimentSpec;

/**
 * An expanded grid: every run, in plan order, fully resolved and validated.
 *
 * @param axisNames the axes that vary across runs, in order (including {@code optimizer.name} when the
 *                  spec lists several optimizers)
 */
public record Plan(ExperimentSpec spec, List<RunConfig> runs, List<String> axisNames) {
    /** Total estimated cost in floating-point operations. */
    public double totalCost() {
        double c = 0;
        for (RunConfig r : runs) c += r.cost();
        return c;
    }
}
