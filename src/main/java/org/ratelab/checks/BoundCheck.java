package org.ratelab.checks;

import static org.apache.spark.sql.functions.col;

import java.util.List;
import org.apache.spark.sql.Row;
import org.ratelab.api.Doc;
import org.ratelab.fits.Bootstrap;
import org.ratelab.spec.Node;

/**
 * {@code bound: {kind}}: the fraction of the selected runs where a theory bound of the bounds table
 * ({@link Bounds}) holds, among those where it applies, with its Wilson interval and the median slack.
 */
public record BoundCheck(@Doc("the theory bound of the bounds table") String kind) implements CheckKind.Observation {

    public static final String NAME = "bound";
    public static final List<String> KINDS = List.of("pl_rate", "robbins_monro", "an_lu_rate");

    static BoundCheck parse(Node n) {
        return new BoundCheck(n.choice("kind", null, KINDS));
    }

    @Override
    public List<Observed> observe(Selection s) {
        if (s.bounds() == null) return List.of(Observed.of(Double.NaN, Double.NaN, Double.NaN, s.n(), "no bounds table"));
        List<Row> b = s.bounds().where(col("bound").equalTo(kind)).join(s.runs().select("run_id"), "run_id")
                .select("holds", "slack").collectAsList();
        long applies = b.stream().filter(x -> !x.isNullAt(0)).count();
        long holds = b.stream().filter(x -> !x.isNullAt(0) && x.getBoolean(0)).count();
        double[] slack = b.stream().filter(x -> !x.isNullAt(1)).mapToDouble(x -> x.getDouble(1)).toArray();
        double p = applies == 0 ? Double.NaN : (double) holds / applies;
        double[] ci = Checks.wilson(holds, applies);
        return List.of(Observed.of(p, ci[0], ci[1], applies, kind + " holds in " + holds + " of " + applies
                + " runs where it applies (" + s.scope() + "); median slack " + Checks.fmt(Bootstrap.median(slack))));
    }

    /** The bound kind. */
    public static final class Provider implements CheckKind {
        @Override public String name() { return NAME; }
        @Override public String doc() { return "The fraction of the selected runs where a theory bound (PL rate, Robbins-Monro, An-Lu) holds, among those where it applies"; }
        @Override public Class<? extends Record> config() { return BoundCheck.class; }
        @Override public CheckKind.Observation parse(Node n) { return BoundCheck.parse(n); }
        @Override public boolean fraction() { return true; }
    }
}
