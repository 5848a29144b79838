package org.ratelab.train;

import java.io.Serializable;
import java.util.Map;
import org.ratelab.data.DataSpec;
import org.ratelab.model.ModelSpec;
import org.ratelab.optim.OptimizerSpec;
import org.ratelab.probes.ProbeSpec;
import org.ratelab.train.TrainSpec;

/**
 * One fully resolved run of a grid: what travels to an executor.
 *
 * @param runId      stable id: a hash of {@code configJson}, less the keys added later that sit at the value
 *                   reproducing the earlier behaviour ({@code RunBinder.identity})
 * @param experiment the spec's experiment name
 * @param index      position in the plan (0-based, for ordering only)
 * @param seed       the run's seed (a grid axis like any other); every random stream derives from it
 * @param axes       the grid-axis values that produced this run, dotted path → canonical value text, in
 *                   axis order
 * @param groupKey   the axes other than {@code model.width} and {@code seed}: the group of a width law
 * @param configJson canonical JSON of the resolved configuration (sorted keys, defaults filled in)
 * @param cost       estimated cost in floating-point operations (for scheduling and progress)
 * @param probes     the diagnostics measured along the run (the {@code probes:} section)
 * @param n          training samples of the data set, as planned (read on the driver: a run whose data
 *                   cannot be read on its executor still has its row, with status failed)
 * @param d          input dimension of the data set, as planned
 */
public record RunConfig(String runId, String experiment, int index, long seed, DataSpec data, ModelSpec model,
                        OptimizerSpec optimizer, TrainSpec train, Map<String, String> axes, String groupKey,
                        String configJson, double cost, ProbeSpec probes, int n, int d) implements Serializable {
    /** A run whose data set sizes are read from its data spec now. */
    public RunConfig(String runId, String experiment, int index, long seed, DataSpec data, ModelSpec model,
                     OptimizerSpec optimizer, TrainSpec train, Map<String, String> axes, String groupKey,
                     String configJson, double cost, ProbeSpec probes) {
        this(runId, experiment, index, seed, data, model, optimizer, train, axes, groupKey, configJson, cost,
                probes, data.n(), data.d());
    }

    /** A run with the default probes. */
    public RunConfig(String runId, String experiment, int index, long seed, DataSpec data, ModelSpec model,
                     OptimizerSpec optimizer, TrainSpec train, Map<String, String> axes, String groupKey,
                     String configJson, double cost) {
        this(runId, experiment, index, seed, data, model, optimizer, train, axes, groupKey, configJson, cost,
                ProbeSpec.DEFAULT);
    }
}
