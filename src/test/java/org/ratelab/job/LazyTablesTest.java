package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.SparkTestSession;
import org.ratelab.table.Schemas;

/**
 * Tables that cannot have a row are written without a Spark query: the laws of a grid whose only varying axis
 * is the seed, the checks of a spec without checks. Their one empty file reads back as the table it replaces.
 */
class LazyTablesTest {
    @TempDir Path dir;

    @Test
    void lawsNeedTwoValuesOfAnAxisOtherThanSeed() throws Exception {
        String train = "train: {steps: 10}\n";
        assertFalse(GridJob.mayHaveLaws(Bench.plan(dir, "seeds", Bench.TINY + train + "grid: {seed: [1, 2, 3]}\n")));
        assertFalse(GridJob.mayHaveLaws(Bench.plan(dir, "one_width", Bench.TINY + train
                + "grid: {model.width: [16], seed: [1, 2]}\n")));
        assertTrue(GridJob.mayHaveLaws(Bench.plan(dir, "widths", Bench.TINY + train
                + "grid: {model.width: [16, 32], seed: [1, 2]}\n")));
        assertTrue(GridJob.mayHaveLaws(Bench.plan(dir, "lrs", Bench.TINY + train
                + "grid: {optimizer.lr: [0.1, 0.2]}\n")));
    }

    @Test
    void anEmptyTableReadsBackWithTheTablesSchema() {
        SparkSession spark = SparkTestSession.get();
        for (String t : new String[] {"laws", "checks"}) {
            String table = dir.resolve(t).toString();
            GridJob.emptyTable(table, t.equals("laws") ? Schemas.LAWS : Schemas.CHECKS,
                    spark.sparkContext().hadoopConfiguration());
            Dataset<Row> back = spark.read().parquet(table);   // the schema from the file's footer
            assertEquals(0, back.count());
            StructField[] want = (t.equals("laws") ? Schemas.LAWS : Schemas.CHECKS).fields();
            StructField[] got = back.schema().fields();
            assertEquals(want.length, got.length);
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i].name(), got[i].name());
                assertEquals(want[i].dataType(), got[i].dataType());
            }
        }
    }
}
