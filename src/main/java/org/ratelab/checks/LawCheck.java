package org.ratelab.checks;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.ratelab.api.Doc;
import org.ratelab.laws.ScalingLaws;
import org.ratelab.spec.Node;

/**
 * {@code law: {metric, axis}}: the exponent of a scaling law y ∝ x^exponent over the selected runs
 * ({@link ScalingLaws}), one row per group of the other axes, with its bootstrap interval over seeds.
 */
public record LawCheck(
        @Doc("a laws metric: runs summary, X.max, X.min, X.at_step@k (k in fits.at_steps) or metric.kind[@eps]")
        MetricRef metric,
        @Doc("the grid axis x of the law") String axis) implements CheckKind.Observation {

    public static final String NAME = "law";

    static LawCheck parse(Node n) {
        String text = CheckSpec.metricText(n, "metric");
        String axis = n.str("axis", "model.width");
        return new LawCheck(CheckSpec.metric(n, "metric", text), axis);
    }

    @Override
    public void validate(PlanContext ctx) {
        if (!ctx.axes().contains(axis)) {
            throw ctx.error("axis", "'" + axis + "' is not an axis of this grid; axes: " + String.join(", ", ctx.axes()));
        }
        if (!Checks.lawMetrics(ctx.fit()).contains(metric)) {
            throw ctx.error("metric", "'" + metric.print() + "' is not a law metric; law metrics: "
                    + String.join(", ", ScalingLaws.RUN_METRICS) + ", a rate " + Checks.rateNames(ctx.fit())
                    + ", X.max or X.min of a curves metric X"
                    + (ctx.fit().atSteps().length == 0 ? "" : ", X.at_step@k for k in fits.at_steps"));
        }
    }

    @Override
    public List<Observed> observe(Selection s) {
        Dataset<Row> sel = s.runs();
        String name = metric.print();
        Dataset<Row> selRates = s.rates().join(sel.select("run_id"), "run_id");
        Dataset<Row> selCurves = s.curves() == null ? null : s.curves().join(sel.select("run_id"), "run_id");
        List<Row> laws = ScalingLaws.compute(sel, selRates, selCurves, s.fit(), s.links())
                .where(col("metric").equalTo(name).and(col("axis").equalTo(axis)))
                .orderBy("group_key").collectAsList();
        if (laws.isEmpty()) {
            return List.of(Observed.of(Double.NaN, Double.NaN, Double.NaN, s.n(), "no law of " + name
                    + " against " + axis + " among " + s.scope() + " (needs two positive values at two "
                    + "values of the axis)"));
        }
        List<Observed> out = new ArrayList<>();
        for (Row l : laws) {
            String g = l.getString(l.fieldIndex("group_key"));
            out.add(new Observed(g, l.getDouble(l.fieldIndex("exponent")), Checks.val(l, "exponent_ci_low"),
                    Checks.val(l, "exponent_ci_high"), l.getLong(l.fieldIndex("n_points")),
                    "exponent of " + name + " against " + axis + (g.isEmpty() ? "" : " for " + g)
                            + ", r2 " + Checks.fmt(Checks.val(l, "r2")) + ", " + l.getInt(l.fieldIndex("n_seeds"))
                            + " seeds, " + l.getInt(l.fieldIndex("n_values")) + " values"));
        }
        return out;
    }

    /** The law kind. */
    public static final class Provider implements CheckKind {
        @Override public String name() { return NAME; }
        @Override public String doc() { return "The exponent of a scaling law of a metric against a grid axis, per group of the other axes, with its bootstrap interval over seeds"; }
        @Override public Class<? extends Record> config() { return LawCheck.class; }
        @Override public CheckKind.Observation parse(Node n) { return LawCheck.parse(n); }
        @Override public boolean comparable() { return true; }
    }
}
