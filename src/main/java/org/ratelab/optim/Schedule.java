package org.ratelab.optim;

import java.io.Serializable;
import java.util.List;
import org.ratelab.spec.Node;

/**
 * A step-size schedule as a pure function of the iteration: η_k = lr · factor(k). Safe to share.
 *
 * @param kind {@code constant} (factor 1) or {@code robbins_monro}: η_k = lr / ((k + n0) / n0)^q, i.e.
 *             γ/(k+n₀)^q with γ = lr·n0^q, so that η_0 = lr (Robbins &amp; Monro 1951); q ∈ (0, 1]
 */
public record Schedule(String kind, double q, double n0) implements Serializable {
    public static final List<String> KINDS = List.of("constant", "robbins_monro");
    public static final Schedule CONSTANT = new Schedule("constant", 1.0, 1.0);

    public static Schedule parse(Node n) {
        if (!n.has("kind") && n.keys().isEmpty()) return CONSTANT;
        Schedule s = new Schedule(
                n.choice("kind", "constant", KINDS),
                n.dbl("q", 1.0, 0.0, 1.0, true),
                n.dbl("n0", 1.0, 0.0, 1e12, true));
        n.done();
        return s;
    }

    /** Multiplier of the base step size at iteration k (0-based). */
    public double factor(long k) {
        return switch (kind) {
            case "robbins_monro" -> Math.pow((k + n0) / n0, -q);
            default -> 1.0;
        };
    }
}
