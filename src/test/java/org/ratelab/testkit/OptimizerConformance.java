package org.ratelab.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.ratelab.model.Model;
import org.ratelab.optim.Optimizer;
import org.ratelab.optim.OptimizerSpec;
import org.ratelab.probes.CurvePoint;
import org.ratelab.train.RunConfig;
import org.ratelab.train.RunResult;
import org.ratelab.train.Seeds;
import org.ratelab.train.Trainer;

/**
 * The conformance checks of an optimizer kind. Subclass it in your tests and give the {@code optimizer:}
 * section as spec YAML:
 *
 * <pre>{@code
 * class LionConformanceTest extends OptimizerConformance {
 *     @Override protected String optimizer() { return "{name: lion, lr: 1.0e-3}"; }
 * }
 * }</pre>
 *
 * JUnit then runs {@link Check#REPLAY}, {@link Check#ORACLE_CALLS}, {@link Check#NO_ALLOCATION} and
 * {@link Check#PROBES} on every {@link #problems() problem}. Override {@link #problems()} when your method
 * needs model properties (an ℓ1 term, a test function), {@link #expectedCalls} when its cost varies by step
 * (epochs, tables), and {@link #excluded()} to leave out a check that cannot hold, with the reason.
 */
public abstract class OptimizerConformance {
    /** The {@code optimizer:} section under test, as spec YAML (flow or block). */
    protected abstract String optimizer();

    /** The problems every check runs on (default: a two-layer net and least squares). */
    protected List<Problem> problems() { return List.of(Problem.TWO_LAYER, Problem.LEAST_SQUARES); }

    /** Steps of each checked run (every one recorded). */
    protected long steps() { return 12; }

    /** Checks that cannot hold for this kind, each with the reason (shown as the skipped test's message). */
    protected Map<Check, String> excluded() { return Map.of(); }

    /**
     * Per-sample gradients step k (0-based) should cost on n samples. Default: the kind's own cost model,
     * {@code spec.gradientsPerStep(n)}, the same at every step (it must then be a whole number).
     */
    protected long expectedCalls(OptimizerSpec spec, int n, long k) {
        double c = spec.gradientsPerStep(n);
        assertEquals(Math.rint(c), c, spec.name() + ": gradientsPerStep(" + n + ") = " + c
                + " is an average; override expectedCalls with the cost of each step");
        return (long) c;
    }

    /** A display name for the kind (the section's text by default). */
    protected String label() { return optimizer().strip(); }

    /** Every check on every problem, as JUnit dynamic tests. */
    @TestFactory
    public Stream<DynamicNode> conformance() {
        List<DynamicNode> out = new ArrayList<>();
        for (Problem p : problems()) {
            out.add(dynamicContainer(p.name(), Stream.of(
                    test(Check.REPLAY, () -> replay(p)),
                    test(Check.ORACLE_CALLS, () -> oracleCalls(p)),
                    test(Check.NO_ALLOCATION, () -> noAllocation(p)),
                    test(Check.PROBES, () -> probes(p)))));
        }
        return out.stream();
    }

    private DynamicNode test(Check c, Executable body) {
        String why = excluded().get(c);
        return dynamicTest(c.name().toLowerCase(), () -> {
            Assumptions.assumeTrue(why == null, () -> label() + ": " + c + " excluded: " + why);
            body.execute();
        });
    }

    /** Same seed, same trajectory: after a run of another seed, and on another thread. */
    void replay(Problem p) {
        List<RunConfig> runs = KitRuns.plan(p, optimizer(), null, steps(), 1, 2);
        RunResult a = KitRuns.trained(Trainer.train(runs.get(0)), label());
        KitRuns.trained(Trainer.train(runs.get(1)), label());
        RunResult again = KitRuns.trainOnAnotherThread(runs.get(0));
        KitRuns.assertSameTrajectory(a, again, true, label() + " on " + p + ": replay");
    }

    /** Every step costs what {@link #expectedCalls} says, in the trainer's own count. */
    void oracleCalls(Problem p) {
        RunConfig c = KitRuns.one(p, optimizer(), null, steps(), 1);
        RunResult r = KitRuns.trained(Trainer.train(c), label());
        List<CurvePoint> curve = r.curve();
        assertTrue(curve.size() >= 2, label() + " on " + p + ": no step was taken (" + r.status() + ")");
        int n = c.n();
        long expected = 0;
        for (int i = 1; i < curve.size(); i++) {
            long k = curve.get(i - 1).step();
            assertEquals(k + 1, curve.get(i).step(), "every step is recorded");
            long cost = curve.get(i).oracleCalls() - curve.get(i - 1).oracleCalls();
            long want = expectedCalls(c.optimizer(), n, k);
            assertEquals(want, cost, label() + " on " + p + ": oracle_calls of step " + k + " (n=" + n + ")");
            expected += want;
        }
        assertEquals(expected, r.oracleCalls(), label() + " on " + p + ": runs.oracle_calls");
    }

    /** The optimizer's step (with the model's gradients it asks for) allocates nothing after warm-up. */
    void noAllocation(Problem p) {
        RunConfig c = KitRuns.one(p, optimizer(), null, steps(), 1);
        Model m = KitRuns.model(c);
        double[] theta = KitRuns.init(c, m);
        double[] start = theta.clone();
        Optimizer opt = c.optimizer().instantiate(m.dim(), m.n(), m.lrScale());
        KitRuns.CountingOracle oracle = new KitRuns.CountingOracle(m, Seeds.rng(c.seed(), "optim"));
        m.useNoise(oracle.rng());
        int stepsPerRound = 100;
        long[] k = {0};
        long bytes = KitRuns.allocated(() -> {
            for (int i = 0; i < stepsPerRound; i++) {
                opt.step(k[0]++, theta, oracle);
                // keep θ where the dynamics are benign: a diverging run would measure overflow, not the step
                if (!Double.isFinite(theta[0]) || Math.abs(theta[0]) > 1e6) System.arraycopy(start, 0, theta, 0, theta.length);
            }
        });
        assertTrue(bytes <= KitRuns.ALLOWED_BYTES, label() + " on " + p + ": " + bytes + " bytes allocated over " + stepsPerRound
                + " steps after warm-up");
    }

    /** Every probe on, and every switchable one off: the same trajectory as the defaults, bit for bit. */
    void probes(Problem p) {
        boolean particles = p.model().contains("two_layer");
        RunResult dflt = KitRuns.trained(Trainer.train(KitRuns.one(p, optimizer(), null, steps(), 1)), label());
        RunResult off = Trainer.train(KitRuns.one(p, optimizer(), KitRuns.PROBES_OFF, steps(), 1));
        RunResult on = Trainer.train(KitRuns.one(p, optimizer(), KitRuns.probesOn(particles), steps(), 1));
        KitRuns.assertSameTrajectory(dflt, off, false, label() + " on " + p + ": probes default vs off");
        KitRuns.assertSameTrajectory(dflt, on, false, label() + " on " + p + ": probes default vs all on");
    }
}
