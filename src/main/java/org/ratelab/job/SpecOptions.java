package org.ratelab.job;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ratelab.api.Plugins;
import org.ratelab.grid.Plan;
import org.ratelab.grid.Planner;
import org.ratelab.spec.ExperimentSpec;
import org.ratelab.spec.SpecLoader;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The spec argument and planning flags shared by {@code run} and {@code plan}. */
final class SpecOptions {
    @Parameters(index = "0", paramLabel = "SPEC", description = "Experiment spec (YAML).")
    Path spec;

    @Option(names = "--profile", paramLabel = "P", defaultValue = "default",
            description = "Spec profile to apply: smoke, default, large, or any the spec defines (default: ${DEFAULT-VALUE}).")
    String profile;

    @Option(names = "--max-runs", paramLabel = "N",
            description = "Grid size above which --force is needed (default: the spec's limits.max_runs, else 10000).")
    Long maxRuns;

    @Option(names = "--force", description = "Run a grid larger than the size limit.")
    boolean force;

    @Option(names = "--jars", paramLabel = "JAR[,JAR...]", split = ",",
            description = "Plug-in jars whose kinds (optimizers, models, data sources) the spec may name; "
                    + "also every *.jar of a plugins/ directory beside the spec and of RATELAB_PLUGINS.")
    List<Path> jars = new ArrayList<>();

    /** Loads the plug-ins of {@code --jars}, {@code plugins/} beside the spec and {@code RATELAB_PLUGINS}. */
    void usePlugins() {
        Plugins.use(Plugins.gather(jars, spec, System.getenv("RATELAB_PLUGINS")));
    }

    /** Loads, checks the size limit, expands and validates every run against this JVM's executor heap. */
    Plan plan() {
        return plan(org.ratelab.grid.Memory.executorHeap(null, null));
    }

    /**
     * Loads, checks the size limit, expands and validates every run; each run's memory estimate is held
     * against {@code executorHeapBytes}.
     */
    Plan plan(long executorHeapBytes) {
        if (maxRuns != null && maxRuns < 1) throw new UsageException("--max-runs must be >= 1, got " + maxRuns);
        usePlugins();
        ExperimentSpec s = SpecLoader.load(spec, profile);
        long count = Planner.count(s);
        long limit = maxRuns != null ? maxRuns : s.maxRuns();
        if (count > limit && !force) {
            throw new UsageException(spec + ": the grid has " + count + " runs, above the limit of " + limit
                    + " (limits.max_runs or --max-runs); pass --force to run it anyway");
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw new UsageException(spec + ": the grid has " + count + " runs, more than one job can plan");
        }
        Plan plan = Planner.plan(s, executorHeapBytes);
        GridJob.Analysis.of(plan);  // fits and checks sections: validated before anything starts
        return plan;
    }
}
