package org.ratelab.probes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ratelab.api.Registry;
import org.ratelab.data.Dataset;
import org.ratelab.linalg.Blas;
import org.ratelab.model.Model;
import org.ratelab.model.ModelSpec;
import org.ratelab.optim.AdaptiveStep;
import org.ratelab.optim.Optimizer;
import org.ratelab.optim.Oracle;

/**
 * The probe registry and, per run, the scheduler: at the trainer's recorded points it measures {@code loss}
 * and {@code grad_norm_sq}, then runs every enabled probe of {@link ProbeSpec} that its schedule selects, in
 * registration order, and keeps the run summary ({@link ProbeSummary}).
 *
 * <p>Probes never change the trajectory: they read θ, the measured full gradient and the optimizer's state
 * and never write them (a plug-in probe gets copies of θ and the gradient); their own randomness (Lanczos
 * start vectors, sampled per-sample gradients) comes from the run's {@code probe} stream; they never call the
 * oracle, so nothing is counted in {@code oracle_calls}. Models whose minibatch gradients draw noise (noisy
 * test functions) are never asked for minibatch gradients here. Expensive probes are not run at a non-finite
 * (diverged) point. A plug-in probe's metrics go to {@code curves.extra_metrics}; one that throws fails its
 * run with a message naming it.
 */
public final class Probes {
    /** Every registered probe kind, ratelab's own first (META-INF/services/org.ratelab.probes.ProbeKind). */
    public static final Registry<ProbeKind> REGISTRY = new Registry<>("probes", "<name>", ProbeKind.class);

    /** Doc lines of the two keys every probe has. */
    static final String ENABLED = "measure this probe";
    static final String EVERY = "every k-th recorded point and the last (0: the first and last only)";

    /** Reads a probe's {@code every} key: the schedule every probe shares. */
    public static int every(org.ratelab.spec.Node n) {
        return n.integer("every", 1, 0, Integer.MAX_VALUE);
    }

    /**
     * An enabled probe of the run: its name, schedule, state, whether it is a plug-in (and which), and whether
     * it has step hooks (a plug-in's θ is copied for them at every step, so only when it overrides them).
     */
    private record Active(String name, ProbeConfig config, Probe probe, boolean plugin, String origin,
                          boolean beforeHook, boolean afterHook) {
    }

    /** Whether a probe's class overrides one of {@link Probe}'s default no-op step hooks. */
    private static boolean overrides(Probe p, String method, Class<?>... params) {
        try {
            return p.getClass().getMethod(method, params).getDeclaringClass() != Probe.class;
        } catch (NoSuchMethodException e) {
            return true;
        }
    }

    private final ProbeSpec spec;
    private final Model model;
    private final int dim;
    private final double[] theta0;
    private final double fStar;
    private final Active[] active;    // the enabled probes, in registration order
    private int index;                // recorded points so far
    // summary
    private double lHat = Double.NaN;
    private double muHat = Double.NaN;
    private long escapedStep = -1;
    private double minNormDist = Double.NaN;
    private final Map<String, Integer> notes = new LinkedHashMap<>();

    /**
     * @param theta0   the initial point (copied)
     * @param batch    the run's minibatch size, 0 for full batch
     * @param shuffle  minibatches sampled without replacement within an epoch (else with replacement)
     */
    public Probes(ProbeSpec spec, Model model, Dataset data, ModelSpec modelSpec, Optimizer opt, int batch,
                  boolean shuffle, SplittableRandom rng, double[] theta0) {
        this.spec = spec;
        this.model = model;
        this.dim = theta0.length;
        this.theta0 = theta0.clone();
        double closed = model.optimalLoss();
        this.fStar = spec.optimalLoss() != null ? spec.optimalLoss() : Double.isFinite(closed) ? closed : 0.0;
        Probe.Run run = new Probe.Run(model, data, modelSpec, opt, batch, shuffle, rng, this.theta0, fStar);
        Probe.Run pluginRun = new Probe.Run(model, data, modelSpec, readOnly(opt), batch, shuffle, rng,
                this.theta0.clone(), fStar);
        List<Active> enabled = new ArrayList<>();
        for (Map.Entry<String, ProbeConfig> e : spec.probes().entrySet()) {
            ProbeConfig c = e.getValue();
            if (!c.enabled()) continue;
            boolean plugin = !Registry.builtIn(c);
            String origin = plugin ? "plug-in " + java.nio.file.Path.of(Registry.source(c)).getFileName() + " "
                    + Registry.version(c) : "built-in";
            Probe p = guarded(e.getKey(), plugin, origin, "setting up", () -> c.instantiate(plugin ? pluginRun : run));
            enabled.add(new Active(e.getKey(), c, p, plugin, origin, overrides(p, "beforeStep", double[].class),
                    overrides(p, "afterStep", long.class, double[].class)));
        }
        this.active = enabled.toArray(new Active[0]);
    }

    /**
     * The optimizer as a plug-in probe sees it: its per-coordinate steps ({@link AdaptiveStep}) when it has
     * them, and a {@code step} that refuses, so that a probe cannot move the optimizer's state.
     */
    static Optimizer readOnly(Optimizer opt) {
        if (opt == null) return null;
        if (opt instanceof AdaptiveStep a) {
            return new AdaptiveStep.Optimizer() {
                @Override public void step(long k, double[] theta, Oracle oracle) { refuse(); }
                @Override public boolean fullGradientAtIterate() { return opt.fullGradientAtIterate(); }
                @Override public boolean effectiveLr(double[] out) { return a.effectiveLr(out); }
            };
        }
        return new Optimizer() {
            @Override public void step(long k, double[] theta, Oracle oracle) { refuse(); }
            @Override public boolean fullGradientAtIterate() { return opt.fullGradientAtIterate(); }
        };
    }

    private static void refuse() {
        throw new UnsupportedOperationException("probes only read: a probe may not step the optimizer");
    }

    /** F* used by pl_ratio. */
    public double optimalLoss() { return fStar; }

    /** Call before every optimizer step (θ = θ_k, not modified). */
    public void beforeStep(double[] theta) {
        for (int i = 0; i < active.length; i++) {         // indexed: nothing allocated per step
            Active a = active[i];
            if (!a.beforeHook()) continue;
            if (a.plugin()) {
                double[] copy = theta.clone();
                guarded(a.name(), true, a.origin(), "before step", () -> {
                    a.probe().beforeStep(copy);
                    return null;
                });
            } else {
                a.probe().beforeStep(theta);
            }
        }
    }

    /** Call after step k moved θ to θ_{k+1} (θ not modified). */
    public void afterStep(long k, double[] theta) {
        for (int i = 0; i < active.length; i++) {
            Active a = active[i];
            if (!a.afterHook()) continue;
            if (a.plugin()) {
                double[] copy = theta.clone();
                guarded(a.name(), true, a.origin(), "after step " + k, () -> {
                    a.probe().afterStep(k, copy);
                    return null;
                });
            } else {
                a.probe().afterStep(k, theta);
            }
        }
        if (spec.escapeRadius() > 0 && escapedStep < 0) {
            double r = spec.escapeRadius();
            if (Blas.distSq(theta, theta0, 0, dim) > r * r) escapedStep = k + 1;
        }
    }

    private boolean due(ProbeConfig p, boolean last) {
        int every = p.every();
        return every == 0 ? index == 0 || last : index % every == 0 || last;
    }

    /** What the probes of one point write: the built-in columns, the plug-ins' extra metrics and the notes. */
    private final class PointSink implements Probe.Sink {
        final double[] v = new double[Metrics.count()];
        long measured;
        Map<String, Double> layerDist;
        Map<String, Double> layerRel;
        double[] particles;
        Map<String, Double> extra;
        Active current;

        @Override
        public void put(int metric, double value) {
            ownColumnsOnly(Metrics.NAMES.get(metric));
            v[metric] = value;
            measured |= 1L << metric;
        }

        @Override
        public void extra(String name, double value) {
            if (name == null || name.isEmpty()) throw new IllegalArgumentException("an extra metric needs a name");
            if (extra == null) extra = new LinkedHashMap<>();
            extra.put(name, value);
        }

        @Override public void note(String reason) { notes.merge(reason, 1, Integer::sum); }

        @Override
        public void layers(Map<String, Double> dist, Map<String, Double> relChange) {
            ownColumnsOnly("layer_dist");
            layerDist = dist;
            layerRel = relChange;
        }

        @Override
        public void particles(double[] positions) {
            ownColumnsOnly("particles");
            particles = positions;
        }

        private void ownColumnsOnly(String column) {
            if (current != null && current.plugin()) {
                throw new IllegalStateException("a plug-in probe writes its metrics with extra(name, value), "
                        + "not into ratelab's column " + column);
            }
        }

        boolean has(int metric) { return (measured & (1L << metric)) != 0; }
    }

    /**
     * The recorded point at step k: θ = θ_k (not modified), f = F(θ_k), grad = ∇F(θ_k) (not modified).
     *
     * @param last whether this is the run's last recorded point
     */
    public CurvePoint point(long k, long calls, double f, double[] grad, double[] theta, boolean last) {
        PointSink out = new PointSink();
        out.put(Metrics.LOSS, f);
        double g2 = Blas.normSq(dim, grad);
        out.put(Metrics.GRAD_NORM_SQ, g2);
        if (last) {
            double[] mn = model.minNormSolution();
            if (mn != null && mn.length == dim) minNormDist = Math.sqrt(Blas.distSq(theta, mn, 0, dim));
        }
        double dist = Math.sqrt(Blas.distSq(theta, theta0, 0, dim));
        Probe.Point at = new Probe.Point(k, calls, index, last, f, g2, theta, grad, dist);
        for (Active a : active) {
            if (!due(a.config(), last)) continue;
            out.current = a;
            if (a.plugin()) {
                Probe.Point copy = new Probe.Point(k, calls, index, last, f, g2, theta.clone(), grad.clone(), dist);
                guarded(a.name(), true, a.origin(), "at step " + k, () -> {
                    a.probe().measure(copy, out);
                    return null;
                });
            } else {
                a.probe().measure(at, out);
            }
        }
        out.current = null;
        if (out.has(Metrics.SHARPNESS)) {
            double s = out.v[Metrics.SHARPNESS];
            if (Double.isNaN(lHat) || s > lHat) lHat = s;
        }
        if (out.has(Metrics.PL_RATIO)) {
            double pl = out.v[Metrics.PL_RATIO];
            if (Double.isNaN(muHat) || pl < muHat) muHat = pl;
        }
        index++;
        return new CurvePoint(k, calls, out.v, out.measured, out.layerDist, out.layerRel, out.particles, out.extra);
    }

    /**
     * Runs a probe's code; a plug-in's exception becomes a {@link ProbeFailure} naming the probe, its jar and
     * version, and where it threw (its run is then {@code failed} with that message). ratelab's own probes'
     * exceptions pass through unchanged.
     */
    private static <T> T guarded(String name, boolean plugin, String origin, String where,
                                 java.util.function.Supplier<T> body) {
        if (!plugin) return body.get();
        try {
            return body.get();
        } catch (RuntimeException | LinkageError | AssertionError e) {
            throw new ProbeFailure("probe " + name + " (" + origin + ") failed " + where + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
    }

    /** A plug-in probe threw: its run ends {@code failed} with this message, the job goes on. */
    public static final class ProbeFailure extends RuntimeException {
        ProbeFailure(String message, Throwable cause) {
            super(message, cause);
        }
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
