package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 3: {@code ratelab plan} of a 10^6-run grid in a fresh JVM with {@code -Xmx1g} (the bench's
 * {@code plan_scale} spec, {@link BenchPlan}) succeeds in well under a minute, counts every run and prints
 * the 12,500-value seed axis as its first and last values.
 */
class PlanScaleTest {
    @TempDir Path dir;

    @Test
    void aMillionRunGridPlansInABoundedHeap() throws Exception {
        BenchPlan.Timed t = BenchPlan.plan(dir, 1_000_000 / BenchPlan.RUNS_PER_SEED);
        assertEquals(0, t.exit(), t.output());
        assertTrue(t.output().contains("runs 1000000\n"), t.output());
        assertTrue(t.output().contains("axis seed (12500): 1, 2, 3, …, 12498, 12499, 12500\n"), t.output());
        assertTrue(t.output().contains("axis optimizer.lr (10): 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5\n"),
                t.output());
        // about 3-5 s on 2 shared cores at load 10, JVM start included; run by run it did not fit in 1 GB
        assertTrue(t.seconds() < 60, t.seconds() + " s\n" + t.output());
    }

    /**
     * The start of {@code run} at 10^6 runs in a JVM of {@code -Xmx1g}: the runs to train, their batches and
     * LPT buckets, and the plan's runs serialized for the broadcast (a lazy expansion: about 1.8 MB, where a
     * million bound RunConfigs would be gigabytes, each carrying its config_json), which deserialize to the same
     * runs. About 1 s on 2 shared cores.
     */
    @Test
    void aMillionRunJobStartsInABoundedHeap() throws Exception {
        Path log = dir.resolve("start.out");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), RunStartScale.class.getName(),
                dir.resolve("start.yaml").toString(), String.valueOf(1_000_000 / BenchPlan.RUNS_PER_SEED))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES));
        String out = java.nio.file.Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("runs (\\d+) todo (\\d+) batches (\\d+) "
                + "bucketed (\\d+) broadcast_bytes (\\d+) same (\\w+) seconds ([0-9.]+)").matcher(out);
        assertTrue(m.find(), out);
        assertEquals(1_000_000, Long.parseLong(m.group(1)));
        assertEquals(1_000_000, Long.parseLong(m.group(2)));
        assertEquals(50, Long.parseLong(m.group(3)), out);
        assertEquals(1_000_000, Long.parseLong(m.group(4)));
        assertTrue(Long.parseLong(m.group(5)) < 10_000_000, out);
        assertEquals("true", m.group(6), out);
        assertTrue(Double.parseDouble(m.group(7)) < 60, out);
    }
}
