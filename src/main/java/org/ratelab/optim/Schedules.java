package org.ratelab.optim;

import java.util.List;
import org.ratelab.api.Registry;
import org.ratelab.spec.Node;

/**
 * The schedule registry: every {@link ScheduleKind} on the class path or in a plug-in jar, and the parser of
 * an optimizer's {@code schedule:} section (the kind selected by {@code kind}, default {@code constant}).
 */
public final class Schedules {
    private Schedules() {}

    public static final Registry<ScheduleKind> REGISTRY = new Registry<>("schedule", "kind", ScheduleKind.class);

    /** Every registered schedule kind, ratelab's own first. */
    public static List<String> names() { return REGISTRY.names(); }

    /**
     * Parses a {@code schedule:} section: absent or empty is {@link Schedule#CONSTANT}; otherwise {@code kind}
     * (default {@code constant}) selects the kind, whose parser reads the other keys. A record's own validation
     * (cross-key constraints) is reported at the section's path; an unknown key is refused.
     */
    public static Schedule parse(Node n) {
        if (n.isEmpty()) return Schedule.CONSTANT;
        String kind = n.choice("kind", "constant", REGISTRY.names());
        Schedule s;
        try {
            s = REGISTRY.get(kind).parse(n);
        } catch (IllegalArgumentException e) {
            throw n.error(null, e.getMessage());
        }
        n.done();
        return s;
    }
}
