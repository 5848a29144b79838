package org.ratelab.checks;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.ratelab.table.Schemas;

/**
 * The bounds table: for each run where the theory's assumptions allow, its prediction next to what the run
 * showed. Computed by Spark, one run at a time, from the runs, rates and curves tables.
 *
 * <ul>
 *   <li>{@code pl_rate}: GD with a constant step η on an L-smooth, μ-PL objective contracts F − F* by at most
 *       1 − 2μη(1 − Lη/2) per step, which is 1 − μ/L at η = 1/L (Polyak 1963; Karimi, Nutini &amp; Schmidt
 *       2016; seeds 000 §3, 002 §3.1, 003). It applies when 0 &lt; η &lt; 2/L. μ and L are the model's
 *       closed forms when it has them, else the measured μ̂ (smallest PL ratio seen) and L̂ (largest
 *       sharpness seen). Observed: the run's {@code loss/linear} contraction. It is an upper bound: holds
 *       when observed ≤ predicted, and slack = predicted − observed says how loose it is.</li>
 *   <li>{@code robbins_monro}: with η_k ∝ (k + n₀)^(−q), E F − F* = O(k^(−q)) (seed 002, table; 004 Lemma
 *       4.2); observed: the run's {@code loss/power} exponent; holds when within 0.05 of −q. For q = 1 the
 *       rate needs 2λγ &gt; 1, which the detail recalls.</li>
 *   <li>{@code an_lu_rate}: under machine-learning noise, constant-step SGD contracts E F by
 *       ρ = 1 − ηα + (η²/2)·C_L(2C_L + σ) (An &amp; Lu, Theorem 3.1), with α the smallest ‖∇F‖²/F seen
 *       ({@code loj_alpha}), C_L = L̂ and σ the largest {@code noise_ratio} seen (0 for full-batch GD without
 *       the noise probe) plus the scale of injected {@code ml} noise; needs the hessian and pl probes (and
 *       the noise probe for minibatches). An upper bound on the observed {@code loss/linear} contraction,
 *       when ρ &lt; 1.</li>
 * </ul>
 */
public final class Bounds {
    private Bounds() {}

    static final double RM_TOLERANCE = 0.05;
    private static final ObjectMapper JSON = new ObjectMapper();

    public static Dataset<Row> compute(Dataset<Row> runs, Dataset<Row> rates, Dataset<Row> curves) {
        Dataset<Row> lin = rates.where("metric = 'loss' AND kind = 'linear'").select(col("run_id"),
                col("value").as("rho"));
        Dataset<Row> pow = rates.where("metric = 'loss' AND kind = 'power'").select(col("run_id"),
                col("value").as("expo"));
        List<String> cc = java.util.Arrays.asList(curves.columns());
        Dataset<Row> agg = curves.groupBy("run_id").agg(
                cc.contains("loj_alpha") ? min(col("loj_alpha")).as("alpha") : org.apache.spark.sql.functions
                        .lit(null).cast("double").as("alpha"),
                cc.contains("noise_ratio") ? max(col("noise_ratio")).as("sigma") : org.apache.spark.sql.functions
                        .lit(null).cast("double").as("sigma"));
        Dataset<Row> j = runs.select(col("run_id"), col("experiment"), col("optimizer"), col("lr"),
                        col("lr_scale"), col("config_json"), col("smoothness"), col("pl_constant"), col("L_hat"),
                        col("mu_hat"))
                .join(lin, "run_id", "left").join(pow, "run_id", "left").join(agg, "run_id", "left");
        return j.flatMap((FlatMapFunction<Row, Row>) Bounds::bounds, Encoders.row(Schemas.BOUNDS));
    }

    /**
     * One run's bounds rows: r is (run_id, experiment, optimizer, lr, lr_scale, config_json, smoothness,
     * pl_constant, L_hat, mu_hat, rho, expo, alpha, sigma), as {@link #compute} joins it.
     */
    public static Iterator<Row> bounds(Row r) throws Exception {
        List<Row> out = new ArrayList<>();
        String runId = r.getString(0);
        String experiment = r.getString(1);
        String opt = r.getString(2);
        double eta = r.getDouble(3) * r.getDouble(4);
        JsonNode o = optimizerOf(r.getString(5));
        String schedule = o.path("schedule").path("kind").asText("constant");
        String noise = o.path("noise").path("kind").asText("none");
        double rho = num(r, 10);
        double expo = num(r, 11);
        boolean plainGd = (opt.equals("gd") || (opt.equals("sgd") && o.path("batch_size").asInt(-1) == 0
                && o.path("momentum").asDouble(0) == 0 && o.path("weight_decay").asDouble(0) == 0))
                && schedule.equals("constant") && noise.equals("none");
        if (plainGd) {
            double l = num(r, 6);
            double mu = num(r, 7);
            String source = "closed form";
            if (Double.isNaN(l) || Double.isNaN(mu)) {
                l = num(r, 8);
                mu = num(r, 9);
                source = "measured (L_hat, mu_hat)";
            }
            if (l > 0 && mu > 0 && eta > 0 && eta < 2 / l) {
                double predicted = 1 - 2 * mu * eta * (1 - l * eta / 2);
                String d = "GD, eta " + fmt(eta) + ", mu " + fmt(mu) + ", L " + fmt(l) + " (" + source
                        + "): F - F* contracts by at most 1 - 2 mu eta (1 - L eta / 2) per step";
                out.add(upper(runId, experiment, opt, "pl_rate", predicted, rho, d));
            }
        }
        if (schedule.equals("robbins_monro")) {
            double q = o.path("schedule").path("q").asDouble(Double.NaN);
            String d = "Robbins-Monro q " + fmt(q) + ": E F - F* = O(k^-q)" + (q == 1.0
                    ? " (q = 1 needs 2 lambda gamma > 1)" : "") + "; observed: loss/power exponent";
            Boolean holds = Double.isNaN(expo) ? null : Math.abs(expo - (-q)) <= RM_TOLERANCE;
            out.add(RowFactory.create(runId, experiment, opt, "robbins_monro", -q, nan(expo), holds,
                    Double.isNaN(expo) ? null : expo + q, d));
        }
        double alpha = num(r, 12);
        double sigma = annLuSigma(num(r, 13), opt, o, noise);
        double cl = num(r, 8);
        if (schedule.equals("constant") && alpha > 0 && cl > 0 && sigma >= 0 && !Double.isNaN(sigma)) {
            double predicted = 1 - eta * alpha + eta * eta / 2 * cl * (2 * cl + sigma);
            if (predicted < 1) {
                String d = "An-Lu Thm 3.1: eta " + fmt(eta) + ", alpha " + fmt(alpha) + ", C_L " + fmt(cl)
                        + ", sigma " + fmt(sigma);
                out.add(upper(runId, experiment, opt, "an_lu_rate", predicted, rho, d));
            }
        }
        return out.iterator();
    }

    /**
     * The {@code optimizer} object of a run's config_json, as {@code readTree(json).path("optimizer")} gives it
     * (a missing node when there is none), without building the rest of the tree: the parser skips the other
     * top-level values. Building the whole config's tree for each run was most of a big grid's bounds.
     */
    static JsonNode optimizerOf(String configJson) throws java.io.IOException {
        try (JsonParser p = JSON.getFactory().createParser(configJson)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return JSON.readTree(configJson).path("optimizer");
            JsonNode found = MissingNode.getInstance();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("optimizer")) found = JSON.readTree(p);   // the last one wins, as in readTree
                else p.skipChildren();
            }
            return found;
        }
    }

    /**
     * σ of An &amp; Lu's Assumption 4 (E‖noise‖² ≤ σF): the minibatch part measured by the noise probe (its
     * largest {@code noise_ratio}; 0 for a full-batch method when the probe is off) plus, for injected
     * {@code ml} noise √(scale·F)·Z with E|Z|² = 1, its scale. NaN when the noise is of another kind or the
     * minibatch part was not measured.
     */
    static double annLuSigma(double probeRatio, String opt, JsonNode o, String noise) {
        boolean fullBatch = opt.equals("gd") || (opt.equals("sgd") && o.path("batch_size").asInt(-1) == 0);
        double batch = !Double.isNaN(probeRatio) ? probeRatio : fullBatch ? 0 : Double.NaN;
        return switch (noise) {
            case "none" -> batch;
            case "ml" -> batch + o.path("noise").path("scale").asDouble(Double.NaN);
            default -> Double.NaN;
        };
    }

    private static Row upper(String runId, String experiment, String opt, String bound, double predicted,
                             double observed, String detail) {
        Boolean holds = Double.isNaN(observed) ? null : observed <= predicted + 1e-12;
        return RowFactory.create(runId, experiment, opt, bound, predicted, nan(observed), holds,
                Double.isNaN(observed) ? null : predicted - observed,
                detail + (Double.isNaN(observed) ? "; no linear stretch was observed" : ""));
    }

    private static double num(Row r, int i) {
        return r.isNullAt(i) ? Double.NaN : ((Number) r.get(i)).doubleValue();
    }

    private static Double nan(double d) {
        return Double.isNaN(d) ? null : d;
    }

    private static String fmt(double d) {
        return String.format("%.4g", d);
    }
}
