package org.ratelab.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ratelab.probes.ProbeFixtures.map;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ratelab.spec.Node;
import org.ratelab.spec.SpecException;
import org.ratelab.train.RunResult;

/** Probes never change the trajectory, and the probes section binds like every other run section. */
class ProbeTogglesTest {
    static final Map<String, Object> DATA = map("kind", "teacher_student", "n", 12, "d", 3, "teacher", "two_layer",
            "test_n", 8);

    static void assertSameTrajectory(RunResult a, RunResult b, String what) {
        assertEquals(a.status(), b.status(), what);
        assertEquals(a.oracleCalls(), b.oracleCalls(), what);
        assertEquals(a.curve().size(), b.curve().size(), what);
        for (int i = 0; i < a.curve().size(); i++) {
            CurvePoint p = a.curve().get(i);
            CurvePoint q = b.curve().get(i);
            assertEquals(p.step(), q.step(), what);
            assertEquals(Double.doubleToRawLongBits(p.get(Metrics.LOSS)), Double.doubleToRawLongBits(q.get(Metrics.LOSS)),
                    what + ": loss differs at step " + p.step());
            assertEquals(Double.doubleToRawLongBits(p.get(Metrics.GRAD_NORM_SQ)),
                    Double.doubleToRawLongBits(q.get(Metrics.GRAD_NORM_SQ)), what);
        }
        assertEquals(Double.doubleToRawLongBits(a.finalLoss()), Double.doubleToRawLongBits(b.finalLoss()), what);
    }

    @Test
    void togglingProbesLeavesTheLossCurveBitIdentical() {
        List<Map<String, Object>> optimizers = List.of(
                map("name", "gd", "lr", 0.3),
                map("name", "sgd", "lr", 0.1, "batch_size", 3, "momentum", 0.5),
                map("name", "adam", "lr", 0.01, "batch_size", 4),
                map("name", "adagrad", "lr", 0.1),
                map("name", "rmsprop", "lr", 0.01, "batch_size", 2, "sampling", "shuffle"));
        Map<String, Object> model = map("kind", "two_layer", "width", 6, "activation", "relu",
                "parameterization", "ntk");
        Map<String, Object> train = map("steps", 30, "record", map("every", 3));
        for (Map<String, Object> opt : optimizers) {
            RunResult dflt = ProbeFixtures.run(2, DATA, model, opt, train, null);
            RunResult off = ProbeFixtures.run(2, DATA, model, opt, train, ProbeFixtures.allOff());
            RunResult on = ProbeFixtures.run(2, DATA, model, opt, train, ProbeFixtures.allOn());
            String name = (String) opt.get("name");
            assertSameTrajectory(dflt, off, name + " default vs off");
            assertSameTrajectory(dflt, on, name + " default vs all on");
            CurvePoint last = on.curve().get(on.curve().size() - 1);
            assertTrue(last.has(Metrics.SHARPNESS) && last.has(Metrics.NTK_LAMBDA_MIN) && last.has(Metrics.NOISE_VAR),
                    name);
            assertTrue(last.has(Metrics.NTK_LIMIT_DEV), "two-layer ReLU ntk has a closed-form limit");
            assertEquals(6 * 3, last.particles().length);
            assertTrue(last.layerRelChange().containsKey("W") && last.layerRelChange().containsKey("a"));
            boolean adaptive = List.of("adam", "adagrad", "rmsprop").contains(name);
            assertEquals(adaptive, last.has(Metrics.EFFECTIVE_LR_MEAN), name);
            if (adaptive) assertTrue(last.get(Metrics.EFFECTIVE_LR_MAX) >= last.get(Metrics.EFFECTIVE_LR_MEAN));
            CurvePoint offLast = off.curve().get(off.curve().size() - 1);
            for (int m = Metrics.TEST_LOSS; m < Metrics.count(); m++) {
                assertFalse(offLast.has(m), name + ": " + Metrics.NAMES.get(m) + " measured while off");
            }
            assertTrue(dflt.curve().get(1).has(Metrics.TEST_LOSS) && dflt.curve().get(1).has(Metrics.PL_RATIO));
        }
    }

    @Test
    void noisyQuadraticTrajectoryIsUntouchedByTheNoiseProbe() {
        Map<String, Object> model = map("kind", "noisy_quadratic", "dim", 5, "noise_std", 0.3);
        Map<String, Object> opt = map("name", "sgd", "lr", 0.1, "batch_size", 1);
        Map<String, Object> train = map("steps", 50, "record", map("every", 1));
        RunResult a = ProbeFixtures.run(4, map("kind", "none", "n", 4), model, opt, train, ProbeFixtures.allOff());
        RunResult b = ProbeFixtures.run(4, map("kind", "none", "n", 4), model, opt, train, ProbeFixtures.allOn());
        assertSameTrajectory(a, b, "noisy quadratic");
        assertNotNull(b.probes().notes());
    }

    @Test
    void sectionDefaultsCanonicalFormAndErrors() {
        ProbeSpec d = ProbeSpec.DEFAULT;
        assertTrue(d.probe("pl").enabled() && d.probe("dist").enabled() && d.probe("update_norm").enabled());
        assertFalse(d.probe("hessian").enabled() || d.probe("ntk").enabled() || d.probe("noise").enabled()
                || d.probe("particles").enabled());
        // the canonical form is itself a valid section giving an equal record
        ProbeSpec s = ProbeSpec.parse(new Node("probes", map("optimal_loss", 0.25, "hessian", map("enabled", true))));
        assertEquals(s, ProbeSpec.parse(new Node("probes", s.canonical())));
        assertEquals(d, ProbeSpec.parse(new Node("probes", d.canonical())));
        SpecException e = assertThrows(SpecException.class,
                () -> ProbeSpec.parse(new Node("probes", map("ntk", map("max_nn", 3)))));
        assertTrue(e.getMessage().contains("probes.ntk.max_nn"), e.getMessage());
        // F* for pl_ratio: configured, else the closed form, else 0
        RunResult r = ProbeFixtures.run(1, DATA, map("kind", "linear_regression"), map("name", "gd", "lr", 0.1),
                map("steps", 2), map("optimal_loss", 0.0));
        CurvePoint p = r.curve().get(0);
        assertEquals(p.get(Metrics.GRAD_NORM_SQ) / (2 * p.get(Metrics.LOSS)), p.get(Metrics.PL_RATIO), 1e-15);
    }
}
