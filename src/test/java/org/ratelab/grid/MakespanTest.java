package org.ratelab.grid;

import org.ratelab.train.RunConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.TestSpecs;
import org.ratelab.spec.SpecLoader;

/** The makespan benchmark's numbers, from cost estimates: LPT stays close to the ideal on a skewed grid. */
class MakespanTest {
    @TempDir Path dir;

    @Test
    void lptIsCloseToIdealOnWidths16To4096() {
        List<RunConfig> runs = Planner.plan(SpecLoader.load(TestSpecs.write(dir, "m.yaml", Makespan.SKEWED_SPEC),
                "default")).runs();
        System.out.print(Makespan.table(runs));
        for (int cores : new int[] {2, 8, 32}) {
            Makespan.Row r = Makespan.row(runs, cores, Math.max(4 * cores, (runs.size() + 49) / 50), 2);
            assertTrue(r.lptOneJob() <= 1.15, "LPT " + r);
            assertTrue(r.lptBatched() <= 1.15, "batched LPT " + r);
            assertTrue(r.contiguous() > 1.5, "contiguous slices of the plan are skewed: " + r);
        }
    }

    @Test
    void batchedSimulationKeepsInFlightLimitAndListOrder() {
        // two batches of one task each, one core: sequential
        assertEquals(3.0, Makespan.batchedMakespan(List.of(new double[] {1}, new double[] {2}), 1, 2), 1e-12);
        // in flight 1: batch 2 waits for batch 1's straggler although a core is free
        assertEquals(5.0, Makespan.batchedMakespan(List.of(new double[] {4, 1}, new double[] {1}), 2, 1), 1e-12);
        // in flight 2: it fills the free core
        assertEquals(4.0, Makespan.batchedMakespan(List.of(new double[] {4, 1}, new double[] {1}), 2, 2), 1e-12);
        assertEquals(4.0, Scheduler.listMakespan(new double[] {4, 1, 1}, 2), 1e-12);
    }
}
