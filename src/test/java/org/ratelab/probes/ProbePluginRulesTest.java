package org.ratelab.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ratelab.probes.ProbeFixtures.map;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ratelab.optim.AdaptiveStep;
import org.ratelab.train.RunConfig;
import org.ratelab.train.RunResult;
import org.ratelab.train.RunStatus;
import org.ratelab.train.Trainer;

/**
 * The rules a plug-in probe runs under, with a probe class from the test classes (not ratelab's own classes,
 * so the scheduler treats it as a plug-in): it reads copies, its NaN is recorded, it cannot step the optimizer
 * or write ratelab's columns, and whatever it throws fails its run only, with a message naming it.
 */
class ProbePluginRulesTest {
    /** A misbehaving probe; {@code mode} says how. */
    record Spy(boolean enabled, int every, String mode) implements ProbeConfig {
        @Override
        public Probe instantiate(Probe.Run run) {
            run.theta0()[0] = 1e9;
            return new Probe() {
                @Override
                public void beforeStep(double[] theta) { theta[0] = -1e9; }

                @Override
                public void measure(Point at, Sink out) {
                    switch (mode) {
                        case "scribble" -> {
                            at.theta()[0] = 1e9;
                            at.grad()[0] = 1e9;
                            out.extra("nan", Double.NaN);
                            out.extra("step", at.step());
                            double[] lr = new double[run.dim()];
                            if (((AdaptiveStep) run.optimizer()).effectiveLr(lr)) out.extra("lr0", lr[0]);
                        }
                        case "step" -> run.optimizer().step(at.step(), at.theta(), null);
                        case "column" -> out.put(Metrics.SHARPNESS, 1.0);
                        case "error" -> throw new AssertionError("spy gave up");
                        default -> throw new IllegalArgumentException(mode);
                    }
                }
            };
        }
    }

    static RunResult run(String mode) {
        RunConfig c = ProbeFixtures.config(3, map("kind", "teacher_student", "n", 12, "d", 3), map("kind",
                "two_layer", "width", 5), map("name", "adam", "lr", 0.01), map("steps", 12, "record", map("every", 2)),
                null);
        Map<String, ProbeConfig> probes = new LinkedHashMap<>(ProbeSpec.DEFAULT.probes());
        if (mode != null) probes.put("spy", new Spy(true, 1, mode));
        ProbeSpec spec = new ProbeSpec(null, 0.0, probes);
        return Trainer.train(new RunConfig(c.runId(), c.experiment(), 0, c.seed(), c.data(), c.model(), c.optimizer(),
                c.train(), c.axes(), c.groupKey(), c.configJson(), 0, spec));
    }

    @Test
    void aPlugInReadsCopiesAndItsNanIsData() {
        RunResult plain = run(null);
        RunResult spied = run("scribble");
        assertEquals(RunStatus.MAX_STEPS, spied.status(), String.valueOf(spied.message()));
        assertEquals(plain.curve().size(), spied.curve().size());
        for (int i = 0; i < plain.curve().size(); i++) {
            CurvePoint p = plain.curve().get(i);
            CurvePoint q = spied.curve().get(i);
            for (int m = 0; m < Metrics.count(); m++) {
                assertEquals(Double.doubleToRawLongBits(p.get(m)), Double.doubleToRawLongBits(q.get(m)),
                        Metrics.NAMES.get(m) + " at step " + p.step());
            }
            assertTrue(Double.isNaN(q.extraMetrics().get("nan")), "a NaN is recorded as NaN");
            assertEquals((double) q.step(), q.extraMetrics().get("step"), 0.0);
            assertEquals(q.step() > 0, q.extraMetrics().containsKey("lr0"), "adam's steps through the read-only view");
        }
    }

    @Test
    void aPlugInCannotStepTheOptimizerOrWriteRatelabsColumnsAndItsErrorsFailOnlyItsRun() {
        RunResult step = run("step");
        assertEquals(RunStatus.FAILED, step.status());
        assertTrue(step.message().contains("probe spy (plug-in ") && step.message().contains("failed at step 0: "
                + "UnsupportedOperationException: probes only read: a probe may not step the optimizer"), step.message());
        RunResult column = run("column");
        assertEquals(RunStatus.FAILED, column.status());
        assertTrue(column.message().contains("not into ratelab's column sharpness"), column.message());
        RunResult error = run("error");
        assertEquals(RunStatus.FAILED, error.status());
        assertTrue(error.message().contains("failed at step 0: AssertionError: spy gave up"), error.message());
    }
}
