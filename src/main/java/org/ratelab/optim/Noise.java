package org.ratelab.optim;

import java.io.Serializable;
import java.util.List;
import java.util.random.RandomGenerator;
import org.ratelab.spec.Node;

/**
 * Noise injected into the gradient for theory experiments: the step uses ∇F(θ) + Z_k (or the minibatch
 * gradient + Z_k), drawn from the run's optimizer stream.
 *
 * <ul>
 *   <li>{@code none}.</li>
 *   <li>{@code gaussian}: Z = scale · N(0, I) (the noisy quadratic of THEORY.md).</li>
 *   <li>{@code bounded}: Z uniform in the ball of radius scale (E Z = 0, |Z| ≤ scale; An &amp; Lu 2024,
 *       arXiv:2304.09221, (2.9)).</li>
 *   <li>{@code aligned}: An &amp; Lu Theorem 4.1: O_k Z_k = |Z_k| · Z_1/|Z_1|, Z_k i.i.d. uniform in the ball
 *       of radius scale; every injected vector points along the first draw.</li>
 *   <li>{@code ml}: "machine-learning noise" of An &amp; Lu Assumption 4: √(scale · F(θ)) · Z with
 *       Z = N(0, I)/√d, so E Z = 0 and E|Z|² = 1. F(θ) is the loss returned by the full-gradient request
 *       (exact, free); with minibatches it is the full loss {@link Oracle#fullLoss}, which evaluates no
 *       gradient and is not counted. Requires F ≥ 0.</li>
 * </ul>
 *
 * @param kind  one of {@link #KINDS}
 * @param scale σ (gaussian), radius c (bounded, aligned) or σ of Assumption 4 (ml); ≥ 0
 */
public record Noise(String kind, double scale) implements Serializable {
    public static final List<String> KINDS = List.of("none", "gaussian", "bounded", "aligned", "ml");
    public static final Noise NONE = new Noise("none", 1.0);

    public Noise {
        if (!KINDS.contains(kind)) throw new IllegalArgumentException("noise.kind=" + kind);
        if (!(scale >= 0) || !Double.isFinite(scale)) throw new IllegalArgumentException("noise.scale=" + scale);
    }

    public static Noise parse(Node n) {
        if (n.isEmpty()) return NONE;
        Noise s = new Noise(n.choice("kind", "none", KINDS), n.nonNegative("scale", NONE.scale));
        n.done();
        return s;
    }

    public boolean none() { return kind.equals("none"); }

    /** Per-run noise state (the aligned direction; a work buffer), or null for {@code none}. */
    State instantiate(int dim) { return none() ? null : new State(this, dim); }

    static final class State {
        private final Noise c;
        private final double[] z;
        private final double[] direction; // aligned: Z_1/|Z_1|, fixed at the first draw
        private boolean haveDirection;

        State(Noise c, int dim) {
            this.c = c;
            this.z = new double[dim];
            this.direction = c.kind.equals("aligned") ? new double[dim] : null;
        }

        /**
         * Adds one draw of the noise to g (modified). {@code loss} is F(θ) when the caller has it exactly
         * (full gradient), else NaN and the ml kind asks the oracle for the full loss.
         */
        void add(double[] g, double[] theta, double loss, Oracle oracle) {
            RandomGenerator rng = oracle.rng();
            int d = g.length;
            switch (c.kind) {
                case "gaussian" -> {
                    for (int i = 0; i < d; i++) g[i] += c.scale * rng.nextGaussian();
                }
                case "bounded" -> {
                    double r = ball(rng);
                    for (int i = 0; i < d; i++) g[i] += r * z[i];
                }
                case "aligned" -> {
                    double r = ball(rng);
                    if (!haveDirection) {
                        System.arraycopy(z, 0, direction, 0, d);
                        haveDirection = true;
                    }
                    for (int i = 0; i < d; i++) g[i] += r * direction[i];
                }
                case "ml" -> {
                    double f = Double.isNaN(loss) ? oracle.fullLoss(theta) : loss;
                    if (f < 0) throw new IllegalStateException("ml noise needs F >= 0, got F=" + f);
                    double a = Math.sqrt(c.scale * f / d);
                    for (int i = 0; i < d; i++) g[i] += a * rng.nextGaussian();
                }
                default -> throw new IllegalStateException("noise kind " + c.kind);
            }
        }

        /** Draws a uniform point of the ball of radius scale as r·z, z a unit vector; returns r. */
        private double ball(RandomGenerator rng) {
            int d = z.length;
            double s;
            do {
                s = 0;
                for (int i = 0; i < d; i++) {
                    z[i] = rng.nextGaussian();
                    s += z[i] * z[i];
                }
            } while (s == 0);
            double inv = 1.0 / Math.sqrt(s);
            for (int i = 0; i < d; i++) z[i] *= inv;
            return c.scale * Math.pow(rng.nextDouble(), 1.0 / d);
        }
    }
}
