package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.ratelab.SparkTestSession;

/** The progress line names the analysis stage once the runs are trained, so a long analysis is not silent. */
class ProgressLineTest {
    @Test
    void theLineShowsTheAnalysisStage() {
        try (Progress p = Progress.start(SparkTestSession.get().sparkContext(), 10, 100.0, null)) {
            String training = p.line();
            assertTrue(training.matches("ratelab: runs 0/10 \\(0%\\), 0 diverged, 0 failed, elapsed \\d+s, ETA \\?"),
                    training);
            p.stage("laws");
            String laws = p.line();
            assertTrue(laws.matches("ratelab: runs 0/10 \\(0%\\), 0 diverged, 0 failed, analysis: laws, elapsed \\d+s, "
                    + "ETA -"), laws);
            p.stage(null);
            assertEquals(training.replaceAll("elapsed \\d+s", ""), p.line().replaceAll("elapsed \\d+s", ""));
        }
    }
}
