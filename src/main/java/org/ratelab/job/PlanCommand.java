package org.ratelab.job;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ratelab.grid.Plan;
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
        for (Map.Entry<String, List<String>> e : plan.axisValues().entrySet()) {
            out.println("axis " + e.getKey() + " (" + e.getValue().size() + "): " + listed(e.getValue()));
        }
        double flops = plan.totalCost();
        double maxRun = plan.maxCost();
        out.printf("estimated cost %.3g GFLOP, about %s of one core at %.0f GFLOP/s (largest run %s)%n",
                flops / 1e9, duration(flops / ASSUMED_FLOPS_PER_CORE), ASSUMED_FLOPS_PER_CORE / 1e9,
                duration(maxRun / ASSUMED_FLOPS_PER_CORE));
        return 0;
    }

    /** Values shown in full up to this many; a longer axis shows its first and last three. */
    static final int LISTED = 12;

    /** An axis's values, a long axis as its first and last values around an ellipsis (the count is beside). */
    static String listed(List<String> values) {
        if (values.size() <= LISTED) return String.join(", ", values);
        return String.join(", ", values.subList(0, 3)) + ", …, "
                + String.join(", ", values.subList(values.size() - 3, values.size()));
    }

    static String duration(double seconds) {
        if (seconds < 1) return String.format("%.2f s", seconds);
        if (seconds < 120) return String.format("%.0f s", seconds);
        if (seconds < 7200) return String.format("%.1f min", seconds / 60);
        return String.format("%.1f h", seconds / 3600);
    }
}
