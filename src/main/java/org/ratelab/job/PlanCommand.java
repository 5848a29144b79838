package org.ratelab.job;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.ratelab.grid.Plan;
import org.ratelab.train.RunConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ratelab plan SPEC}: the run count, the axes and an estimated cost, without running anything. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Expand and validate a spec; print the run count, the axes and the estimated cost.")
final class PlanCommand implements Callable<Integer> {
    /** Assumed sustained rate for the time estimate (a quarter of single-thread dgemm, PLATFORM.md). */
    static final double ASSUMED_FLOPS_PER_CORE = 10e9;

    @Mixin SpecOptions opts;
    @Spec CommandSpec cmd;

    @Override
    public Integer call() {
        Plan plan = opts.plan();
        PrintWriter out = cmd.commandLine().getOut();
        out.println("experiment " + plan.spec().name() + " (" + plan.spec().file() + ", profile "
                + plan.spec().profile() + ")");
        out.println("runs " + plan.runs().size());
        Map<String, Set<String>> values = new LinkedHashMap<>();
        for (String a : plan.axisNames()) values.put(a, new LinkedHashSet<>());
        for (RunConfig r : plan.runs()) {
            for (Map.Entry<String, String> e : r.axes().entrySet()) {
                values.computeIfAbsent(e.getKey(), k -> new LinkedHashSet<>()).add(e.getValue());
            }
        }
        for (Map.Entry<String, Set<String>> e : values.entrySet()) {
            out.println("axis " + e.getKey() + " (" + e.getValue().size() + "): " + String.join(", ", e.getValue()));
        }
        double flops = plan.totalCost();
        double maxRun = plan.runs().stream().mapToDouble(RunConfig::cost).max().orElse(0);
        out.printf("estimated cost %.3g GFLOP, about %s of one core at %.0f GFLOP/s (largest run %s)%n",
                flops / 1e9, duration(flops / ASSUMED_FLOPS_PER_CORE), ASSUMED_FLOPS_PER_CORE / 1e9,
                duration(maxRun / ASSUMED_FLOPS_PER_CORE));
        return 0;
    }

    static String duration(double seconds) {
        if (seconds < 1) return String.format("%.2f s", seconds);
        if (seconds < 120) return String.format("%.0f s", seconds);
        if (seconds < 7200) return String.format("%.1f min", seconds / 60);
        return String.format("%.1f h", seconds / 3600);
    }
}
