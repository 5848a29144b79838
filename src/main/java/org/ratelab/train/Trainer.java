package org.ratelab.train;

import java.util.ArrayList;
import java.util.List;
import org.ratelab.data.Dataset;
import org.ratelab.grid.RunConfig;
import org.ratelab.grid.Seeds;
import org.ratelab.linalg.Blas;
import org.ratelab.model.Model;
import org.ratelab.optim.Optimizer;
import org.ratelab.probes.Metrics;

/**
 * Trains one run, single-threaded, and records its trajectory.
 *
 * <p>At each recorded step (and, for methods whose step starts with a full gradient, at every step, since
 * that costs nothing) the trainer measures F(θ_k) and ∇F(θ_k) on the full training set. There it stops the
 * run as {@code converged} when F ≤ {@code loss_threshold}, or as {@code diverged} when F is NaN/Inf or
 * exceeds {@code divergence_factor}·F(θ_0). A stochastic method is also stopped as diverged as soon as one of
 * its minibatch losses is NaN/Inf. Measurements never change the trajectory: they use no random stream and
 * are not counted in {@code oracle_calls}. A run that throws ends {@code failed}; it never stops the job.
 */
public final class Trainer {
    private Trainer() {}

    public static RunResult train(RunConfig cfg) {
        long t0 = System.nanoTime();
        String blas = Blas.implementation();
        State s = new State();
        try {
            return run(cfg, s, t0, blas);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            String msg = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            return new RunResult(cfg, RunStatus.FAILED, s.step, s.calls, s.initialLoss, s.lastLoss,
                    s.optimalLoss, -1, -1, Double.NaN, Double.NaN, (System.nanoTime() - t0) / 1_000_000, blas,
                    msg, s.curve);
        }
    }

    /** Progress so far, kept outside the loop so that a failure still reports it. */
    private static final class State {
        long step;
        long calls;
        double initialLoss = Double.NaN;
        double lastLoss = Double.NaN;
        double optimalLoss = Double.NaN;
        final List<CurvePoint> curve = new ArrayList<>();
    }

    private static RunResult run(RunConfig cfg, State s, long t0, String blas) {
        TrainSpec train = cfg.train();
        Dataset data = cfg.data().build(Seeds.derive(cfg.seed(), "data"));
        Model model = cfg.model().instantiate(data);
        int dim = model.dim();
        double[] theta = new double[dim];
        model.init(theta, Seeds.rng(cfg.seed(), "init"));
        double[] theta0 = theta.clone();
        double norm0 = Math.sqrt(Blas.normSq(dim, theta0));
        s.optimalLoss = model.optimalLoss();
        Optimizer opt = cfg.optimizer().instantiate(dim, model.n(), model.lrScale());
        MeasuringOracle oracle = new MeasuringOracle(model, Seeds.rng(cfg.seed(), "optim"));
        boolean everyStep = opt.fullGradientAtIterate();
        long steps = train.steps();
        RunStatus status = RunStatus.MAX_STEPS;
        long reached = -1;
        long divergedAt = -1;
        for (long k = 0; ; k++) {
            s.step = k;
            s.calls = oracle.calls();
            boolean rec = train.record().at(k, steps);
            boolean stochasticBlowUp = k > 0 && !everyStep && !Double.isFinite(oracle.lastLoss());
            if (rec || everyStep || k == steps || stochasticBlowUp) {
                double f = oracle.measure(theta);
                if (k == 0) s.initialLoss = f;
                s.lastLoss = f;
                boolean diverged = !Double.isFinite(f) || stochasticBlowUp
                        || (k > 0 && f > train.divergenceFactor() * Math.max(s.initialLoss, Double.MIN_NORMAL));
                boolean converged = !diverged && train.lossThreshold() > 0 && f <= train.lossThreshold();
                if (diverged) {
                    status = RunStatus.DIVERGED;
                    divergedAt = k;
                } else if (converged) {
                    status = RunStatus.CONVERGED;
                    reached = k;
                }
                if (rec || diverged || converged || k == steps) {
                    s.curve.add(point(k, oracle, f, model, data.nTest() > 0, theta, theta0, norm0));
                }
                if (diverged || converged || k == steps) break;
            }
            opt.step(k, theta, oracle);
            oracle.invalidate();
        }
        double dist = Math.sqrt(Blas.distSq(theta, theta0, 0, dim));
        return new RunResult(cfg, status, s.step, oracle.calls(), s.initialLoss, s.lastLoss, s.optimalLoss,
                reached, divergedAt, dist, norm0 > 0 ? dist / norm0 : Double.NaN,
                (System.nanoTime() - t0) / 1_000_000, blas, null, s.curve);
    }

    private static CurvePoint point(long k, MeasuringOracle oracle, double f, Model model, boolean hasTest,
                                    double[] theta, double[] theta0, double norm0) {
        int dim = theta.length;
        double[] v = new double[Metrics.count()];
        long measured = 0;
        v[Metrics.LOSS] = f;
        measured |= 1L << Metrics.LOSS;
        v[Metrics.GRAD_NORM_SQ] = Blas.normSq(dim, oracle.measuredGrad());
        measured |= 1L << Metrics.GRAD_NORM_SQ;
        if (hasTest) {
            v[Metrics.TEST_LOSS] = model.testLoss(theta);
            measured |= 1L << Metrics.TEST_LOSS;
        }
        v[Metrics.PARAM_NORM] = Math.sqrt(Blas.normSq(dim, theta));
        measured |= 1L << Metrics.PARAM_NORM;
        double dist = Math.sqrt(Blas.distSq(theta, theta0, 0, dim));
        v[Metrics.DIST_INIT] = dist;
        measured |= 1L << Metrics.DIST_INIT;
        if (norm0 > 0) {
            v[Metrics.REL_CHANGE] = dist / norm0;
            measured |= 1L << Metrics.REL_CHANGE;
        }
        return new CurvePoint(k, oracle.calls(), v, measured);
    }
}
