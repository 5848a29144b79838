package org.ratelab.probes;

import org.ratelab.api.Doc;
import org.ratelab.spec.Node;

/** {@code test_loss}: the loss on the held-out split, when the data has one (one test pass). */
public record TestLossProbe(@Doc(Probes.ENABLED) boolean enabled, @Doc(Probes.EVERY) int every) implements ProbeConfig {
    public static final String NAME = "test_loss";

    static TestLossProbe parse(Node n) {
        return new TestLossProbe(n.bool("enabled", true), Probes.every(n));
    }

    @Override
    public Probe instantiate(Probe.Run run) {
        return (at, out) -> {
            if (run.data().nTest() > 0) out.put(Metrics.TEST_LOSS, run.model().testLoss(at.theta()));
        };
    }

    /** Registers {@code TestLossProbe} (META-INF/services/org.ratelab.probes.ProbeKind). */
    public static final class Provider implements ProbeKind {
        @Override public String name() { return NAME; }
        @Override public String doc() { return "test_loss: the loss on the held-out split (one test pass)"; }
        @Override public Class<? extends Record> config() { return TestLossProbe.class; }
        @Override public ProbeConfig parse(Node n) { return TestLossProbe.parse(n); }
        @Override public boolean inEveryConfig() { return true; }
    }
}
