package org.ratelab.checks;

import java.util.List;
import org.ratelab.api.Doc;
import org.ratelab.fits.Bootstrap;
import org.ratelab.spec.Node;

/**
 * {@code value: {metric, stat, times}}: a statistic over the selected runs ({@code median}, the default, with
 * its bootstrap interval; {@code min}, {@code max} or {@code mean}) of a per-run number named by a
 * {@link MetricRef} ({@link RunValues}): a runs column ({@code L_hat}), a curve statistic
 * ({@code hess_min_eig.min}, {@code sharpness.final}, {@code loj_condition.first}) or a rate
 * ({@code loss.linear}), optionally multiplied by another per-run number ({@code times: optimizer.lr} gives
 * η·λ).
 */
public record ValueCheck(
        @Doc("the per-run number") MetricRef metric,
        @Doc("the statistic over the selected runs") String stat,
        @Doc("a factor: a numeric runs column or configuration path (optimizer.lr)") String times)
        implements CheckKind.Observation {

    public static final String NAME = "value";
    public static final List<String> STATS = List.of("median", "min", "max", "mean");

    static ValueCheck parse(Node n) {
        String text = CheckSpec.metricText(n, "metric");
        String stat = n.choice("stat", "median", STATS);
        String times = n.optional("times") ? n.str("times", null) : null;
        return new ValueCheck(CheckSpec.perRunMetric(n, text), stat, times);
    }

    @Override
    public void validate(PlanContext ctx) {
        Checks.validatePerRun(ctx, metric, times);
    }

    @Override
    public List<Observed> observe(Selection s) {
        double[] v = Checks.values(RunValues.of(metric, times, s.runs(), s.rates(), s.curves()));
        String what = metric.print() + (times == null ? "" : " × " + times);
        double x;
        double[] ci;
        switch (stat) {
            case "median" -> {
                x = Bootstrap.median(v);
                ci = Bootstrap.medianInterval(v, s.fit().bootstrap(), s.fit().level(), Bootstrap.seedOf(s.name()));
            }
            case "mean" -> {
                x = java.util.Arrays.stream(v).average().orElse(Double.NaN);
                ci = Checks.meanInterval(v);
            }
            default -> {
                x = v.length == 0 ? Double.NaN : stat.equals("min") ? v[0] : v[v.length - 1];
                ci = new double[] {x, x};
            }
        }
        return List.of(Observed.of(x, ci[0], ci[1], s.n(), stat + " of " + what + " over " + v.length + " of "
                + s.scope() + (v.length == 0 ? "" : " (range " + Checks.range(v) + ")")));
    }

    /** The value kind. */
    public static final class Provider implements CheckKind {
        @Override public String name() { return NAME; }
        @Override public String doc() { return "A statistic (median with its bootstrap interval, min, max or mean) over the selected runs of a per-run number"; }
        @Override public Class<? extends Record> config() { return ValueCheck.class; }
        @Override public CheckKind.Observation parse(Node n) { return ValueCheck.parse(n); }
        @Override public boolean comparable() { return true; }
    }
}
