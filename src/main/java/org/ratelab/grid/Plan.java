package org.ratelab.grid;

import org.ratelab.train.RunConfig;
import java.util.List;
import org.ratelab.spec.ExperimentSpec;

/**
 * An expanded grid: every run, in plan order, fully resolved and validated. The runs are usually a lazy list
 * (each built when read, from its sections' distinct bindings; see {@code Expansion}): iterate them rather
 * than copy them, and use {@link #totalCost()}, {@link #maxCost()} and {@link #axisValues()}, which do not
 * read every run.
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

    /** Run {@code index}'s estimated cost ({@code runs().get(index).cost()}), without binding a lazy run. */
    public double cost(int index) {
        return runs instanceof Expansion x ? x.cost(index) : runs.get(index).cost();
    }

    /** Run {@code index}'s run_id ({@code runs().get(index).runId()}), without binding a lazy run's sections. */
    public String runId(int index) {
        return runs instanceof Expansion x ? x.runId(index) : runs.get(index).runId();
    }

    /** Total estimated cost in floating-point operations. */
    public double totalCost() {
        if (runs instanceof Expansion x) return x.totalCost();
        double c = 0;
        for (RunConfig r : runs) c += r.cost();
        return c;
    }

    /** The largest run's estimated cost in floating-point operations (0 for no runs). */
    public double maxCost() {
        if (runs instanceof Expansion x) return x.maxCost();
        double c = 0;
        for (RunConfig r : runs) c = Math.max(c, r.cost());
        return c;
    }

    /**
     * Each axis's distinct values (canonical text) in order of first appearance in the plan, axes in
     * {@link #axisNames()} order; read from the distinct values of each section, not from every run, when the
     * runs are a lazy expansion.
     */
    public java.util.Map<String, List<String>> axisValues() {
        if (runs instanceof Expansion x) return x.axisValues();
        java.util.Map<String, java.util.Set<String>> values = new java.util.LinkedHashMap<>();
        for (String a : axisNames) values.put(a, new java.util.LinkedHashSet<>());
        for (RunConfig r : runs) {
            for (java.util.Map.Entry<String, String> e : r.axes().entrySet()) {
                values.computeIfAbsent(e.getKey(), k -> new java.util.LinkedHashSet<>()).add(e.getValue());
            }
        }
        java.util.Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        for (java.util.Map.Entry<String, java.util.Set<String>> e : values.entrySet()) {
            out.put(e.getKey(), List.copyOf(e.getValue()));
        }
        return out;
    }
}
