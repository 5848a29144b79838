package org.ratelab.probes;

import org.ratelab.api.Doc;
import org.ratelab.linalg.Blas;
import org.ratelab.model.Model;
import org.ratelab.spec.Node;

/**
 * {@code noise}: {@code noise_var} = E‖∇f_B − ∇F‖² at the run's batch size and sampling (0 for full batch) and
 * {@code noise_ratio} = noise_var / F, from per-sample gradients: exact (all n) when n ≤ {@code exactMaxN}, else
 * estimated from {@code samples} per-sample gradients drawn with replacement from the {@code probe} stream. A
 * model whose minibatch gradients draw noise gives its closed form instead. Only at finite points.
 */
public record NoiseProbe(@Doc(Probes.ENABLED) boolean enabled, @Doc(Probes.EVERY) int every,
                         @Doc("largest n for the exact spread over all samples") int exactMaxN,
                         @Doc("per-sample gradients drawn above exact_max_n") int samples) implements ProbeConfig {
    public static final String NAME = "noise";

    static NoiseProbe parse(Node n) {
        return new NoiseProbe(n.bool("enabled", false), Probes.every(n),
                n.integer("exact_max_n", 1024, 0, Integer.MAX_VALUE), n.integer("samples", 256, 2, 10_000_000));
    }

    @Override
    public Probe instantiate(Probe.Run run) {
        Model model = run.model();
        int batch = run.batch();
        boolean shuffle = run.shuffle();
        int dim = run.dim();
        return (at, out) -> {
            if (!at.finite()) return;
            int n = model.n();
            double var;
            if (batch == 0 || batch >= n && shuffle) {
                var = 0.0;                                   // the full gradient: no sampling noise
            } else if (model.minibatchNoiseVar(1) > 0) {
                out.note("noise: the model's own gradient noise in closed form; per-sample gradients not drawn (they "
                        + "would consume the training noise stream)");
                var = model.minibatchNoiseVar(batch);
            } else {
                boolean exact = n <= exactMaxN;
                if (!exact) out.note("noise: sampled " + samples + " per-sample gradients (n=" + n
                        + " > exact_max_n " + exactMaxN + ")");
                double s = perSampleSpread(run, at.theta().clone(), at.grad(), exact ? n : samples, exact, dim);
                var = minibatchVariance(s, n, batch, shuffle);
            }
            out.put(Metrics.NOISE_VAR, var);
            if (at.loss() > 0) out.put(Metrics.NOISE_RATIO, var / at.loss());
        };
    }

    /** (1/n) Σ_i ‖∇f_i − ∇F‖², exactly or as a sample mean over uniformly drawn i. */
    private static double perSampleSpread(Probe.Run run, double[] theta, double[] grad, int count, boolean exact,
                                          int dim) {
        Model model = run.model();
        double[] g = new double[dim];
        int[] idx = new int[1];
        double s = 0;
        for (int r = 0; r < count; r++) {
            idx[0] = exact ? r : run.rng().nextInt(model.n());
            model.lossGrad(theta, idx, 1, g);
            s += Blas.distSq(g, grad, 0, dim);
        }
        return s / count;
    }

    /**
     * E‖∇f_B − ∇F‖² for a minibatch of B samples, given the per-sample spread S = (1/n) Σ ‖∇f_i − ∇F‖²:
     * S/B with replacement, S/B·(n−B)/(n−1) without (a uniformly random B-subset).
     */
    public static double minibatchVariance(double spread, int n, int b, boolean withoutReplacement) {
        if (!withoutReplacement) return spread / b;
        return n <= 1 ? 0.0 : spread / b * (n - b) / (n - 1);
    }

    /** Registers {@code NoiseProbe} (META-INF/services/org.ratelab.probes.ProbeKind). */
    public static final class Provider implements ProbeKind {
        @Override public String name() { return NAME; }
        @Override public String doc() {
            return "noise_var, noise_ratio: minibatch gradient noise from n per-sample gradients (n <= exact_max_n), else from samples drawn";
        }
        @Override public Class<? extends Record> config() { return NoiseProbe.class; }
        @Override public ProbeConfig parse(Node n) { return NoiseProbe.parse(n); }
        @Override public boolean inEveryConfig() { return true; }
    }
}
