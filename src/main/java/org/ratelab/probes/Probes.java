package org.ratelab.probes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ratelab.data.Dataset;
import org.ratelab.linalg.Blas;
import org.ratelab.linalg.Eigen;
import org.ratelab.model.Model;
import org.ratelab.model.ModelSpec;
import org.ratelab.model.NtkLimit;
import org.ratelab.model.ParamBlock;
import org.ratelab.optim.AdaptiveStep;
import org.ratelab.optim.Optimizer;

/**
 * Per-run probe state: measures the {@link Metrics} at the trainer's recorded points as {@link ProbeSpec}
 * schedules them, and keeps the run summary ({@link ProbeSummary}).
 *
 * <p>Probes never change the trajectory: they read θ, the measured full gradient and the optimizer's state
 * and never write them; their own randomness (Lanczos start vectors, sampled per-sample gradients) comes
 * from the run's {@code probe} stream; they never call the oracle, so nothing is counted in
 * {@code oracle_calls}. Models whose minibatch gradients draw noise (noisy test functions) are never asked
 * for minibatch gradients here. Expensive probes are not run at a non-finite (diverged) point.
 */
public final class Probes {
    private final ProbeSpec spec;
    private final Model model;
    private final Dataset data;
    private final ModelSpec modelSpec;
    private final Optimizer opt;
    private final int batch;          // 0: full batch
    private final boolean shuffle;
    private final SplittableRandom rng;
    private final int dim;
    private final double[] theta0;
    private final double norm0;
    private final List<ParamBlock> blocks;
    private final double[] blockNorm0;
    private final double fStar;
    private final double[] prev;      // θ before the last step (update_norm), or null
    private boolean stepped;
    private int index;                // recorded points so far
    // pl / Łojasiewicz
    private double f0 = Double.NaN;
    private double lojAlpha = Double.POSITIVE_INFINITY;
    private double lojRadius;
    // summary
    private double lHat = Double.NaN;
    private double muHat = Double.NaN;
    private long escapedStep = -1;
    private double minNormDist = Double.NaN;
    private final Map<String, Integer> notes = new LinkedHashMap<>();
    // ntk
    private double[] k0;
    private double[] kInf;
    private boolean kInfTried;

    /**
     * @param theta0   the initial point (copied)
     * @param batch    the run's minibatch size, 0 for full batch
     * @param shuffle  minibatches sampled without replacement within an epoch (else with replacement)
     */
    public Probes(ProbeSpec spec, Model model, Dataset data, ModelSpec modelSpec, Optimizer opt, int batch,
                  boolean shuffle, SplittableRandom rng, double[] theta0) {
        this.spec = spec;
        this.model = model;
        this.data = data;
        this.modelSpec = modelSpec;
        this.opt = opt;
        this.batch = batch;
        this.shuffle = shuffle;
        this.rng = rng;
        this.dim = theta0.length;
        this.theta0 = theta0.clone();
        this.norm0 = Math.sqrt(Blas.normSq(dim, theta0));
        this.blocks = model.blocks();
        this.blockNorm0 = new double[blocks.size()];
        for (int b = 0; b < blocks.size(); b++) {
            blockNorm0[b] = Math.sqrt(Blas.normSq(theta0, blocks.get(b).offset(), blocks.get(b).length()));
        }
        double closed = model.optimalLoss();
        this.fStar = spec.optimalLoss() != null ? spec.optimalLoss() : Double.isFinite(closed) ? closed : 0.0;
        this.prev = spec.updateNorm().enabled() ? new double[dim] : null;
    }

    /** F* used by pl_ratio. */
    public double optimalLoss() { return fStar; }

    /** Call before every optimizer step (θ = θ_k, not modified). */
    public void beforeStep(double[] theta) {
        if (prev != null) System.arraycopy(theta, 0, prev, 0, dim);
    }

    /** Call after step k moved θ to θ_{k+1} (θ not modified). */
    public void afterStep(long k, double[] theta) {
        stepped = true;
        if (spec.escapeRadius() > 0 && escapedStep < 0) {
            double r = spec.escapeRadius();
            if (Blas.distSq(theta, theta0, 0, dim) > r * r) escapedStep = k + 1;
        }
    }

    private boolean due(int every, boolean last) {
        return every == 0 ? index == 0 || last : index % every == 0 || last;
    }

    private boolean due(ProbeSpec.Probe p, boolean last) { return p.enabled() && due(p.every(), last); }

    private void note(String reason) { notes.merge(reason, 1, Integer::sum); }

    /**
     * The recorded point at step k: θ = θ_k (not modified), f = F(θ_k), grad = ∇F(θ_k) (not modified).
     *
     * @param last whether this is the run's last recorded point
     */
    public CurvePoint point(long k, long calls, double f, double[] grad, double[] theta, boolean last) {
        double[] v = new double[Metrics.count()];
        long[] measured = {0};
        java.util.function.ObjIntConsumer<Double> put = (x, m) -> {
            v[m] = x;
            measured[0] |= 1L << m;
        };
        put.accept(f, Metrics.LOSS);
        double g2 = Blas.normSq(dim, grad);
        put.accept(g2, Metrics.GRAD_NORM_SQ);
        if (k == 0) f0 = f;
        if (last) {
            double[] mn = model.minNormSolution();
            if (mn != null && mn.length == dim) minNormDist = Math.sqrt(Blas.distSq(theta, mn, 0, dim));
        }
        if (data.nTest() > 0 && due(spec.testLoss(), last)) put.accept(model.testLoss(theta), Metrics.TEST_LOSS);
        if (due(spec.paramNorm(), last)) put.accept(Math.sqrt(Blas.normSq(dim, theta)), Metrics.PARAM_NORM);
        double dist = Math.sqrt(Blas.distSq(theta, theta0, 0, dim));
        Map<String, Double> layerDist = null;
        Map<String, Double> layerRel = null;
        if (due(spec.dist(), last)) {
            put.accept(dist, Metrics.DIST_INIT);
            if (norm0 > 0) put.accept(dist / norm0, Metrics.REL_CHANGE);
            layerDist = new LinkedHashMap<>();
            layerRel = new LinkedHashMap<>();
            for (int b = 0; b < blocks.size(); b++) {
                ParamBlock pb = blocks.get(b);
                double d = Math.sqrt(Blas.distSq(theta, theta0, pb.offset(), pb.length()));
                layerDist.put(pb.name(), d);
                if (blockNorm0[b] > 0) layerRel.put(pb.name(), d / blockNorm0[b]);
            }
        }
        if (prev != null && stepped && due(spec.updateNorm(), last)) {
            put.accept(Math.sqrt(Blas.distSq(theta, prev, 0, dim)), Metrics.UPDATE_NORM);
        }
        if (due(spec.pl(), last) && Double.isFinite(f) && Double.isFinite(g2)) {
            double gap = f - fStar;
            if (gap > 0) {
                double pl = g2 / (2 * gap);
                put.accept(pl, Metrics.PL_RATIO);
                if (Double.isNaN(muHat) || pl < muHat) muHat = pl;
            }
            if (f > 0) lojAlpha = Math.min(lojAlpha, g2 / f);
            lojRadius = Math.max(lojRadius, dist);
            if (Double.isFinite(lojAlpha)) {
                put.accept(lojAlpha, Metrics.LOJ_ALPHA);
                put.accept(4 * f0 < lojRadius * lojRadius * lojAlpha ? 1.0 : 0.0, Metrics.LOJ_CONDITION);
            }
            put.accept(lojRadius, Metrics.LOJ_RADIUS);
        }
        if (opt instanceof AdaptiveStep a && due(spec.effectiveLr(), last)) {
            double[] lr = new double[dim];
            if (a.effectiveLr(lr)) {
                double sum = 0;
                double max = Double.NEGATIVE_INFINITY;
                for (double x : lr) {
                    sum += x;
                    max = Math.max(max, x);
                }
                put.accept(sum / dim, Metrics.EFFECTIVE_LR_MEAN);
                put.accept(max, Metrics.EFFECTIVE_LR_MAX);
            }
        }
        boolean finite = Double.isFinite(f) && Double.isFinite(g2);
        ProbeSpec.Hessian h = spec.hessian();
        if (finite && h.enabled() && due(h.every(), last)) hessian(theta, v, put);
        ProbeSpec.Ntk nk = spec.ntk();
        if (finite && nk.enabled() && due(nk.every(), last)) ntk(theta, put);
        ProbeSpec.Noise nz = spec.noise();
        if (finite && nz.enabled() && due(nz.every(), last)) noise(theta, grad, f, put);
        double[] particles = null;
        if (finite && due(spec.particles(), last)) particles = particles(theta);
        index++;
        return new CurvePoint(k, calls, v, measured[0], layerDist, layerRel, particles);
    }

    private void hessian(double[] theta, double[] v, java.util.function.ObjIntConsumer<Double> put) {
        ProbeSpec.Hessian h = spec.hessian();
        int iters = Math.min(h.maxIter(), dim);
        if ((long) iters * dim > h.maxBasis()) {
            note("hessian: skipped, Lanczos basis " + iters + " x " + dim + " exceeds max_basis " + h.maxBasis());
            return;
        }
        double[] th = theta.clone();
        Lanczos.Result r = Lanczos.extremes((x, out) -> model.hvp(th, null, 0, x, out), dim, iters, h.tol(), rng);
        if (!r.converged()) {
            note("hessian: not converged to tol " + h.tol() + " in max_iter " + h.maxIter() + " (values recorded)");
        }
        put.accept(r.max(), Metrics.SHARPNESS);
        put.accept(r.min(), Metrics.HESS_MIN_EIG);
        if (Double.isNaN(lHat) || r.max() > lHat) lHat = r.max();
    }

    private void ntk(double[] theta, java.util.function.ObjIntConsumer<Double> put) {
        ProbeSpec.Ntk nk = spec.ntk();
        int n = model.n();
        if (!model.hasOutputs()) {
            note("ntk: skipped, model " + modelSpec.kind() + " has no per-sample outputs");
            return;
        }
        if (n > nk.maxN()) {
            note("ntk: skipped, n=" + n + " exceeds max_n " + nk.maxN());
            return;
        }
        if ((long) n * dim > nk.maxJacobian()) {
            note("ntk: skipped, Jacobian " + n + " x " + dim + " exceeds max_jacobian " + nk.maxJacobian());
            return;
        }
        double[] k = gram(model, theta.clone());
        put.accept(Eigen.symmetricValues(n, k)[0], Metrics.NTK_LAMBDA_MIN);
        if (k0 == null) k0 = k;
        put.accept(relDiff(k, k0), Metrics.NTK_REL_CHANGE);
        if (!kInfTried) {
            kInfTried = true;
            kInf = NtkLimit.gram(modelSpec, data);
            if (kInf == null) note(NtkLimit.noClosedForm(modelSpec));
        }
        if (kInf != null) put.accept(relDiff(k, kInf), Metrics.NTK_LIMIT_DEV);
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

    private void noise(double[] theta, double[] grad, double f, java.util.function.ObjIntConsumer<Double> put) {
        int n = model.n();
        double var;
        if (batch == 0 || batch >= n && shuffle) {
            var = 0.0;                                   // the full gradient: no sampling noise
        } else if (model.minibatchNoiseVar(1) > 0) {
            note("noise: the model's own gradient noise in closed form; per-sample gradients not drawn (they "
                    + "would consume the training noise stream)");
            var = model.minibatchNoiseVar(batch);
        } else {
            boolean exact = n <= spec.noise().exactMaxN();
            if (!exact) note("noise: sampled " + spec.noise().samples() + " per-sample gradients (n=" + n
                    + " > exact_max_n " + spec.noise().exactMaxN() + ")");
            double s = perSampleSpread(theta.clone(), grad, exact ? n : spec.noise().samples(), exact);
            var = minibatchVariance(s, n, batch, shuffle);
        }
        put.accept(var, Metrics.NOISE_VAR);
        if (f > 0) put.accept(var / f, Metrics.NOISE_RATIO);
    }

    /** (1/n) Σ_i ‖∇f_i − ∇F‖², exactly or as a sample mean over uniformly drawn i. */
    private double perSampleSpread(double[] theta, double[] grad, int count, boolean exact) {
        double[] g = new double[dim];
        int[] idx = new int[1];
        double s = 0;
        for (int r = 0; r < count; r++) {
            idx[0] = exact ? r : rng.nextInt(model.n());
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

    private double[] particles(double[] theta) {
        ParamBlock w = null;
        ParamBlock a = null;
        for (ParamBlock b : blocks) {
            if (b.name().equals("W")) w = b;
            if (b.name().equals("a")) a = b;
        }
        if (w == null || a == null || a.length() == 0 || w.length() % a.length() != 0) {
            note("particles: skipped, model " + modelSpec.kind() + " is not a two-layer network");
            return null;
        }
        int m = a.length();
        int d = w.length() / m;
        double[] out = new double[m * d];
        for (int j = 0; j < m; j++) {
            double s = Math.abs(theta[a.offset() + j]);
            for (int q = 0; q < d; q++) out[j * d + q] = s * theta[w.offset() + j * d + q];
        }
        return out;
    }

    public ProbeSummary summary() {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Integer> e : notes.entrySet()) {
            if (b.length() > 0) b.append("; ");
            b.append(e.getKey()).append(" (x").append(e.getValue()).append(')');
        }
        return new ProbeSummary(lHat, muHat, lHat / muHat, escapedStep, b.length() == 0 ? null : b.toString(),
                minNormDist);
    }
}
