package org.ratelab.train;

import org.ratelab.probes.CurvePoint;
import java.util.ArrayList;
import java.util.List;
import org.ratelab.data.Dataset;
import org.ratelab.linalg.Blas;
import org.ratelab.model.Model;
import org.ratelab.optim.Optimizer;
import org.ratelab.probes.ProbeSummary;
import org.ratelab.probes.Probes;

/**
 * Trains one run, single-threaded, and records its trajectory.
 *
 * <p>At each recorded step (and, for methods whose step starts with a full gradient, at every step, since
 * that costs nothing) the trainer measures F(θ_k) and ∇F(θ_k) on the full training set. There it stops the
 * run as {@code converged} when F ≤ {@code loss_threshold}, or as {@code diverged} when F is NaN/Inf or
 * exceeds {@code divergence_factor}·F(θ_0). A stochastic method is also stopped as diverged as soon as one of
 * its minibatch losses is NaN/Inf. Measurements never change the trajectory: they use no random stream and
 * are not counted in {@code oracle_calls}. The diagnostics of {@link Probes} (the run's {@code probes:}
 * section) are taken at the recorded points from the same measurement; they use the {@code probe} stream only
 * and never write θ or the optimizer's state. A run that throws ends {@code failed}; it never stops the job.
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
                    msg, s.curve, s.probes == null ? ProbeSummary.NONE : s.probes.summary(), s.constants);
        }
    }

    /** Progress so far, kept outside the loop so that a failure still reports it. */
    private static final class State {
        long step;
        long calls;
        double initialLoss = Double.NaN;
        double lastLoss = Double.NaN;
        double optimalLoss = Double.NaN;
        Probes probes;
        RunResult.Constants constants = RunResult.Constants.UNKNOWN;
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
        s.constants = new RunResult.Constants(model.smoothness(), model.plConstant(), model.lrScale());
        Optimizer opt = cfg.optimizer().instantiate(dim, model.n(), model.lrScale());
        MeasuringOracle oracle = new MeasuringOracle(model, Seeds.rng(cfg.seed(), "optim"));
        Probes probes = new Probes(cfg.probes(), model, data, cfg.model(), opt, cfg.optimizer().batchSize(),
                "shuffle".equals(cfg.optimizer().sampling()), Seeds.rng(cfg.seed(), "probe"),
                theta0);
        s.probes = probes;
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
                boolean last = diverged || converged || k == steps;
                if (rec || last) s.curve.add(probes.point(k, oracle.calls(), f, oracle.measuredGrad(), theta, last));
                if (last) break;
            }
            probes.beforeStep(theta);
            opt.step(k, theta, oracle);
            oracle.invalidate();
            probes.afterStep(k, theta);
        }
        double dist = Math.sqrt(Blas.distSq(theta, theta0, 0, dim));
        return new RunResult(cfg, status, s.step, oracle.calls(), s.initialLoss, s.lastLoss, s.optimalLoss,
                reached, divergedAt, dist, norm0 > 0 ? dist / norm0 : Double.NaN,
                (System.nanoTime() - t0) / 1_000_000, blas, null, s.curve, probes.summary(), s.constants);
    }
}
