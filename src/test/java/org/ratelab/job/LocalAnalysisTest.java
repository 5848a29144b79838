package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.ratelab.SparkTestSession;
import org.ratelab.grid.Plan;
import org.ratelab.table.OutputDir;

/**
 * The derived tables of a small output computed on the driver ({@link LocalAnalysis}) are the Spark queries'
 * value for value, bootstrap intervals included ({@link #assertEnginesAgree}, which ExperimentLibraryTest runs
 * on the smoke output of every spec of the library): both engines derive rates, laws, summaries, bounds and
 * checks from the same committed runs and curves. The rates come in the same order too (run_id), since the
 * summaries' and checks' bootstraps draw by position.
 */
public class LocalAnalysisTest {
    /**
     * Derives the tables of {@code out} (a finished job of {@code plan}) with every engine that applies, each into
     * a staging of its own, and asserts that they are equal value for value: the Spark SQL queries and the
     * per-batch tasks ({@link BatchAnalysis}) always, and the driver ({@link LocalAnalysis}) when the output is
     * small enough for it, with the rates in the same order as the queries'. Returns whether the driver's engine
     * was compared. {@code ExperimentLibraryTest} calls it for every smoke spec of the library.
     */
    public static boolean assertEnginesAgree(SparkSession spark, Plan plan, OutputDir out) throws IOException {
        boolean small = LocalAnalysis.applies(spark, out.committedRows("curves"));
        GridJob.Analysis analysis = GridJob.Analysis.of(plan);
        OutputDir.Staging viaSql = out.staging();
        OutputDir.Staging batches = out.staging();
        OutputDir.Staging local = out.staging();
        try {
            GridJob.Derived s = GridJob.derive(spark, plan, analysis, out, viaSql, x -> { }, GridJob.Engine.SQL);
            GridJob.Derived b = GridJob.derive(spark, plan, analysis, out, batches, x -> { }, GridJob.Engine.BATCHES);
            assertEquals(s, b, "status counts and check tallies (batches)");
            for (String t : List.of("rates", "laws", "summaries", "bounds", "checks")) {
                assertEquals(rows(spark, viaSql.table(t)), rows(spark, batches.table(t)), t + " differ (batches)");
            }
            assertFalse(rows(spark, batches.table("rates")).isEmpty(), "no rates: nothing compared");
            if (!small) return false;
            GridJob.Derived l = GridJob.derive(spark, plan, analysis, out, local, x -> { }, GridJob.Engine.DRIVER);
            assertEquals(s, l, "status counts and check tallies (driver)");
            for (String t : List.of("rates", "laws", "summaries", "bounds", "checks")) {
                assertEquals(rows(spark, viaSql.table(t)), rows(spark, local.table(t)), t + " differ (driver)");
            }
            assertEquals(column(spark, viaSql.table("rates"), "run_id"),
                    column(spark, local.table("rates"), "run_id"), "the rates' order");
            return true;
        } finally {
            local.discard();
            viaSql.discard();
            batches.discard();
        }
    }

    @Test
    void theLocalPathNeedsASmallOutputAndSparksCoalescedShuffle() {
        SparkSession spark = SparkTestSession.get();
        assertTrue(LocalAnalysis.applies(spark, LocalAnalysis.MAX_CURVE_ROWS));
        assertFalse(LocalAnalysis.applies(spark, LocalAnalysis.MAX_CURVE_ROWS + 1));
        for (String key : List.of("spark.sql.adaptive.enabled", "spark.sql.adaptive.coalescePartitions.enabled",
                "spark.ratelab.localAnalysis")) {
            spark.conf().set(key, "false");
            try {
                assertFalse(LocalAnalysis.applies(spark, 10), key + " off");
            } finally {
                spark.conf().unset(key);
            }
            assertTrue(LocalAnalysis.applies(spark, 10));
        }
    }

    /** Spark's min and max of doubles (the bounds' α and σ): nulls skipped, NaN above everything. */
    @Test
    void extremesFollowSparkWithNaNAndNull() {
        SparkSession spark = SparkTestSession.get();
        Double nan = Double.NaN;
        Double[][] cases = {{1.0, nan, -2.0}, {nan, nan}, {null, 3.0, null}, {null}, {nan, 0.5}, {-0.0, 0.0},
            {0.0, -0.0}, {Double.NEGATIVE_INFINITY, nan, Double.POSITIVE_INFINITY}};
        StructType schema = new StructType().add("v", DataTypes.DoubleType);
        for (Double[] c : cases) {
            List<Row> rows = new ArrayList<>();
            List<Object[]> local = new ArrayList<>();
            for (Double v : c) {
                rows.add(RowFactory.create(v));
                local.add(new Object[] {v});
            }
            Row r = spark.createDataFrame(rows, schema).selectExpr("min(v)", "max(v)").first();
            String what = Arrays.toString(c);
            assertEquals(r.isNullAt(0) ? null : r.getDouble(0), LocalAnalysis.sqlExtreme(local, 0, false), "min " + what);
            assertEquals(r.isNullAt(1) ? null : r.getDouble(1), LocalAnalysis.sqlExtreme(local, 0, true), "max " + what);
        }
        assertNull(LocalAnalysis.sqlExtreme(List.of(), 0, true));
    }

    /** Every row of a table as text, rows sorted ({@link GridJobTest#sortedRows}). */
    static List<String> rows(SparkSession spark, String path) {
        return GridJobTest.sortedRows(spark.read().parquet(path));
    }

    /** One column of a table in the order a Spark read gives it. */
    static List<Object> column(SparkSession spark, String path, String column) {
        List<Object> out = new ArrayList<>();
        for (Row r : spark.read().parquet(path).select(column).collectAsList()) out.add(r.get(0));
        return out;
    }
}
