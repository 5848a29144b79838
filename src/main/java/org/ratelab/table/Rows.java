package org.ratelab.table;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.ratelab.train.RunConfig;
import org.ratelab.probes.Metrics;
import org.ratelab.probes.CurvePoint;
import org.ratelab.train.RunResult;

/** Converts run results into rows of {@link Schemas#RUNS} and {@link Schemas#CURVES}. */
public final class Rows {
    private Rows() {}

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, false);

    public static Row run(RunResult r) {
        RunConfig c = r.config();
        String axes;
        try {
            axes = JSON.writeValueAsString(c.axes());  // in axis order
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return RowFactory.create(
                c.runId(), c.experiment(), c.model().kind(), c.optimizer().name(), c.model().width(), c.seed(),
                c.optimizer().lr(), c.optimizer().batchSize(), r.status().label(), r.steps(), r.oracleCalls(),
                nullIfNaN(r.finalLoss()), r.wallMs(), r.blas(), c.configJson(),
                c.index(), c.groupKey(), axes, c.n(), c.d(),
                nullIfNaN(r.initialLoss()), nullIfNaN(r.optimalLoss()),
                r.stepsToThreshold() < 0 ? null : r.stepsToThreshold(),
                r.divergedStep() < 0 ? null : r.divergedStep(),
                nullIfNaN(r.distInit()), nullIfNaN(r.relChange()), r.message(), c.cost(),
                nullIfNaN(r.probes().lHat()), nullIfNaN(r.probes().muHat()), nullIfNaN(r.probes().kappaHat()),
                r.probes().escapedStep() < 0 ? null : r.probes().escapedStep(), r.probes().notes(),
                nullIfNaN(r.constants().smoothness()), nullIfNaN(r.constants().plConstant()),
                r.constants().lrScale(), nullIfNaN(r.probes().minNormDist()));
    }

    public static List<Row> curve(RunResult r) {
        RunConfig c = r.config();
        List<Row> rows = new ArrayList<>(r.curve().size());
        int k = Metrics.count();
        for (CurvePoint p : r.curve()) {
            Object[] v = new Object[5 + k + 4];
            v[0] = c.runId();
            v[1] = c.experiment();
            v[2] = c.optimizer().name();
            v[3] = p.step();
            v[4] = p.oracleCalls();
            for (int i = 0; i < k; i++) v[5 + i] = p.has(i) ? p.get(i) : null;
            v[5 + k] = scalaMap(p.layerDist());
            v[6 + k] = scalaMap(p.layerRelChange());
            v[7 + k] = p.particles();           // a double[] is a valid external value of array<double>
            v[8 + k] = scalaMap(p.extraMetrics());
            rows.add(RowFactory.create(v));
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
}
