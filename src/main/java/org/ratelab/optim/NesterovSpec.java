package org.ratelab.optim;

import java.util.List;
import org.ratelab.spec.Node;

/**
 * Nesterov's accelerated gradient in the two-sequence form (Nesterov 1983; 2004, "Introductory Lectures",
 * §2.2): y_k = θ_k + β_k (θ_k − θ_{k−1}), θ_{k+1} = y_k − η_k g(y_k), θ_{−1} = θ_0. {@code variant: constant}
 * uses the strongly convex constant momentum β = momentum (β = (√κ−1)/(√κ+1) with η = 1/L gives spectral
 * radius 1 − 1/√κ on a quadratic); {@code variant: convex} uses β_k = k/(k+3) (Beck &amp; Teboulle 2009 form,
 * O(1/k²) on convex F). For the torch.optim convention use {@code sgd} with {@code nesterov: true}.
 * Costs B (or n) per-sample gradients per step, taken at y_k.
 */
public record NesterovSpec(double lr, double momentum, String variant, int batchSize, String sampling,
                           Schedule schedule, Noise noise) implements OptimizerSpec {
    public static final String NAME = "nesterov";
    static final List<String> VARIANTS = List.of("constant", "convex");

    static NesterovSpec parse(Node n) {
        return new NesterovSpec(n.positive("lr", 0.1), n.dbl("momentum", 0.9, 0.0, 1.0, false),
                n.choice("variant", "constant", VARIANTS), Gradients.batchSize(n, 0), Gradients.sampling(n),
                Schedule.parse(n.child("schedule")), Noise.parse(n.child("noise")));
    }

    @Override public String name() { return NAME; }

    @Override
    public Optimizer instantiate(int dim, int n, double lrScale) {
        Gradients source = new Gradients(dim, n, batchSize, sampling, noise);
        boolean convex = variant.equals("convex");
        double[] g = new double[dim];
        double[] prev = new double[dim];
        double[] y = new double[dim];
        return (k, theta, oracle) -> {
            double beta = k == 0 ? 0.0 : convex ? k / (k + 3.0) : momentum;
            for (int i = 0; i < dim; i++) {
                y[i] = theta[i] + beta * (theta[i] - prev[i]);
                prev[i] = theta[i];
            }
            source.grad(y, oracle, g);
            double eta = lr * lrScale * schedule.factor(k, source.batch());
            for (int i = 0; i < dim; i++) theta[i] = y[i] - eta * g[i];
        };
    }

    /** Registers {@code NesterovSpec} (META-INF/services/org.ratelab.optim.OptimizerKind). */
    public static final class Provider implements OptimizerKind {
        @Override public String name() { return NAME; }
        @Override public String doc() { return "Nesterov's accelerated gradient, two-sequence form (Nesterov 1983)"; }
        @Override public Class<? extends Record> config() { return NesterovSpec.class; }
        @Override public OptimizerSpec parse(Node n) { return NesterovSpec.parse(n); }
    }
}
