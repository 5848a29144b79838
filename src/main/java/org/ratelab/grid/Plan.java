package org.ratelab.grid;

import org.ratelab.train.RunConfig;
import java.util.List;
import org.ratelab.spec.ExperimentSpec;

/**
 * An expanded grid: every run, in plan order, fully resolved and validated.
 *
 * @param axisNames the axes that vary across runs, in order (including {@code optimizer.name} when the
 *                  spec lists several optimizers)
 */
public record Plan(ExperimentSpec spec, List<RunConfig> runs, List<String> axisNames) {
    /** For each axis in a zip group, the other axes of its group (across every optimizer entry). */
    public java.util.Map<String, java.util.Set<String>> zipLinks() {
        java.util.Map<String, java.util.Set<String>> links = new java.util.TreeMap<>();
        java.util.List<java.util.List<org.ratelab.spec.Axis>> groups = new java.util.ArrayList<>();
        groups.addAll(Planner.zipGroups(spec.axes()));
        for (org.ratelab.spec.ExperimentSpec.OptimizerEntry e : spec.optimizers()) {
            groups.addAll(Planner.zipGroups(e.axes()));
        }
        for (java.util.List<org.ratelab.spec.Axis> g : groups) {
            for (org.ratelab.spec.Axis a : g) {
                for (org.ratelab.spec.Axis b : g) {
                    if (!a.path().equals(b.path())) {
                        links.computeIfAbsent(a.path(), k -> new java.util.TreeSet<>()).add(b.path());
                    }
                }
            }
        }
        return links;
    }

    /** Total estimated cost in floating-point operations. */
    public double totalCost() {
        double c = 0;
        for (RunConfig r : runs) c += r.cost();
        return c;
    }
}
