package org.ratelab.laws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.ratelab.SparkTestSession;
import org.ratelab.fits.FitSpec;

/**
 * Laws over curve statistics on hand-built curves: the trajectory minimum (NaN points skipped), maximum and
 * value at a step follow power laws in the axis whose exponents are known exactly.
 */
class CurveLawsTest {
    @Test
    void minimumMaximumAndValueAtAStepOfACurveFollowTheirExactLaws() {
        SparkSession spark = SparkTestSession.get();
        StructType runSchema = new StructType().add("run_id", DataTypes.StringType)
                .add("experiment", DataTypes.StringType).add("axes_json", DataTypes.StringType)
                .add("seed", DataTypes.LongType).add("final_loss", DataTypes.DoubleType)
                .add("steps_to_threshold", DataTypes.LongType).add("rel_change", DataTypes.DoubleType)
                .add("dist_init", DataTypes.DoubleType);
        StructType curveSchema = new StructType().add("run_id", DataTypes.StringType)
                .add("step", DataTypes.LongType).add("grad_norm_sq", DataTypes.DoubleType);
        StructType rateSchema = new StructType().add("run_id", DataTypes.StringType)
                .add("metric", DataTypes.StringType).add("kind", DataTypes.StringType)
                .add("eps", DataTypes.DoubleType).add("value", DataTypes.DoubleType);
        List<Row> runs = new ArrayList<>();
        List<Row> curves = new ArrayList<>();
        int i = 0;
        for (long seed : new long[] {1, 2}) {
            for (double t : new double[] {1000, 4000, 16000}) {
                String id = "r" + i++;
                runs.add(RowFactory.create(id, "x", "{\"train.steps\":\"" + t + "\",\"seed\":\"" + seed + "\"}",
                        seed, 1.0, null, null, null));
                // min over the path 3 t^-1/2 (a NaN point below it is skipped), max 5 t, value at step 10: 7 t^2
                curves.add(RowFactory.create(id, 0L, 5 * t));
                curves.add(RowFactory.create(id, 10L, 7 * t * t));
                curves.add(RowFactory.create(id, 20L, Double.NaN));
                curves.add(RowFactory.create(id, 30L, 3 / Math.sqrt(t)));
                curves.add(RowFactory.create(id, 40L, 4 / Math.sqrt(t) + seed));
            }
        }
        Dataset<Row> r = spark.createDataFrame(runs, runSchema);
        Dataset<Row> c = spark.createDataFrame(curves, curveSchema);
        Dataset<Row> rates = spark.createDataFrame(List.of(), rateSchema);
        FitSpec fit = new FitSpec(FitSpec.DEFAULT.eps(), 0.999, 0.99, 0, 0, FitSpec.DEFAULT.tailFraction(), 100,
                0.95, new double[] {15});
        Map<String, Double> exponent = new HashMap<>();
        for (Row l : ScalingLaws.compute(r, rates, c, fit).where("axis = 'train.steps'").collectAsList()) {
            exponent.put(l.getString(l.fieldIndex("metric")), l.getDouble(l.fieldIndex("exponent")));
        }
        assertEquals(-0.5, exponent.get("grad_norm_sq.min"), 1e-12);
        assertEquals(2.0, exponent.get("grad_norm_sq.max"), 1e-12);
        assertEquals(2.0, exponent.get("grad_norm_sq.at_step@15"), 1e-12);
    }
}
