package org.ratelab.train;

import java.io.Serializable;
import org.ratelab.spec.Node;

/**
 * When curve points are recorded: every {@code every} steps, or at {@code log_points} log-spaced steps.
 * Step 0 and the last step are always recorded.
 */
public record RecordSpec(int every, int logPoints) implements Serializable {
    /** Log-spaced points when the section gives neither key. */
    static final int DEFAULT_LOG_POINTS = 60;

    /**
     * One of the two keys chooses the schedule and must be &ge; 1; a 0 stands only beside the other key (as in
     * the canonical form, {@code {every: 0, log_points: 60}}) and is never replaced by the default.
     */
    static RecordSpec parse(Node n) {
        boolean hasEvery = n.has("every");
        boolean hasLog = n.has("log_points");
        int every = n.integer("every", 0, 0, Integer.MAX_VALUE);
        int log = n.integer("log_points", 0, 0, 1_000_000);
        if (every > 0 && log > 0) throw n.error("every", "give either every or log_points, not both");
        n.done();
        if (every == 0 && log == 0) {
            if (hasEvery) {
                throw n.error("every", "must be >= 1, got 0 (0 only stands beside log_points >= 1; omit record "
                        + "for " + DEFAULT_LOG_POINTS + " log-spaced points)");
            }
            if (hasLog) throw n.error("log_points", "must be >= 1, got 0 (or give every >= 1)");
            log = DEFAULT_LOG_POINTS;
        }
        return new RecordSpec(every, log);
    }

    /** Whether step k of a run of {@code steps} steps is recorded (pure). */
    public boolean at(long k, long steps) {
        if (k == 0 || k == steps) return true;
        if (every > 0) return k % every == 0;
        // log-spaced: k is recorded when it is the rounded value of one of the grid points 10^(i·L/(P−1))
        double top = Math.log10(Math.max(steps, 1));
        double pos = Math.log10(k) / top * (logPoints - 1);
        long i = Math.round(pos);
        for (long j = Math.max(0, i - 1); j <= Math.min(logPoints - 1, i + 1); j++) {
            if (Math.round(Math.pow(10, j * top / (logPoints - 1))) == k) return true;
        }
        return false;
    }
}
