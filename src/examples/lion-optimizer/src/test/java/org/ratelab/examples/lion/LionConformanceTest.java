package org.ratelab.examples.lion;

import org.junit.jupiter.api.Nested;
import org.ratelab.testkit.OptimizerConformance;

/** Lion through ratelab's conformance kit: replay, oracle_calls, no allocation per step, probes. */
class LionConformanceTest {
    @Nested
    class FullBatch extends OptimizerConformance {
        @Override protected String optimizer() { return "{name: lion, lr: 1.0e-3}"; }
    }

    @Nested
    class MinibatchWithWeightDecay extends OptimizerConformance {
        @Override protected String optimizer() {
            return "{name: lion, lr: 1.0e-3, batch_size: 4, sampling: shuffle, weight_decay: 0.1}";
        }
    }
}
