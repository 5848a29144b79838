package org.ratelab.train;

import java.io.Serializable;
import java.util.Map;
import org.ratelab.spec.Canon;
import org.ratelab.spec.Node;

/**
 * How long a run trains and when it stops.
 *
 * @param steps            maximum number of iterations
 * @param lossThreshold    the run is {@code converged} when the full training loss reaches it (0: never)
 * @param divergenceFactor the run is {@code diverged} when the loss exceeds this factor times its initial
 *                         value, or is NaN/Inf
 * @param record           when curve points are recorded
 */
public record TrainSpec(long steps, double lossThreshold, double divergenceFactor, RecordSpec record)
        implements Serializable {
    public static TrainSpec parse(Node n) {
        TrainSpec t = new TrainSpec(
                n.lng("steps", 1000, 1, 1_000_000_000_000L),
                n.nonNegative("loss_threshold", 0.0),
                n.dbl("divergence_factor", 1e6, 1.0, Double.MAX_VALUE, true),
                RecordSpec.parse(n.child("record")));
        n.done();
        return t;
    }

    public Map<String, Object> canonical() {
        return Canon.of(this, null, null);
    }
}
