package org.ratelab.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Checks are observed two at a time ({@link Checks#inOrder}), their results in the checks' order. */
class ChecksInOrderTest {
    @Test
    void resultsKeepTheOrderWhateverFinishesFirst() {
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < 9; i++) items.add(i);
        Set<Long> threads = ConcurrentHashMap.newKeySet();
        List<Integer> out = Checks.inOrder(items, i -> {
            threads.add(Thread.currentThread().getId());
            sleep(10L * (9 - i));   // the later ones finish first
            return i * i;
        });
        assertEquals(List.of(0, 1, 4, 9, 16, 25, 36, 49, 64), out);
        assertEquals(Checks.CONCURRENT, threads.size(), "threads " + threads);
    }

    @Test
    void twoChecksRunAtOnce() throws Exception {
        CountDownLatch both = new CountDownLatch(2);
        List<Boolean> out = Checks.inOrder(List.of(1, 2), i -> {
            both.countDown();
            try {
                return both.await(10, TimeUnit.SECONDS);   // only if the other one is running too
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(List.of(true, true), out);
    }

    @Test
    void theFirstFailingCheckInOrderDecidesTheError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checks.inOrder(
                List.of(0, 1, 2, 3), i -> {
                    if (i == 1) {
                        sleep(200);   // fails after check 3 did
                        throw new IllegalArgumentException("check 1");
                    }
                    if (i == 3) throw new IllegalArgumentException("check 3");
                    return i;
                }));
        assertEquals("check 1", e.getMessage());
        assertTrue(Checks.inOrder(List.<Integer>of(), i -> i).isEmpty());
        assertEquals(List.of(7), Checks.inOrder(List.of(7), i -> i));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
