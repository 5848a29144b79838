package org.ratelab.spec;

import java.io.Serializable;
import java.util.List;

/**
 * A grid axis: a dotted key path and the values it takes. Axes of a {@code zip} group share an index;
 * separate axes and groups combine as a cartesian product.
 *
 * @param path   dotted key path, e.g. {@code model.width}, {@code optimizer.lr}, {@code seed}
 * @param values the values, as parsed from YAML (any YAML value, including mappings)
 * @param group  -1 for an independent axis, else the index of its zip group
 */
public record Axis(String path, List<Object> values, int group) implements Serializable {
}
