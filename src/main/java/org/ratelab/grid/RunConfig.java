package org.ratelab.grid;

import java.io.Serializable;
import java.util.Map;
import org.ratelab.data.DataSpec;
import org.ratelab.model.ModelSpec;
import org.ratelab.optim.OptimizerSpec;
import org.ratelab.train.TrainSpec;

/**
 * One fully resolved run of a grid: what travels to an executor.
 *
 * @param runId      stable id: a hash of {@code configJson}
 * @param experiment the spec's experiment name
 * @param index      position in the plan (0-based, for ordering only)
 * @param seed       the run's seed (a grid axis like any other); every random stream derives from it
 * @param axes       the grid-axis values that produced this run, dotted path → canonical value text, in
 *                   axis order
 * @param groupKey   the axes other than {@code model.width} and {@code seed}: the group of a width law
 * @param configJson canonical JSON of the resolved configuration (sorted keys, defaults filled in)
 * @param cost       estimated cost in floating-point operations (for scheduling and progress)
 */
public record RunConfig(String runId, String experiment, int index, long seed, DataSpec data, ModelSpec model,
                        OptimizerSpec optimizer, TrainSpec train, Map<String, String> axes, String groupKey,
                        String configJson, double cost) implements Serializable {
}
