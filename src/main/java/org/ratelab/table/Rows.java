package org.ratelab.table;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.ratelab.probes.CurvePoint;
import org.ratelab.probes.Metrics;
import org.ratelab.train.RunConfig;
import org.ratelab.train.RunResult;

/**
 * Converts run results into rows of {@link Schemas#RUNS} and {@link Schemas#CURVES}, each value set by its
 * column's name ({@link RowWriter}): a column added to a schema is one more {@code set} here, and a column
 * left unset fails the row.
 */
public final class Rows {
    private Rows() {}

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, false);

    private static final RowWriter RUN = RowWriter.of(Schemas.RUNS);

    public static Row run(RunResult r) {
        RunConfig c = r.config();
        String axes;
        try {
            axes = JSON.writeValueAsString(c.axes());  // in axis order
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return RUN.writer()
                .set("run_id", c.runId())
                .set("experiment", c.experiment())
                .set("model", c.model().kind())
                .set("optimizer", c.optimizer().name())
                .set("width", c.model().width())
                .set("seed", c.seed())
                .set("lr", c.optimizer().lr())
                .set("batch_size", c.optimizer().batchSize())
                .set("status", r.status().label())
                .set("steps", r.steps())
                .set("oracle_calls", r.oracleCalls())
                .set("final_loss", nullIfNaN(r.finalLoss()))
                .set("wall_ms", r.wallMs())
                .set("blas", r.blas())
                .set("config_json", c.configJson())
                .set("run_index", c.index())
                .set("group_key", c.groupKey())
                .set("axes_json", axes)
                .set("n", c.n())
                .set("d", c.d())
                .set("initial_loss", nullIfNaN(r.initialLoss()))
                .set("optimal_loss", nullIfNaN(r.optimalLoss()))
                .set("steps_to_threshold", nullIfNegative(r.stepsToThreshold()))
                .set("diverged_step", nullIfNegative(r.divergedStep()))
                .set("dist_init", nullIfNaN(r.distInit()))
                .set("rel_change", nullIfNaN(r.relChange()))
                .set("message", r.message())
                .set("cost_estimate", c.cost())
                .set("L_hat", nullIfNaN(r.probes().lHat()))
                .set("mu_hat", nullIfNaN(r.probes().muHat()))
                .set("kappa_hat", nullIfNaN(r.probes().kappaHat()))
                .set("escaped_step", nullIfNegative(r.probes().escapedStep()))
                .set("probe_notes", r.probes().notes())
                .set("smoothness", nullIfNaN(r.constants().smoothness()))
                .set("pl_constant", nullIfNaN(r.constants().plConstant()))
                .set("lr_scale", r.constants().lrScale())
                .set("min_norm_dist", nullIfNaN(r.probes().minNormDist()))
                .build();
    }

    // curves rows are written at volume: every column's index is resolved once, here
    private static final RowWriter CURVE = RowWriter.of(Schemas.CURVES);
    private static final int RUN_ID = CURVE.column("run_id");
    private static final int EXPERIMENT = CURVE.column("experiment");
    private static final int OPTIMIZER = CURVE.column("optimizer");
    private static final int STEP = CURVE.column("step");
    private static final int ORACLE_CALLS = CURVE.column("oracle_calls");
    private static final int[] METRICS = metricColumns();
    private static final int LAYER_DIST = CURVE.column("layer_dist");
    private static final int LAYER_REL_CHANGE = CURVE.column("layer_rel_change");
    private static final int PARTICLES = CURVE.column("particles");
    private static final int EXTRA_METRICS = CURVE.column("extra_metrics");

    private static int[] metricColumns() {
        int[] cols = new int[Metrics.count()];
        for (int i = 0; i < cols.length; i++) cols[i] = CURVE.column(Metrics.NAMES.get(i));
        return cols;
    }

    public static List<Row> curve(RunResult r) {
        RunConfig c = r.config();
        List<Row> rows = new ArrayList<>(r.curve().size());
        RowWriter.Writer w = CURVE.writer();
        for (CurvePoint p : r.curve()) {
            w.set(RUN_ID, c.runId())
                    .set(EXPERIMENT, c.experiment())
                    .set(OPTIMIZER, c.optimizer().name())
                    .set(STEP, p.step())
                    .set(ORACLE_CALLS, p.oracleCalls());
            for (int i = 0; i < METRICS.length; i++) w.set(METRICS[i], p.has(i) ? p.get(i) : null);
            w.set(LAYER_DIST, scalaMap(p.layerDist()))
                    .set(LAYER_REL_CHANGE, scalaMap(p.layerRelChange()))
                    .set(PARTICLES, p.particles())      // a double[] is a valid external value of array<double>
                    .set(EXTRA_METRICS, scalaMap(p.extraMetrics()));
            rows.add(w.build());
        }
        return rows;
    }

    /** A Row's external value of a MapType column is a scala.collection.Map. */
    private static Object scalaMap(java.util.Map<String, Double> m) {
        return m == null ? null : scala.jdk.javaapi.CollectionConverters.asScala(m);
    }

    /** Summary values that were not measured are null; a measured NaN (divergence) stays NaN in curves. */
    private static Double nullIfNaN(double d) {
        return Double.isNaN(d) ? null : d;
    }

    /** A step that never happened (-1) is null. */
    private static Long nullIfNegative(long step) {
        return step < 0 ? null : step;
    }
}
