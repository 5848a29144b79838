package org.ratelab.checks;

import java.util.List;
import org.ratelab.api.Doc;
import org.ratelab.spec.Node;

/**
 * {@code compare: {left, right}}: the difference left − right of two law exponents, rate medians or values,
 * each side a mapping with its own {@code law}, {@code rate} or {@code value} (any kind that is
 * {@link CheckKind#comparable}) and {@code where}. A side is named by its key path
 * ({@code checks[3].compare.left}), which seeds its bootstrap; a side with several groups gives its first.
 */
public record CompareCheck(
        @Doc("the minuend: {law|rate|value: ..., where: ...}") CheckSpec left,
        @Doc("the subtrahend, as left") CheckSpec right) implements CheckKind.Observation {

    public static final String NAME = "compare";
    static final String SIDE = "a mapping: one of law, rate or value (as in those checks) and where";

    static CompareCheck parse(Node n) {
        if (n.describing()) {
            n.declare("left", SIDE, "required");
            n.declare("right", SIDE, "required");
            return new CompareCheck(null, null);
        }
        return new CompareCheck(CheckSpec.parse(n.child("left"), false), CheckSpec.parse(n.child("right"), false));
    }

    @Override
    public void validate(PlanContext ctx) {
        ctx.validate(left, "left");
        ctx.validate(right, "right");
    }

    @Override
    public List<Observed> observe(Selection s) {
        List<Observed> l = s.observe(left);
        List<Observed> r = s.observe(right);
        Observed a = l.get(0);
        Observed b = r.get(0);
        double diff = a.value() - b.value();
        String detail = "left " + Checks.fmt(a.value()) + " (" + a.detail() + ") minus right " + Checks.fmt(b.value())
                + " (" + b.detail() + ")" + (l.size() > 1 || r.size() > 1 ? "; first group of several" : "");
        return List.of(Observed.of(diff, a.lo() - b.hi(), a.hi() - b.lo(), a.runs() + b.runs(), detail));
    }

    /** The compare kind. */
    public static final class Provider implements CheckKind {
        @Override public String name() { return NAME; }
        @Override public String doc() { return "The difference left - right of two law exponents, rate medians or values, each side with its own where"; }
        @Override public Class<? extends Record> config() { return CompareCheck.class; }
        @Override public CheckKind.Observation parse(Node n) { return CompareCheck.parse(n); }
    }
}
