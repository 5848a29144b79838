package org.ratelab.checks;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.ratelab.api.Doc;
import org.ratelab.fits.Bootstrap;
import org.ratelab.spec.Node;

/**
 * {@code rate: {metric, kind, eps}}: the median over the selected runs of a per-run rate of the rates table,
 * with its bootstrap interval.
 */
public record RateCheck(
        @Doc("the rates table's metric (loss, grad_norm_sq, test_loss)") String metric,
        @Doc("the rate's kind") String kind,
        @Doc("the threshold of steps_to_eps and oracle_calls_to_eps, one of fits.eps") Double eps)
        implements CheckKind.Observation {

    public static final String NAME = "rate";
    /** The kinds of the rates table ({@link org.ratelab.fits.Rates}). */
    public static final List<String> KINDS = List.of("linear", "power", "steps_to_eps", "oracle_calls_to_eps",
            "noise_floor");

    static RateCheck parse(Node n) {
        String metric = n.str("metric", "loss");
        String kind = n.choice("kind", null, KINDS);
        Double eps = n.optional("eps") ? n.positive("eps", Double.NaN) : null;
        return new RateCheck(metric, kind, eps);
    }

    /** The rate as a metric name, {@code metric.kind[@eps]}. */
    public MetricRef.Rate ref() { return new MetricRef.Rate(metric, kind, eps); }

    @Override
    public void validate(PlanContext ctx) {
        String problem = Checks.rateProblem(metric, kind, eps, ctx.fit());
        if (problem != null) throw ctx.error(null, problem);
    }

    @Override
    public List<Observed> observe(Selection s) {
        Column cond = col("metric").equalTo(metric).and(col("kind").equalTo(kind));
        if (eps != null) {
            double e = eps;
            cond = cond.and(functions.abs(col("eps").minus(e)).leq(1e-12 * e));
        }
        Dataset<Row> r = s.rates().where(cond).join(s.runs().select("run_id"), "run_id");
        List<Double> vals = new ArrayList<>();
        // in run_id order: the bootstrap draws by position, so the interval must not depend on how the rates
        // table was split into files
        for (Row row : r.orderBy("run_id").select("value").collectAsList()) {
            if (!row.isNullAt(0) && Double.isFinite(row.getDouble(0))) vals.add(row.getDouble(0));
        }
        double[] v = vals.stream().mapToDouble(Double::doubleValue).toArray();
        double[] ci = Bootstrap.medianInterval(v, s.fit().bootstrap(), s.fit().level(), Bootstrap.seedOf(s.name()));
        String what = metric + "/" + kind + (eps != null ? " at eps " + eps : "");
        return List.of(Observed.of(Bootstrap.median(v), ci[0], ci[1], s.n(), "median " + what + " over "
                + v.length + " of " + s.scope()));
    }

    /** The rate kind. */
    public static final class Provider implements CheckKind {
        @Override public String name() { return NAME; }
        @Override public String doc() { return "The median over the selected runs of a per-run rate (fits.Rates), with its bootstrap interval"; }
        @Override public Class<? extends Record> config() { return RateCheck.class; }
        @Override public CheckKind.Observation parse(Node n) { return RateCheck.parse(n); }
        @Override public boolean comparable() { return true; }
    }
}
