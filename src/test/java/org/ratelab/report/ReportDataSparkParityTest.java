package org.ratelab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.SparkTestSession;
import org.ratelab.TestSpecs;
import org.ratelab.grid.Planner;
import org.ratelab.job.GridJob;
import org.ratelab.spec.SpecLoader;
import org.ratelab.table.OutputDir;
import org.ratelab.table.Schemas;

/**
 * The report's data read and aggregated in plain Java ({@link ReportData}) against the Spark SQL queries the
 * report ran before ({@link SparkReportData}), number for number: every median, min, max, count, step, law
 * point, law, rate summary cell, status count, failure, check cell and particle position, compared through
 * {@link Double#toString} (exact: distinct doubles print differently, NaN and −0.0 included).
 *
 * <p>Three outputs: a real grid (three optimizer entries, one diverging, × 2 widths × 2 seeds, with a
 * checks table); a mean-field grid with the particles probe; and hand-made tables built to hit Spark's
 * semantics where plain Java could differ (NaN, ±Inf, −0.0, nulls, non-ASCII and escaped partition values,
 * several files per table, failed runs, an eps of null, 0, −0.0 and NaN, a duplicated run_id, ties).
 */
class ReportDataSparkParityTest {
    @TempDir static Path dir;
    static SparkSession spark;
    static OutputDir grid;
    static OutputDir meanField;
    static OutputDir edges;

    @BeforeAll
    static void outputs() throws Exception {
        spark = SparkTestSession.get();
        grid = OutputDir.of(dir.resolve("grid").toString(), new Configuration());
        grid.create("{}");
        GridJob.execute(spark, Planner.plan(SpecLoader.load(TestSpecs.write(dir, "grid.yaml", ReportTest.SPEC),
                "default")), grid, 3);
        StructType checks = org.ratelab.checks.Checks.SCHEMA;
        spark.createDataFrame(List.of(
                RowFactory.create("small", "law-b", -0.5, -0.48, -0.6, -0.4, true, "group=a", "[-0.6, -0.4]", 4L, "d"),
                RowFactory.create("small", "law-b", -0.5, Double.NaN, null, null, false, "group=b", "x", 4L, "d"),
                RowFactory.create("small", "Zeta", 1.0, 1e-12, 0.0, -0.0, true, "<b>", "x", 0L, "d"),
                RowFactory.create("other", "law-a", 2.0, 3.0, 1.0, 4.0, false, "elsewhere", "x", 1L, "d")), checks)
                .repartition(2).write().mode("overwrite").parquet(grid.table("checks"));

        meanField = OutputDir.of(dir.resolve("mf").toString(), new Configuration());
        meanField.create("{}");
        GridJob.execute(spark, Planner.plan(SpecLoader.load(TestSpecs.write(dir, "mf.yaml", ParticlesReportTest.SPEC
                .replace("grid: {model.width: [8, 16]}", "grid: {model.width: [8, 16], seed: [1, 2]}")), "default")),
                meanField, 2);

        edges = OutputDir.of(dir.resolve("edges").toString(), new Configuration());
        edges.create("{}");
        writeEdgeTables(edges);
    }

    // ---- the hand-made output ---------------------------------------------------------------------------

    static final double NAN = Double.NaN, INF = Double.POSITIVE_INFINITY;

    /** A row of {@code schema}: the given values, defaults for the other required columns, nulls otherwise. */
    static Row row(StructType schema, Object... kv) {
        Map<String, Object> v = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) v.put((String) kv[i], kv[i + 1]);
        Object[] out = new Object[schema.fields().length];
        for (int i = 0; i < out.length; i++) {
            StructField f = schema.fields()[i];
            if (v.containsKey(f.name())) {
                out[i] = v.remove(f.name());
            } else if (!f.nullable()) {
                out[i] = f.dataType() == DataTypes.StringType ? "" : f.dataType() == DataTypes.IntegerType ? 0
                        : f.dataType() == DataTypes.LongType ? 0L : f.dataType() == DataTypes.DoubleType ? 0.0
                        : f.dataType() == DataTypes.BooleanType ? false : null;
            }
        }
        assertTrue(v.isEmpty(), "no such columns: " + v.keySet());
        return RowFactory.create(out);
    }

    static Row run(String id, String exp, String opt, String group, int width, long seed, String status,
                   Object... more) {
        List<Object> kv = new ArrayList<>(List.of("run_id", id, "experiment", exp, "optimizer", opt, "group_key",
                group, "width", width, "seed", seed, "status", status, "config_json",
                "{\"model\":{\"parameterization\":\"ntk\"}}", "d", 2));
        kv.addAll(List.of(more));
        return row(Schemas.RUNS, kv.toArray());
    }

    static void writeEdgeTables(OutputDir out) {
        String mf = "{\"model\":{\"parameterization\":\"meanfield\",\"width\":4}}";
        List<Row> runs = List.of(
                run("r01", "beta", "gd", "opt=gd", 16, 1, "converged", "final_loss", 1e-9, "steps_to_threshold", 40L,
                        "rel_change", 0.5, "dist_init", 2.0, "optimal_loss", 0.25, "wall_ms", 12L, "steps", 40L),
                run("r02", "beta", "gd", "opt=gd", 16, 2, "converged", "final_loss", 3e-9, "steps_to_threshold", 41L,
                        "rel_change", NAN, "dist_init", INF, "optimal_loss", 0.25, "wall_ms", 13L, "steps", 41L),
                run("r03", "beta", "gd", "opt=gd", 64, 1, "max_steps", "final_loss", 0.0, "rel_change", -0.0,
                        "dist_init", 1.5, "wall_ms", 14L, "steps", 100L),
                run("r04", "beta", "a b", "opt=a b", 64, 2, "diverged", "final_loss", INF, "rel_change", 0.125,
                        "diverged_step", 7L, "wall_ms", 1L, "steps", 7L),
                run("r05", "beta", "x=y", "opt=x=y", 16, 1, "failed", "message", "boom", "wall_ms", 0L, "steps", 3L),
                run("r06", "beta", "x=y", "opt=x=y", 16, 2, "failed", "wall_ms", 0L, "steps", 0L),
                run("r07", "beta", "x=y", "opt=x=y", 64, 1, "failed", "message", "boom", "wall_ms", 2L, "steps", 1L),
                run("r08", "beta", "x=y", "opt=x=y", 64, 2, "failed", "message", "Boom", "wall_ms", 2L, "steps", 9L),
                run("r09", "alpha", "sgd", "", 0, 1, "converged", "final_loss", 2.0, "wall_ms", 5L, "steps", 5L),
                run("r10", "alpha", "sgd", "", 8, 2, "converged", "final_loss", 4.0, "wall_ms", 5L, "steps", 5L),
                run("r11", "élan", "p/q%", "lr=0.1,é=1", 4, 1, "max_steps", "config_json", mf, "d", 1,
                        "final_loss", 0.5, "steps", 20L),
                run("r12", "élan", "p/q%", "lr=0.1,é=1", 4, 2, "max_steps", "config_json", mf, "d", 1,
                        "final_loss", 0.5, "steps", 20L),
                run("r13", "élan", "p/q%", "lr=0.1,z=1", 8, 1, "max_steps", "config_json", mf, "d", 2,
                        "final_loss", 0.75, "steps", 20L),
                run("r14", "élan", "p/q%", "lr=0.1,\uD83D\uDE00=1", 8, 1, "max_steps", "config_json", mf, "d", 3,
                        "final_loss", 0.75, "steps", 20L),
                // the same run_id twice: Spark's joins repeat its curve points, and so must the plain ones
                run("r01", "beta", "gd", "opt=gd", 16, 1, "converged", "final_loss", 1e-9, "wall_ms", 12L,
                        "optimal_loss", 0.5, "steps", 40L));
        spark.createDataFrame(runs, Schemas.RUNS).repartition(2).write().parquet(out.table("runs"));

        List<Row> curves = new ArrayList<>();
        double[][] losses = {
            {1.0, 0.5, 0.25 + 1e-3, 0.25, NAN},  // r01: F* 0.25 (and 0.5 for its twin): y <= 0 dropped
            {2.0, 0.5, 0.3, 0.26, 0.251},        // r02
            {1.0, 1e-300, INF, -1.0, 0.7},       // r03: no F*
            {1.0, 10.0, 1e6, INF, NAN},          // r04
        };
        String[] ids = {"r01", "r02", "r03", "r04"};
        String[] opts = {"gd", "gd", "gd", "a b"};
        for (int r = 0; r < ids.length; r++) {
            for (int s = 0; s < losses[r].length; s++) {
                curves.add(row(Schemas.CURVES, "run_id", ids[r], "experiment", "beta", "optimizer", opts[r],
                        "step", 10L * s, "oracle_calls", 10L * s * (r + 1), "loss", losses[r][s]));
            }
        }
        curves.add(row(Schemas.CURVES, "run_id", "r02", "experiment", "beta", "optimizer", "gd", "step", 50L,
                "oracle_calls", 7L));  // loss null
        curves.add(row(Schemas.CURVES, "run_id", "ghost", "experiment", "beta", "optimizer", "gd", "step", 0L,
                "oracle_calls", 0L, "loss", 1.0));  // no run: the inner join drops it
        for (long seed = 0; seed < 3; seed++) {  // alpha: three points at a step, medians of odd and even counts
            curves.add(row(Schemas.CURVES, "run_id", "r09", "experiment", "alpha", "optimizer", "sgd", "step", seed,
                    "oracle_calls", 3L + seed, "loss", 1.0 / (1 + seed)));
            curves.add(row(Schemas.CURVES, "run_id", "r10", "experiment", "alpha", "optimizer", "sgd", "step", seed,
                    "oracle_calls", 4L, "loss", 0.3 * (1 + seed)));
        }
        curves.add(row(Schemas.CURVES, "run_id", "r10", "experiment", "alpha", "optimizer", "sgd", "step", 0L,
                "oracle_calls", 5L, "loss", 0.1));
        for (String id : List.of("r11", "r12", "r13", "r14")) {
            for (long step : List.of(0L, 5L, 10L, 15L, 20L, 25L)) {
                double[] p = new double[id.equals("r14") ? 7 : 6];
                for (int j = 0; j < p.length; j++) p[j] = (j + 1) * (step + 1) * (id.equals("r12") ? -1 : 1) / 7.0;
                curves.add(row(Schemas.CURVES, "run_id", id, "experiment", "élan", "optimizer", "p/q%", "step", step,
                        "oracle_calls", step, "loss", 1.0 / (step + 1),
                        "particles", step == 10L && id.equals("r13") ? null : scalaDoubles(p)));
            }
        }
        spark.createDataFrame(curves, Schemas.CURVES).repartition(3)
                .write().partitionBy("experiment", "optimizer").parquet(out.table("curves"));

        List<Row> rates = new ArrayList<>();
        Double[] eps = {null, 1e-4, 0.0, -0.0, NAN, 1e-8};
        Double[] values = {0.9, NAN, null, 0.5, -0.0, 1e30};
        int k = 0;
        for (String id : List.of("r01", "r02", "r03", "r04", "r09", "r10", "r11", "ghost")) {
            for (String metric : List.of("loss", "grad_norm_sq")) {
                for (int e = 0; e < eps.length; e++, k++) {
                    rates.add(row(Schemas.RATES, "run_id", id, "experiment", "x", "optimizer", "x", "metric", metric,
                            "kind", e == 0 ? "linear" : "steps_to_eps", "eps", eps[e],
                            "value", values[(k * 7) % values.length],
                            "r2", k % 3 == 0 ? null : 1.0 / (k + 1), "value_per_oracle_call", k % 4 == 0 ? null : 0.1 * k));
                }
            }
        }
        spark.createDataFrame(rates, Schemas.RATES).repartition(2).write().parquet(out.table("rates"));

        List<Row> laws = List.of(
                row(Schemas.LAWS, "experiment", "beta", "group_key", "opt=gd", "metric", "final_loss", "exponent", -0.5,
                        "prefactor", 2.0, "r2", 0.99, "n_points", 4L, "axis", "model.width", "exponent_ci_low", -0.6,
                        "exponent_ci_high", -0.4, "n_seeds", 2, "n_values", 2, "axis_min", 16.0, "axis_max", 64.0),
                row(Schemas.LAWS, "experiment", "beta", "group_key", "opt=gd", "metric", "dist_init", "n_points", 1L,
                        "axis", "model.width", "n_values", 1, "axis_min", 16.9),
                row(Schemas.LAWS, "experiment", "beta", "group_key", "opt=gd", "metric", "final_loss", "exponent", 9.0,
                        "n_points", 4L, "axis", "optimizer.lr", "n_values", 2),
                row(Schemas.LAWS, "experiment", "alpha", "group_key", "", "metric", "rel_change", "exponent", NAN,
                        "n_points", 2L, "axis", "model.width", "n_values", 2, "axis_min", 0.0, "axis_max", 8.0));
        spark.createDataFrame(laws, Schemas.LAWS).write().parquet(out.table("laws"));

        // a checks table with one more column than the report knows, a null experiment and tied check names
        StructType checks = new StructType().add("check", DataTypes.StringType).add("experiment", DataTypes.StringType)
                .add("passed", DataTypes.BooleanType).add("observed", DataTypes.DoubleType)
                .add("n", DataTypes.LongType).add("ratio", DataTypes.FloatType).add("note", DataTypes.StringType);
        spark.createDataFrame(List.of(
                RowFactory.create("b", "beta", true, 0.5, 3L, 1.5f, "first b"),
                RowFactory.create("a", "beta", false, NAN, null, null, null),
                RowFactory.create("b", "beta", false, -0.0, 4L, 0.1f, "second b"),
                RowFactory.create(null, "beta", true, 1e-7, 5L, 2f, "no name"),
                RowFactory.create("c", null, true, 1.0, 6L, 3f, "no experiment"),
                RowFactory.create("Z", "alpha", true, 123456.0, 7L, 4f, "alpha")), checks)
                .coalesce(1).write().parquet(out.table("checks"));
    }

    static scala.collection.immutable.Seq<Object> scalaDoubles(double[] p) {
        List<Object> l = new ArrayList<>();
        for (double d : p) l.add(d);
        return scala.jdk.javaapi.CollectionConverters.asScala(l).toList();
    }

    // ---- the comparison -----------------------------------------------------------------------------

    static String s(double[] a) {
        StringBuilder b = new StringBuilder("[");
        for (double d : a) b.append(d).append(' ');
        return b.append(']').toString();
    }

    static List<String> bands(List<ReportData.Band> bands) {
        List<String> out = new ArrayList<>();
        for (ReportData.Band b : bands) {
            out.add(b.experiment() + " | " + b.group() + " | " + b.width() + " | steps " + s(b.step()) + " | calls "
                    + s(b.oracleCalls()) + " | median " + s(b.median()) + " | min " + s(b.min()) + " | max "
                    + s(b.max()) + " | seeds " + b.maxSeeds());
        }
        return out;
    }

    static List<String> particles(List<Particles.Snapshot> snaps) {
        List<String> out = new ArrayList<>();
        for (Particles.Snapshot p : snaps) {
            StringBuilder b = new StringBuilder(p.runId() + " | " + p.group() + " | " + p.width() + " | " + p.seed());
            for (Map.Entry<Long, double[][]> e : p.steps().entrySet()) {
                b.append(" | ").append(e.getKey()).append(": x ").append(s(e.getValue()[0])).append(" y ")
                        .append(s(e.getValue()[1]));
            }
            out.add(b.toString());
        }
        return out;
    }

    /** Every number of the report's data, both ways. Returns how many experiments were compared. */
    static int compare(OutputDir out) throws Exception {
        SparkReportData spark = new SparkReportData(ReportDataSparkParityTest.spark, out);
        ReportData plain = new ReportData(new Configuration(), out);
        List<ReportData.Experiment> exps = spark.experiments();
        assertEquals(exps, plain.experiments(), "experiments");
        assertEquals(bands(spark.bands()), bands(plain.bands()), "convergence bands");
        assertEquals(spark.lawPoints(), plain.lawPoints(), "law points");
        assertEquals(spark.laws().toString(), plain.laws().toString(), "laws");
        assertEquals(spark.particlesAvailable(), Particles.available(plain), "particles available");
        for (ReportData.Experiment e : exps) {
            String x = e.name();
            assertEquals(spark.statusCounts(x), plain.statusCounts(x), x + ": status counts");
            assertEquals(spark.trainingMs(x), plain.trainingMs(x), x + ": training time");
            assertEquals(spark.failures(x, 10), plain.failures(x, 10), x + ": failures");
            assertEquals(spark.failures(x, 1), plain.failures(x, 1), x + ": failures, limit 1");
            assertEquals(spark.rates(x), plain.rates(x), x + ": rates");
            assertEquals(spark.checks(x), plain.checks(x), x + ": checks");
            assertEquals(spark.meanField(x), plain.meanField(x), x + ": mean field");
            if (plain.meanField(x)) {
                assertEquals(particles(spark.particles(x)), particles(Particles.load(plain, x)), x + ": particles");
            }
        }
        return exps.size();
    }

    @Test
    void aRealGridGivesTheSameNumbers() throws Exception {
        assertEquals(1, compare(grid));
        ReportData d = new ReportData(new Configuration(), grid);
        assertEquals(3 * 2, d.bands().size(), "a series per group and width");
        assertFalse(d.rates("small").rows().isEmpty());
        assertEquals(3, d.checks("small").rows().size());
    }

    @Test
    void aMeanFieldGridGivesTheSameParticles() throws Exception {
        assertEquals(1, compare(meanField));
        ReportData d = new ReportData(new Configuration(), meanField);
        assertTrue(d.meanField("mf"));
        assertEquals(16, Particles.load(d, "mf").get(0).width());
    }

    @Test
    void edgeCasesGiveTheSameNumbers() throws Exception {
        assertEquals(3, compare(edges));
        ReportData d = new ReportData(new Configuration(), edges);
        // the fixture reaches what it is for
        assertEquals(List.of("alpha", "beta", "élan"), d.experiments().stream().map(ReportData.Experiment::name).toList());
        assertTrue(d.bands().stream().anyMatch(b -> b.group().equals("opt=a b")), "an escaped partition value");
        assertEquals(3, Particles.load(d, "élan").size(), "a particle run per group");
        assertTrue(d.rates("beta").rows().stream().anyMatch(r -> r.get(3).equals("steps_to_eps@0.0")), "eps 0");
        assertEquals(List.of("boom", "2", "1"), d.failures("beta", 10).rows().get(0), "most frequent message first");
        assertEquals(4L, d.statusCounts("beta").get("failed"));
    }

    @Test
    void sparkOrderAndMediansOnTies() {
        SqlAgg.Doubles d = new SqlAgg.Doubles();
        for (double v : new double[] {3, 1, NAN, 2}) d.add(v);
        assertEquals(2.5, d.median());  // 1 2 3 NaN: positions 1 and 2
        assertEquals(1.0, d.min());
        assertTrue(Double.isNaN(d.max()), "NaN is the largest double in Spark");
        assertTrue(SqlAgg.STRINGS.compare("\uFFFF", "\uD83D\uDE00") < 0, "code points, not UTF-16 units");
        assertEquals("a", ParquetTables.unescape("a"));
        assertEquals("x=y/%", ParquetTables.unescape("x%3Dy%2F%25"));
        assertEquals("%4", ParquetTables.unescape("%4"));
    }
}
