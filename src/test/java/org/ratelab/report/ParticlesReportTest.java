package org.ratelab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.SparkTestSession;
import org.ratelab.TestSpecs;
import org.ratelab.grid.Planner;
import org.ratelab.job.GridJob;
import org.ratelab.spec.SpecLoader;
import org.ratelab.table.OutputDir;

/** A mean-field run with the particles probe gets particle plots of |a_j|·w_j from curves.particles. */
class ParticlesReportTest {
    static final String SPEC = """
            experiment: mf
            data: {kind: teacher_student, n: 32, d: 2, inputs: circle, teacher: two_layer, teacher_width: 3,
                   teacher_activation: relu}
            model: {kind: two_layer, activation: relu, parameterization: meanfield, width: 8}
            optimizer: {name: gd, lr: 0.5}
            train: {steps: 40, record: {every: 10}}
            probes: {particles: {enabled: true, every: 1}}
            grid: {model.width: [8, 16]}
            """;

    @TempDir Path dir;

    @Test
    void particlePlotsComeFromTheParticlesProbe() throws Exception {
        SparkSession spark = SparkTestSession.get();
        Path spec = TestSpecs.write(dir, "mf.yaml", SPEC);
        OutputDir out = OutputDir.of(dir.resolve("out").toString(), new Configuration());
        out.create("{}");
        GridJob.execute(spark, Planner.plan(SpecLoader.load(spec, "default")), out, 2);
        Report.write(spark, out);
        ReportData d = new ReportData(spark, out);
        // the widest run, at up to four of its five recorded steps; each step has one (x, y) per neuron
        List<Particles.Snapshot> snaps = Particles.load(d, "mf");
        assertEquals(1, snaps.size());
        assertEquals(16, snaps.get(0).width());
        assertEquals(List.of(0L, 10L, 30L, 40L), List.copyOf(snaps.get(0).steps().keySet()));
        for (double[][] xy : snaps.get(0).steps().values()) assertEquals(16, xy[0].length);
        // x, y are the first two coordinates of |a_j| w_j as the probe recorded them
        Row c = spark.read().parquet(out.table("curves")).join(spark.read().parquet(out.table("runs"))
                .where("width = 16").select("run_id"), "run_id").where("step = 40").first();
        List<Double> p = c.getList(c.fieldIndex("particles"));
        double[][] last = snaps.get(0).steps().get(40L);
        for (int j = 0; j < 16; j++) {
            assertEquals(p.get(2 * j), last[0][j], 0.0);
            assertEquals(p.get(2 * j + 1), last[1][j], 0.0);
        }
        String html = Files.readString(dir.resolve("out").resolve(Report.DIR).resolve(Report.INDEX));
        assertTrue(html.contains("<h3>Particles</h3>"));
        assertFalse(html.contains("no particle positions were recorded"), "particles are shown");
        assertTrue(html.contains("mf-particles-"), "a particle chart");
    }
}
