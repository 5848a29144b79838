package org.ratelab.probes;

import org.ratelab.api.Doc;
import org.ratelab.spec.Node;

/**
 * {@code hessian}: {@code sharpness} = λ_max(∇²F) and {@code hess_min_eig} = λ_min, by Lanczos with full
 * reorthogonalization ({@link Lanczos}), one Hessian-vector product per iteration, from a start drawn from the
 * {@code probe} stream. Converged when the residual ‖Hv − λv‖ of both extreme Ritz pairs is ≤ tol·max(1, |λ|),
 * or when the Krylov space is invariant; otherwise the values after {@code maxIter} products are recorded and
 * a note says so. Skipped when min(maxIter, dim)·dim exceeds {@code maxBasis} (the stored basis). Only at
 * finite points.
 */
public record HessianProbe(@Doc(Probes.ENABLED) boolean enabled, @Doc(Probes.EVERY) int every,
                           @Doc("Lanczos iterations (Hessian-vector products) at most") int maxIter,
                           @Doc("relative residual of both extreme Ritz pairs") double tol,
                           @Doc("largest Lanczos basis, min(max_iter, dim) x dim entries") long maxBasis)
        implements ProbeConfig {
    public static final String NAME = "hessian";

    static HessianProbe parse(Node n) {
        return new HessianProbe(n.bool("enabled", false), Probes.every(n), n.integer("max_iter", 100, 1, 100_000),
                n.positive("tol", 1e-9), n.lng("max_basis", 50_000_000L, 1, Long.MAX_VALUE));
    }

    @Override
    public Probe instantiate(Probe.Run run) {
        int dim = run.dim();
        return (at, out) -> {
            if (!at.finite()) return;
            int iters = Math.min(maxIter, dim);
            if ((long) iters * dim > maxBasis) {
                out.note("hessian: skipped, Lanczos basis " + iters + " x " + dim + " exceeds max_basis " + maxBasis);
                return;
            }
            double[] th = at.theta().clone();
            Lanczos.Result r = Lanczos.extremes((x, o) -> run.model().hvp(th, null, 0, x, o), dim, iters, tol, run.rng());
            if (!r.converged()) {
                out.note("hessian: not converged to tol " + tol + " in max_iter " + maxIter + " (values recorded)");
            }
            out.put(Metrics.SHARPNESS, r.max());
            out.put(Metrics.HESS_MIN_EIG, r.min());
        };
    }

    /** Registers {@code HessianProbe} (META-INF/services/org.ratelab.probes.ProbeKind). */
    public static final class Provider implements ProbeKind {
        @Override public String name() { return NAME; }
        @Override public String doc() {
            return "sharpness, hess_min_eig: extreme Hessian eigenvalues by Lanczos, <= max_iter Hessian-vector products; "
                    + "skipped when min(max_iter, dim) x dim > max_basis";
        }
        @Override public Class<? extends Record> config() { return HessianProbe.class; }
        @Override public ProbeConfig parse(Node n) { return HessianProbe.parse(n); }
        @Override public boolean inEveryConfig() { return true; }
    }
}
