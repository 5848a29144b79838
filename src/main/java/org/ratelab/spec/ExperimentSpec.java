package org.ratelab.spec;

import java.util.List;
import java.util.Map;

/**
 * A loaded, profile-resolved experiment spec, before grid expansion.
 *
 * @param file        the spec file as given (for error messages)
 * @param name        {@code experiment}
 * @param description {@code description}
 * @param profile     the profile applied, or "default"
 * @param base        the run template: {@code seed, data, model, train} and the shared {@code optimizer}
 * @param optimizers  one entry per optimizer: its merged {@code optimizer} section and its own axes
 * @param axes        the grid axes shared by every optimizer
 * @param maxRuns     the grid size above which {@code run} and {@code plan} need {@code --force}
 * @param sections    the spec's analysis sections (e.g. {@code checks}), as parsed, for later stages
 * @param claim       the THEORY.md claim the experiment tests ({@code claim}, 0 for none)
 * @param reference   where in the seed documents the claim comes from ({@code reference})
 */
public record ExperimentSpec(String file, String name, String description, String profile,
                             Map<String, Object> base, List<OptimizerEntry> optimizers, List<Axis> axes,
                             long maxRuns, Map<String, Object> sections, int claim, String reference) {

    /**
     * One optimizer of the spec with the axes that apply to it alone.
     *
     * @param ownKeys the dotted paths (under {@code optimizer.}) that the entry itself sets: with several
     *                optimizers they tell the entries apart, so they join the run's axes and group key
     */
    public record OptimizerEntry(Map<String, Object> section, List<Axis> axes, List<String> ownKeys) {
    }
}
