package org.ratelab.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What {@link Mlp} builds: the network of a {@link TwoLayerSpec}, {@link MlpSpec} or {@link DeepLinearSpec},
 * its spec's strings parsed once into enums. Built with {@link #builder}; the values a builder leaves unset
 * are the plain network's (output scale 1, no biases, σ_w = 1, σ_b = 0, every layer trained, blocks named
 * W1, b1, …, square loss).
 *
 * @param trainable     per weight layer 1..depth, whether its block is trained
 * @param twoLayerNames at depth 2, name the blocks W, b, a, c instead of W1, b1, W2, b2
 */
record MlpConfig(int depth, int width, Activation activation, Parameterization parameterization,
                 double outputScale, boolean bias, double sigmaW, double sigmaB, Init init, double initScale,
                 boolean[] trainable, boolean twoLayerNames, Loss loss) {
    MlpConfig {
        if (depth < 1) throw new IllegalArgumentException("depth must be >= 1, got " + depth);
        if (trainable.length != depth) {
            throw new IllegalArgumentException("trainable.length=" + trainable.length + " but depth=" + depth);
        }
        trainable = trainable.clone();
    }

    @Override public boolean[] trainable() { return trainable.clone(); }

    /** σ of the hidden layers; the order is the spec's list of choices. */
    enum Activation {
        TANH, RELU, SOFTPLUS, IDENTITY;

        static Activation of(String label) { return parse(values(), label, "activation"); }
    }

    /** standard (fan-in init), ntk (Jacot et al. 2018) or meanfield (Chizat &amp; Bach 2018). */
    enum Parameterization {
        STANDARD, NTK, MEANFIELD;

        static Parameterization of(String label) { return parse(values(), label, "parameterization"); }
    }

    /** gaussian, antisymmetric (neurons paired, h ≡ 0 at init) or chatterjee (Chatterjee 2022). */
    enum Init {
        GAUSSIAN, ANTISYMMETRIC, CHATTERJEE;

        static Init of(String label) { return parse(values(), label, "init"); }
    }

    /** square (y − h)², or logistic log(1 + e^{−yh}) for labels ±1. */
    enum Loss {
        SQUARE, LOGISTIC;

        static Loss of(String label) { return parse(values(), label, "loss"); }
    }

    /** The labels of an enum's constants (their lower-case names), in order: a spec key's choices. */
    static List<String> labels(Enum<?>[] values) {
        return Arrays.stream(values).map(MlpConfig::label).toList();
    }

    private static String label(Enum<?> v) {
        return v.name().toLowerCase(Locale.ROOT);
    }

    private static <E extends Enum<E>> E parse(E[] values, String label, String what) {
        for (E v : values) if (label(v).equals(label)) return v;
        throw new IllegalArgumentException("unknown " + what + " " + label + "; expected one of " + labels(values));
    }

    static Builder builder(int depth, int width) {
        return new Builder(depth, width);
    }

    /** Names every setting of a network; {@link #build} parses the strings. */
    static final class Builder {
        private final int depth;
        private final int width;
        private String activation;
        private String parameterization;
        private double outputScale = 1.0;
        private boolean bias;
        private double sigmaW = 1.0;
        private double sigmaB;
        private String init;
        private double initScale;
        private boolean[] trainable;
        private boolean twoLayerNames;
        private String loss = "square";

        private Builder(int depth, int width) {
            this.depth = depth;
            this.width = width;
        }

        Builder activation(String a) { activation = a; return this; }
        Builder parameterization(String p) { parameterization = p; return this; }
        Builder outputScale(double s) { outputScale = s; return this; }
        Builder bias(boolean b) { bias = b; return this; }
        /** σ_w and σ_b, the weight and bias multipliers. */
        Builder sigmas(double w, double b) { sigmaW = w; sigmaB = b; return this; }
        /** The initialization and its scale (init_scale). */
        Builder init(String i, double scale) { init = i; initScale = scale; return this; }
        Builder trainable(boolean[] t) { trainable = t; return this; }
        Builder twoLayerNames() { twoLayerNames = true; return this; }
        Builder loss(String l) { loss = l; return this; }

        MlpConfig build() {
            if (activation == null || parameterization == null || init == null) {
                throw new IllegalStateException("activation, parameterization and init have no default");
            }
            boolean[] t = trainable;
            if (t == null) {
                t = new boolean[depth];
                Arrays.fill(t, true);
            }
            return new MlpConfig(depth, width, Activation.of(activation), Parameterization.of(parameterization),
                    outputScale, bias, sigmaW, sigmaB, Init.of(init), initScale, t, twoLayerNames, Loss.of(loss));
        }
    }
}
