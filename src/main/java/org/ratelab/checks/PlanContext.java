package org.ratelab.checks;

import java.util.List;
import java.util.Map;
import org.ratelab.fits.FitSpec;
import org.ratelab.grid.Plan;
import org.ratelab.spec.SpecException;

/**
 * What a check kind validates against at plan time: the plan (its axes), the first run's resolved
 * configuration, the fits section, and the key path of the kind's section ({@code checks[2].law}) that errors
 * name.
 */
public final class PlanContext {
    private final String path;
    private final Map<String, Object> config;
    private final Plan plan;
    private final FitSpec fit;

    PlanContext(String path, Map<String, Object> config, Plan plan, FitSpec fit) {
        this.path = path;
        this.config = config;
        this.plan = plan;
        this.fit = fit;
    }

    /** The kind's section path, e.g. {@code checks[2].law}. */
    public String path() { return path; }

    /** A one-line error at {@code path.key} (at the section itself when key is null), naming the spec file. */
    public SpecException error(String key, String reason) {
        return new SpecException(plan.spec().file(), key == null ? path : path + "." + key, reason);
    }

    /** The value at a dotted path of a run's configuration ({@code optimizer.lr}), or null. */
    public Object setting(String dotted) { return Checks.setting(config, dotted); }

    /** The grid's axes. */
    public List<String> axes() { return plan.axisNames(); }

    public FitSpec fit() { return fit; }

    /** Validates a nested check (a side of a compare) at {@code path.key}. */
    public void validate(CheckSpec nested, String key) {
        Checks.validate(nested, path + "." + key, config, plan, fit);
    }
}
