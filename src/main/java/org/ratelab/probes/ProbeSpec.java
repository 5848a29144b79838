package org.ratelab.probes;

import java.io.Serializable;
import java.util.Map;
import org.ratelab.spec.Canon;
import org.ratelab.spec.Node;

/**
 * The run section {@code probes:}: which diagnostics are measured, how often, and within what budget.
 *
 * <p>Schedule: every probe runs at recorded points only (see {@code train.record}). A probe with
 * {@code every: k ≥ 1} runs at every k-th recorded point (index 0, k, 2k, … of the run's curve) and always at
 * the last recorded point; {@code every: 0} runs at the first and last recorded points only. {@code loss} and
 * {@code grad_norm_sq} are always measured (they decide convergence and divergence). A probe that would exceed
 * its budget is skipped at that point with a reason in {@code runs.probe_notes}, never silently.
 *
 * @param optimalLoss  F* for {@code pl_ratio}; null (the default): the model's closed form F* when known,
 *                     else 0 (interpolation)
 * @param escapeRadius radius R of the ball B(θ₀, R) (An &amp; Lu); {@code runs.escaped_step} is the first step
 *                     with ‖θ − θ₀‖ &gt; R, checked at every step (one O(dim) distance). 0: off
 * @param testLoss     {@code test_loss} (when the data has a held-out split)
 * @param paramNorm    {@code param_norm}
 * @param dist         {@code dist_init}, {@code rel_change} and their per-layer maps
 * @param updateNorm   {@code update_norm} = ‖θ_k − θ_{k−1}‖ (keeps a copy of θ before each step)
 * @param pl           {@code pl_ratio}, {@code loj_alpha}, {@code loj_radius}, {@code loj_condition}
 * @param effectiveLr  {@code effective_lr_mean}, {@code effective_lr_max} (adaptive methods only)
 * @param hessian      {@code sharpness} and {@code hess_min_eig} (Lanczos on Hessian-vector products)
 * @param ntk          {@code ntk_lambda_min}, {@code ntk_rel_change}, {@code ntk_limit_dev}
 * @param noise        {@code noise_var}, {@code noise_ratio}
 * @param particles    two-layer neuron positions |a_j|·w_j ({@code curves.particles})
 */
public record ProbeSpec(Double optimalLoss, double escapeRadius, Probe testLoss, Probe paramNorm, Probe dist,
                        Probe updateNorm, Probe pl, Probe effectiveLr, Hessian hessian, Ntk ntk, Noise noise,
                        Probe particles) implements Serializable {

    /** A cheap probe: on or off, and how often. */
    public record Probe(boolean enabled, int every) implements Serializable {
        static Probe parse(Node n, boolean on) {
            Probe p = new Probe(n.bool("enabled", on), n.integer("every", 1, 0, Integer.MAX_VALUE));
            n.done();
            return p;
        }
    }

    /**
     * Extreme Hessian eigenvalues by Lanczos with full reorthogonalization, one Hessian-vector product per
     * iteration. Converged when the residual ‖Hv − λv‖ of both extreme Ritz pairs is ≤ tol·max(1, |λ|), or
     * when the Krylov space is invariant; otherwise the values after {@code maxIter} products are recorded and
     * a note says so. Skipped when {@code maxIter}·dim exceeds {@code maxBasis} (the stored basis).
     */
    public record Hessian(boolean enabled, int every, int maxIter, double tol, long maxBasis) implements Serializable {
        static Hessian parse(Node n) {
            Hessian h = new Hessian(n.bool("enabled", false), n.integer("every", 1, 0, Integer.MAX_VALUE),
                    n.integer("max_iter", 100, 1, 100_000), n.positive("tol", 1e-9),
                    n.lng("max_basis", 50_000_000L, 1, Long.MAX_VALUE));
            n.done();
            return h;
        }
    }

    /**
     * The empirical NTK Gram K = J Jᵀ (n × n) from the Jacobian rows. Skipped when n &gt; {@code maxN} or n·dim
     * &gt; {@code maxJacobian} (entries of J).
     */
    public record Ntk(boolean enabled, int every, int maxN, long maxJacobian) implements Serializable {
        static Ntk parse(Node n) {
            Ntk k = new Ntk(n.bool("enabled", false), n.integer("every", 1, 0, Integer.MAX_VALUE),
                    n.integer("max_n", 512, 1, 100_000), n.lng("max_jacobian", 50_000_000L, 1, Long.MAX_VALUE));
            n.done();
            return k;
        }
    }

    /**
     * Minibatch gradient noise at the run's batch size from per-sample gradients: exact (all n) when
     * n ≤ {@code exactMaxN}, else estimated from {@code samples} per-sample gradients drawn (with replacement)
     * from the {@code probe} random stream.
     */
    public record Noise(boolean enabled, int every, int exactMaxN, int samples) implements Serializable {
        static Noise parse(Node n) {
            Noise s = new Noise(n.bool("enabled", false), n.integer("every", 1, 0, Integer.MAX_VALUE),
                    n.integer("exact_max_n", 1024, 0, Integer.MAX_VALUE), n.integer("samples", 256, 2, 10_000_000));
            n.done();
            return s;
        }
    }

    /** All defaults: cheap probes on, expensive ones (hessian, ntk, noise, particles) off. */
    public static final ProbeSpec DEFAULT = parse(new Node("probes", Map.of()));

    public static ProbeSpec parse(Node n) {
        Double fStar = n.has("optimal_loss") ? n.dbl("optimal_loss", 0.0) : null;
        n.skip("optimal_loss");
        if (fStar != null) n.checkRange("optimal_loss", fStar, -Double.MAX_VALUE, Double.MAX_VALUE, false);
        ProbeSpec s = new ProbeSpec(fStar,
                n.nonNegative("escape_radius", 0.0),
                Probe.parse(n.child("test_loss"), true),
                Probe.parse(n.child("param_norm"), true),
                Probe.parse(n.child("dist"), true),
                Probe.parse(n.child("update_norm"), true),
                Probe.parse(n.child("pl"), true),
                Probe.parse(n.child("effective_lr"), true),
                Hessian.parse(n.child("hessian")),
                Ntk.parse(n.child("ntk")),
                Noise.parse(n.child("noise")),
                Probe.parse(n.child("particles"), false));
        n.done();
        return s;
    }

    public Map<String, Object> canonical() {
        return Canon.of(this, null, null);
    }
}
