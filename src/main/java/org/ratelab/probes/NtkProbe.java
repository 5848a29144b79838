package org.ratelab.probes;

import org.ratelab.api.Doc;
import org.ratelab.linalg.Blas;
import org.ratelab.linalg.Eigen;
import org.ratelab.model.Model;
import org.ratelab.model.NtkLimit;
import org.ratelab.spec.Node;

/**
 * {@code ntk}: the empirical NTK Gram K = J Jᵀ (n × n) from the Jacobian rows: {@code ntk_lambda_min},
 * {@code ntk_rel_change} = ‖K_t − K_0‖_F/‖K_0‖_F and {@code ntk_limit_dev} = ‖K_t − K_∞‖_F/‖K_∞‖_F against the
 * infinite-width closed form ({@link NtkLimit}; null where there is none, with a note). Skipped when
 * n &gt; {@code maxN} or n·dim &gt; {@code maxJacobian} (entries of J). Only at finite points.
 */
public record NtkProbe(@Doc(Probes.ENABLED) boolean enabled, @Doc(Probes.EVERY) int every,
                       @Doc("largest n (the Gram is n x n)") int maxN,
                       @Doc("largest Jacobian, n x dim entries") long maxJacobian) implements ProbeConfig {
    public static final String NAME = "ntk";

    static NtkProbe parse(Node n) {
        return new NtkProbe(n.bool("enabled", false), Probes.every(n), n.integer("max_n", 512, 1, 100_000),
                n.lng("max_jacobian", 50_000_000L, 1, Long.MAX_VALUE));
    }

    @Override
    public Probe instantiate(Probe.Run run) {
        return new State(run);
    }

    final class State implements Probe {
        private final Probe.Run run;
        private double[] k0;
        private double[] kInf;
        private boolean kInfTried;

        State(Probe.Run run) { this.run = run; }

        @Override
        public void measure(Point at, Sink out) {
            if (!at.finite()) return;
            Model model = run.model();
            int n = model.n();
            int dim = run.dim();
            if (!model.hasOutputs()) {
                out.note("ntk: skipped, model " + run.modelSpec().kind() + " has no per-sample outputs");
                return;
            }
            if (n > maxN) {
                out.note("ntk: skipped, n=" + n + " exceeds max_n " + maxN);
                return;
            }
            if ((long) n * dim > maxJacobian) {
                out.note("ntk: skipped, Jacobian " + n + " x " + dim + " exceeds max_jacobian " + maxJacobian);
                return;
            }
            double[] k = gram(model, at.theta().clone());
            out.put(Metrics.NTK_LAMBDA_MIN, Eigen.symmetricValues(n, k)[0]);
            if (k0 == null) k0 = k;
            out.put(Metrics.NTK_REL_CHANGE, relDiff(k, k0));
            if (!kInfTried) {
                kInfTried = true;
                kInf = NtkLimit.gram(run.modelSpec(), run.data());
                if (kInf == null) out.note(NtkLimit.noClosedForm(run.modelSpec()));
            }
            if (kInf != null) out.put(Metrics.NTK_LIMIT_DEV, relDiff(k, kInf));
        }
    }

    /** The empirical NTK Gram K = J Jᵀ (n × n, row-major) of a model at theta (not modified). */
    public static double[] gram(Model model, double[] theta) {
        int n = model.n();
        int p = model.dim();
        double[] jac = new double[n * p];
        model.jacobian(theta, null, 0, jac);
        double[] k = new double[n * n];
        // row-major J (n × p) is column-major Jᵀ (p × n): K = (Jᵀ)ᵀ·Jᵀ
        Blas.gemm(true, false, n, n, p, 1.0, jac, p, jac, p, 0.0, k, n);
        return k;
    }

    /** ‖a − b‖_F / ‖b‖_F. */
    static double relDiff(double[] a, double[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - b[i]) * (a[i] - b[i]);
            den += b[i] * b[i];
        }
        return Math.sqrt(num / den);
    }

    /** Registers {@code NtkProbe} (META-INF/services/org.ratelab.probes.ProbeKind). */
    public static final class Provider implements ProbeKind {
        @Override public String name() { return NAME; }
        @Override public String doc() {
            return "ntk_lambda_min, ntk_rel_change, ntk_limit_dev: the empirical NTK Gram from an n x dim Jacobian; "
                    + "skipped when n > max_n or n x dim > max_jacobian";
        }
        @Override public Class<? extends Record> config() { return NtkProbe.class; }
        @Override public ProbeConfig parse(Node n) { return NtkProbe.parse(n); }
        @Override public boolean inEveryConfig() { return true; }
    }
}
