package org.ratelab.optim;

import java.util.List;
import org.ratelab.spec.Node;

/**
 * L-BFGS (Liu &amp; Nocedal 1989, "On the Limited Memory BFGS Method for Large Scale Optimization", Math.
 * Programming 45), exactly as torch.optim.LBFGS, full batch. One step is one torch {@code step(closure)}:
 * up to max_iter iterations, each with the two-loop recursion over the last history_size pairs
 * (s, y) (a pair is kept only when yᵀs &gt; 1e-10; H₀ = yᵀs/yᵀy of the newest), then either a fixed step
 * t = lr (t = min(1, 1/‖g‖₁)·lr on the very first iteration) or torch's strong-Wolfe line search
 * (c₁ = 1e-4, c₂ = 0.9, at most 25 evaluations, cubic interpolation). A step stops early when max|g| ≤
 * tolerance_grad, gᵀd &gt; −tolerance_change, max|t·d| ≤ tolerance_change, |ΔF| &lt; tolerance_change, or
 * max_eval evaluations were made (max_eval defaults to max_iter·5/4). Every function-and-gradient evaluation
 * (torch's closure) is one full gradient, n oracle calls; without the line search the last iteration of a step
 * is not re-evaluated, as in torch. A schedule multiplies lr. History pairs are allocated as the history grows
 * (torch's do the same) and reused once it is full.
 */
public record LbfgsSpec(double lr, int maxIter, int maxEval, double toleranceGrad, double toleranceChange,
                        int historySize, String lineSearchFn, Schedule schedule) implements OptimizerSpec {
    public static final String NAME = "lbfgs";
    static final List<String> LINE_SEARCH = List.of("none", "strong_wolfe");

    static LbfgsSpec parse(Node n) {
        double lr = n.positive("lr", 1.0);
        int maxIter = n.integer("max_iter", 20, 1, Integer.MAX_VALUE);
        int maxEval = n.integer("max_eval", maxIter * 5 / 4, 1, Integer.MAX_VALUE);
        return new LbfgsSpec(lr, maxIter, maxEval, n.nonNegative("tolerance_grad", 1e-7),
                n.nonNegative("tolerance_change", 1e-9), n.integer("history_size", 100, 1, Integer.MAX_VALUE),
                n.choice("line_search_fn", "none", LINE_SEARCH), Schedule.parse(n.child("schedule")));
    }

    @Override public String name() { return NAME; }

    /** Full batch, as {@link GdSpec#sampling}: the default's value without a reflected map per run. */
    @Override public String sampling() { return "with_replacement"; }

    /** An upper estimate: max_eval full gradients (the line search may take a few more, up to 25 an iteration). */
    @Override public double gradientsPerStep(int n) { return (double) maxEval * n; }

    @Override
    public Optimizer instantiate(int dim, int n, double lrScale) {
        return new Lbfgs(this, dim, n, lrScale);
    }

    /** Per-run state: torch's LBFGS state (d, t, the (s, y, ρ) history, H_diag, the previous gradient, n_iter). */
    static final class Lbfgs implements Optimizer {
        private static final double C1 = 1e-4;
        private static final double C2 = 0.9;
        private static final double LS_TOLERANCE_CHANGE = 1e-9;  // _strong_wolfe's own default, not the group's
        private static final int MAX_LS = 25;

        private final LbfgsSpec c;
        private final int dim;
        private final int n;
        private final double lrScale;
        private final boolean strongWolfe;
        private final double[] flatGrad;
        private final double[] prevFlatGrad;
        private final double[] d;
        private final double[] q;
        private final double[] x;
        private final double[] trial;
        private final double[][] oldDirs;   // y pairs, oldest first from index head
        private final double[][] oldStps;   // s pairs
        private final double[] ro;
        private final double[] al;
        private int size;
        private int head;
        private double t;
        private double hDiag = 1;
        private long stateNIter;

        Lbfgs(LbfgsSpec c, int dim, int n, double lrScale) {
            this.c = c;
            this.dim = dim;
            this.n = n;
            this.lrScale = lrScale;
            this.strongWolfe = c.lineSearchFn.equals("strong_wolfe");
            this.flatGrad = new double[dim];
            this.prevFlatGrad = new double[dim];
            this.d = new double[dim];
            this.q = new double[dim];
            this.x = new double[dim];
            this.trial = new double[dim];
            // the whole history up front (history_size × dim twice): a step allocates nothing
            this.oldDirs = new double[c.historySize][dim];
            this.oldStps = new double[c.historySize][dim];
            this.ro = new double[c.historySize];
            this.al = new double[c.historySize];
        }

        /** The first evaluation of every step is at θ_k. */
        @Override public boolean fullGradientAtIterate() { return true; }

        private int slot(int i) { return (head + i) % c.historySize; }

        @Override
        public void step(long k, double[] theta, Oracle oracle) {
            double lr = c.lr * lrScale * c.schedule.factor(k, n);
            double loss = oracle.fullGrad(theta, flatGrad);
            int currentEvals = 1;
            boolean optCond = maxAbs(flatGrad) <= c.toleranceGrad;
            if (optCond) return;
            int nIter = 0;
            while (nIter < c.maxIter) {
                nIter++;
                stateNIter++;
                if (stateNIter == 1) {
                    for (int i = 0; i < dim; i++) d[i] = -flatGrad[i];
                    size = 0;
                    head = 0;
                    hDiag = 1;
                } else {
                    updateHistory();
                    direction();
                }
                System.arraycopy(flatGrad, 0, prevFlatGrad, 0, dim);
                double prevLoss = loss;
                t = stateNIter == 1 ? Math.min(1., 1. / sumAbs(flatGrad)) * lr : lr;
                double gtd = dot(flatGrad, d);
                if (gtd > -c.toleranceChange) break;
                int lsFuncEvals = 0;
                if (strongWolfe) {
                    System.arraycopy(theta, 0, x, 0, dim);
                    double[] ls = strongWolfe(oracle, loss, gtd);
                    loss = ls[0];
                    lsFuncEvals = (int) ls[1];
                    for (int i = 0; i < dim; i++) theta[i] += t * d[i];
                    optCond = maxAbs(flatGrad) <= c.toleranceGrad;
                } else {
                    for (int i = 0; i < dim; i++) theta[i] += t * d[i];
                    if (nIter != c.maxIter) {
                        loss = oracle.fullGrad(theta, flatGrad);
                        optCond = maxAbs(flatGrad) <= c.toleranceGrad;
                        lsFuncEvals = 1;
                    }
                }
                currentEvals += lsFuncEvals;
                if (nIter == c.maxIter) break;
                if (currentEvals >= c.maxEval) break;
                if (optCond) break;
                double dt = 0;
                for (int i = 0; i < dim; i++) dt = Math.max(dt, Math.abs(d[i] * t));
                if (dt <= c.toleranceChange) break;
                if (Math.abs(loss - prevLoss) < c.toleranceChange) break;
            }
        }

        /** y = g − g₋, s = t·d; kept when yᵀs &gt; 1e-10 (the oldest pair dropped when full), H_diag = yᵀs/yᵀy. */
        private void updateHistory() {
            int slot;
            if (size == c.historySize) {
                slot = head;                       // overwrite the oldest
                head = (head + 1) % c.historySize;
            } else {
                slot = slot(size);
            }
            double[] y = oldDirs[slot];
            double[] s = oldStps[slot];
            // computed into q and trial first: the slot may hold the oldest pair, still needed if ys ≤ 1e-10
            for (int i = 0; i < dim; i++) {
                q[i] = flatGrad[i] - prevFlatGrad[i];
                trial[i] = d[i] * t;
            }
            double ys = dot(q, trial);
            if (!(ys > 1e-10)) {
                if (size == c.historySize) head = slot;  // undo: nothing dropped
                return;
            }
            System.arraycopy(q, 0, y, 0, dim);
            System.arraycopy(trial, 0, s, 0, dim);
            oldDirs[slot] = y;
            oldStps[slot] = s;
            ro[slot] = 1. / ys;
            if (size < c.historySize) size++;
            hDiag = ys / dot(y, y);
        }

        /** The two-loop recursion: d = −H·g with H₀ = H_diag·I. */
        private void direction() {
            for (int i = 0; i < dim; i++) q[i] = -flatGrad[i];
            for (int i = size - 1; i >= 0; i--) {
                int j = slot(i);
                al[i] = dot(oldStps[j], q) * ro[j];
                double a = -al[i];
                double[] y = oldDirs[j];
                for (int m = 0; m < dim; m++) q[m] += a * y[m];
            }
            for (int m = 0; m < dim; m++) d[m] = q[m] * hDiag;
            for (int i = 0; i < size; i++) {
                int j = slot(i);
                double be = dot(oldDirs[j], d) * ro[j];
                double a = al[i] - be;
                double[] s = oldStps[j];
                for (int m = 0; m < dim; m++) d[m] += a * s[m];
            }
        }

        /** F and ∇F at x + t·d (into g); one closure call of torch, n oracle calls. */
        private double evaluate(Oracle oracle, double tt, double[] g) {
            for (int i = 0; i < dim; i++) trial[i] = x[i] + tt * d[i];
            return oracle.fullGrad(trial, g);
        }

        /**
         * torch's _strong_wolfe from x along d, starting at t with F = f and slope gtd: sets t and flatGrad
         * (the gradient at the accepted point) and returns {F there, evaluations}.
         */
        private double[] strongWolfe(Oracle oracle, double f, double gtd) {
            double dNorm = maxAbs(d);
            double[] g = flatGrad.clone();
            double[] gNew = new double[dim];
            double fNew = evaluate(oracle, t, gNew);
            int lsFuncEvals = 1;
            double gtdNew = dot(gNew, d);
            double tPrev = 0;
            double fPrev = f;
            double[] gPrev = g;
            double gtdPrev = gtd;
            boolean done = false;
            int lsIter = 0;
            double[] bracket = null;
            double[] bracketF = null;
            double[][] bracketG = null;
            double[] bracketGtd = null;
            while (lsIter < MAX_LS) {
                if (fNew > (f + C1 * t * gtd) || (lsIter > 1 && fNew >= fPrev)) {
                    bracket = new double[] {tPrev, t};
                    bracketF = new double[] {fPrev, fNew};
                    bracketG = new double[][] {gPrev, gNew.clone()};
                    bracketGtd = new double[] {gtdPrev, gtdNew};
                    break;
                }
                if (Math.abs(gtdNew) <= -C2 * gtd) {
                    bracket = new double[] {t};
                    bracketF = new double[] {fNew};
                    bracketG = new double[][] {gNew};
                    done = true;
                    break;
                }
                if (gtdNew >= 0) {
                    bracket = new double[] {tPrev, t};
                    bracketF = new double[] {fPrev, fNew};
                    bracketG = new double[][] {gPrev, gNew.clone()};
                    bracketGtd = new double[] {gtdPrev, gtdNew};
                    break;
                }
                double minStep = t + 0.01 * (t - tPrev);
                double maxStep = t * 10;
                double tmp = t;
                t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, minStep, maxStep);
                tPrev = tmp;
                fPrev = fNew;
                gPrev = gNew.clone();
                gtdPrev = gtdNew;
                fNew = evaluate(oracle, t, gNew);
                lsFuncEvals++;
                gtdNew = dot(gNew, d);
                lsIter++;
            }
            if (lsIter == MAX_LS) {
                bracket = new double[] {0, t};
                bracketF = new double[] {f, fNew};
                bracketG = new double[][] {g, gNew};
            }
            boolean insufProgress = false;
            int lowPos = bracketF[0] <= bracketF[bracketF.length - 1] ? 0 : 1;
            int highPos = 1 - lowPos;
            while (!done && lsIter < MAX_LS) {
                if (Math.abs(bracket[1] - bracket[0]) * dNorm < LS_TOLERANCE_CHANGE) break;
                t = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1],
                        Double.NaN, Double.NaN);
                double hi = Math.max(bracket[0], bracket[1]);
                double lo = Math.min(bracket[0], bracket[1]);
                double eps = 0.1 * (hi - lo);
                if (Math.min(hi - t, t - lo) < eps) {
                    if (insufProgress || t >= hi || t <= lo) {
                        t = Math.abs(t - hi) < Math.abs(t - lo) ? hi - eps : lo + eps;
                        insufProgress = false;
                    } else {
                        insufProgress = true;
                    }
                } else {
                    insufProgress = false;
                }
                fNew = evaluate(oracle, t, gNew);
                lsFuncEvals++;
                gtdNew = dot(gNew, d);
                lsIter++;
                if (fNew > (f + C1 * t * gtd) || fNew >= bracketF[lowPos]) {
                    bracket[highPos] = t;
                    bracketF[highPos] = fNew;
                    bracketG[highPos] = gNew.clone();
                    bracketGtd[highPos] = gtdNew;
                    lowPos = bracketF[0] <= bracketF[1] ? 0 : 1;
                    highPos = 1 - lowPos;
                } else {
                    if (Math.abs(gtdNew) <= -C2 * gtd) {
                        done = true;
                    } else if (gtdNew * (bracket[highPos] - bracket[lowPos]) >= 0) {
                        bracket[highPos] = bracket[lowPos];
                        bracketF[highPos] = bracketF[lowPos];
                        bracketG[highPos] = bracketG[lowPos];
                        bracketGtd[highPos] = bracketGtd[lowPos];
                    }
                    bracket[lowPos] = t;
                    bracketF[lowPos] = fNew;
                    bracketG[lowPos] = gNew.clone();
                    bracketGtd[lowPos] = gtdNew;
                }
            }
            t = bracket[lowPos];
            System.arraycopy(bracketG[lowPos], 0, flatGrad, 0, dim);
            return new double[] {bracketF[lowPos], lsFuncEvals};
        }

        /**
         * torch's _cubic_interpolate: the minimizer of the cubic through (x1, f1, g1), (x2, f2, g2), clamped to
         * [xminBound, xmaxBound] (the points' own interval when NaN); the interval's midpoint when it has none.
         */
        static double cubicInterpolate(double x1, double f1, double g1, double x2, double f2, double g2,
                                       double xminBound, double xmaxBound) {
            if (Double.isNaN(xminBound)) {
                xminBound = x1 <= x2 ? x1 : x2;
                xmaxBound = x1 <= x2 ? x2 : x1;
            }
            double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
            double d2Square = d1 * d1 - g1 * g2;
            if (d2Square >= 0) {
                double d2 = Math.sqrt(d2Square);
                double minPos = x1 <= x2
                        ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
                        : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
                return Math.min(Math.max(minPos, xminBound), xmaxBound);
            }
            return (xminBound + xmaxBound) / 2.;
        }

        private static double dot(double[] a, double[] b) {
            double s = 0;
            for (int i = 0; i < a.length; i++) s += a[i] * b[i];
            return s;
        }

        private static double maxAbs(double[] a) {
            double m = 0;
            for (double v : a) m = Math.max(m, Math.abs(v));
            return m;
        }

        private static double sumAbs(double[] a) {
            double s = 0;
            for (double v : a) s += Math.abs(v);
            return s;
        }
    }

    /** Registers {@code LbfgsSpec} (META-INF/services/org.ratelab.optim.OptimizerKind). */
    public static final class Provider implements OptimizerKind {
        @Override public String name() { return NAME; }
        @Override public String doc() {
            return "L-BFGS, optionally with strong-Wolfe line search, as torch.optim.LBFGS (Liu & Nocedal 1989)";
        }
        @Override public Class<? extends Record> config() { return LbfgsSpec.class; }
        @Override public OptimizerSpec parse(Node n) { return LbfgsSpec.parse(n); }
    }
}
