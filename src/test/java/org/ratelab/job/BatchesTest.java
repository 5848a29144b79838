package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How {@link GridJob#batches} cuts the runs to train: LPT order, and its default batch size. */
class BatchesTest {
    private static GridJob.Todo todo(double... costs) {
        int[] index = new int[costs.length];
        for (int i = 0; i < index.length; i++) index[i] = i;
        return new GridJob.Todo(index, costs, Arrays.stream(costs).sum());
    }

    private static double[] same(int n, double cost) {
        double[] c = new double[n];
        Arrays.fill(c, cost);
        return c;
    }

    @Test
    void batchesGoInDecreasingCostThenPlanOrder() {
        List<int[]> b = GridJob.batches(todo(1, 5, 3, 5, 2, 4), 1, 1, 2);
        assertEquals(3, b.size());
        assertArrayEquals(new int[] {1, 3}, b.get(0));
        assertArrayEquals(new int[] {5, 2}, b.get(1));
        assertArrayEquals(new int[] {4, 0}, b.get(2));
    }

    @Test
    void defaultSizeKeepsAboutFourSecondsOfWorkPerCoreInABatch() {
        double perCoreBatch = GridJob.MIN_BATCH_SECONDS * PlanCommand.ASSUMED_FLOPS_PER_CORE;
        // 10^4 runs of 2.07e7 flops on 2 cores: 2.07e11 / (2 * 4e10) = 2.59 -> 2 batches' worth: 5,000 runs each
        assertEquals(2, GridJob.batches(todo(same(10_000, 2.07e7)), 4, 2, 0).size());
        // work for 100 batches of 4 s on 2 cores: capped at the 50 batches of the count rule
        assertEquals(50, GridJob.batches(todo(same(10_000, 100 * 2 * perCoreBatch / 10_000)), 4, 2, 0).size());
        // tiny work: one batch
        assertEquals(1, GridJob.batches(todo(same(24, 1e6)), 4, 2, 0).size());
        // at least twice the partitions a batch, whatever the cost
        assertEquals(3, GridJob.batches(todo(same(24, 1e12)), 4, 2, 0).size());
        // an explicit --batch-runs wins
        assertEquals(12, GridJob.batches(todo(same(24, 1e6)), 4, 2, 2).size());
        assertEquals(0, GridJob.batches(todo(), 4, 2, 0).size());
    }

    /** The analysis's parallel queries: every piece ends before the first failure, in list order, is thrown. */
    @Test
    void inParallelWaitsForEveryPieceAndThrowsTheFirstFailure() {
        java.util.concurrent.atomic.AtomicBoolean slowEnded = new java.util.concurrent.atomic.AtomicBoolean();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> GridJob.inParallel(List.of(
                () -> {
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException x) {
                        throw new AssertionError(x);
                    }
                    slowEnded.set(true);
                },
                () -> { throw new IllegalStateException("second"); },
                () -> { throw new IllegalArgumentException("third"); })));
        assertEquals("second", e.getMessage());
        assertTrue(slowEnded.get());
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        assertDoesNotThrow(() -> GridJob.inParallel(List.of(n::incrementAndGet, n::incrementAndGet)));
        assertEquals(2, n.get());
    }
}
