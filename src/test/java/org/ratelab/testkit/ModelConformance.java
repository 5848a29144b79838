package org.ratelab.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.ratelab.model.Model;
import org.ratelab.model.ParamBlock;
import org.ratelab.train.RunConfig;
import org.ratelab.train.RunResult;
import org.ratelab.train.Trainer;

/**
 * The conformance checks of a model kind. Subclass it and give the {@code model:} section (and, unless the
 * default teacher-student data suits it, the {@code data:} section) as spec YAML:
 *
 * <pre>{@code
 * class MyNetConformanceTest extends ModelConformance {
 *     @Override protected String model() { return "{kind: my_net, width: 6}"; }
 * }
 * }</pre>
 *
 * JUnit then runs {@link Check#DERIVATIVES} (gradient, minibatch gradient, Hessian-vector product and
 * Jacobian rows against central finite differences at a random point), and, under each of
 * {@link #optimizers()}, {@link Check#REPLAY}, {@link Check#ORACLE_CALLS}, {@link Check#NO_ALLOCATION} (of
 * {@code lossGrad}, {@code loss} and {@code hvp}) and {@link Check#PROBES}.
 */
public abstract class ModelConformance {
    /** The {@code model:} section under test, as spec YAML. */
    protected abstract String model();

    /** The {@code data:} section (default: 12 samples of a 3-dimensional two-layer teacher, ±1 labels). */
    protected String data() {
        return "{kind: teacher_student, n: 12, d: 3, teacher: two_layer, labels: sign, test_n: 6}";
    }

    /** The optimizers the run checks train with (default: GD, and SGD with minibatches of 3). */
    protected List<String> optimizers() {
        return List.of("{name: gd, lr: 0.05}", "{name: sgd, lr: 0.05, batch_size: 3}");
    }

    /** Steps of each checked run. */
    protected long steps() { return 12; }

    /** Relative error allowed between an exact derivative and its central finite difference. */
    protected double tolerance() { return 1e-6; }

    /** Checks that cannot hold for this kind, each with the reason (shown as the skipped test's message). */
    protected Map<Check, String> excluded() { return Map.of(); }

    protected String label() { return model().strip(); }

    private Problem problem() { return new Problem("model", data(), model()); }

    /** Every check, as JUnit dynamic tests. */
    @TestFactory
    public Stream<DynamicNode> conformance() {
        List<DynamicNode> out = new ArrayList<>();
        out.add(test(Check.DERIVATIVES, "derivatives", this::derivatives));
        out.add(test(Check.NO_ALLOCATION, "no_allocation", this::noAllocation));
        for (String opt : optimizers()) {
            out.add(dynamicContainer(opt, Stream.of(
                    test(Check.REPLAY, "replay", () -> replay(opt)),
                    test(Check.ORACLE_CALLS, "oracle_calls", () -> oracleCalls(opt)),
                    test(Check.PROBES, "probes", () -> probes(opt)))));
        }
        return out.stream();
    }

    private DynamicNode test(Check c, String name, Executable body) {
        String why = excluded().get(c);
        return dynamicTest(name, () -> {
            Assumptions.assumeTrue(why == null, () -> label() + ": " + c + " excluded: " + why);
            body.execute();
        });
    }

    void derivatives() {
        RunConfig c = KitRuns.one(problem(), optimizers().get(0), null, 1, 1);
        Model m = KitRuns.model(c);
        int p = m.dim();
        double[] theta = KitRuns.init(c, m);
        SplittableRandom r = new SplittableRandom(5);
        for (int k = 0; k < p; k++) theta[k] += 0.3 * r.nextGaussian();   // a random point, off symmetric inits
        boolean[] frozen = new boolean[p];
        for (ParamBlock b : m.blocks()) for (int k = b.offset(); k < b.offset() + b.length(); k++) frozen[k] = !b.trainable();
        int n = m.n();
        int[] idx = {n - 1, 0, n - 1, n / 2};
        // a minibatch of a model with its own gradient noise draws noise; its derivatives are the full batch's
        boolean minibatchExact = m.minibatchNoiseVar(idx.length) == 0;
        for (int[] batch : minibatchExact ? new int[][] {null, idx} : new int[][] {null}) {
            int count = batch == null ? 0 : batch.length;
            String what = label() + (batch == null ? " full batch" : " minibatch");
            double[] g = new double[p];
            double f = m.lossGrad(theta, batch, count, g);
            assertEquals(f, m.loss(theta, batch, count), 1e-12 * Math.max(1, Math.abs(f)), what + ": lossGrad vs loss");
            double[] fd = finiteDifferenceGradient(m, theta, batch, count, frozen);
            assertTrue(relErr(g, fd) <= tolerance(), what + ": gradient rel err " + relErr(g, fd));
            double[] v = new double[p];
            for (int k = 0; k < p; k++) v[k] = frozen[k] ? 0.0 : r.nextGaussian();
            double[] hv = new double[p];
            m.hvp(theta, batch, count, v, hv);
            double[] fdh = finiteDifferenceHvp(m, theta, batch, count, v);
            assertTrue(relErr(hv, fdh) <= tolerance(), what + ": Hessian-vector product rel err " + relErr(hv, fdh));
        }
        if (!m.hasOutputs()) return;
        double[] jac = new double[n * p];
        m.jacobian(theta, null, 0, jac);
        double[] op = new double[n];
        double[] om = new double[n];
        double h = 1e-6;
        double[] fdj = new double[n * p];
        for (int k = 0; k < p; k++) {
            double t0 = theta[k];
            theta[k] = t0 + h;
            m.outputs(theta, null, 0, op);
            theta[k] = t0 - h;
            m.outputs(theta, null, 0, om);
            theta[k] = t0;
            for (int i = 0; i < n; i++) fdj[i * p + k] = frozen[k] ? 0.0 : (op[i] - om[i]) / (2 * h);
        }
        assertTrue(relErr(jac, fdj) <= tolerance(), label() + ": Jacobian rel err " + relErr(jac, fdj));
        double[] row = new double[p];
        int last = n - 1;
        m.jacobianRow(theta, last, row);
        for (int k = 0; k < p; k++) assertEquals(jac[last * p + k], row[k], 1e-14, label() + ": jacobianRow(" + last + ")");
    }

    /** ‖a − b‖ relative to the largest entry (times √length): exact derivatives agree to finite-difference error. */
    static double relErr(double[] a, double[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - b[i]) * (a[i] - b[i]);
            den = Math.max(den, Math.max(a[i] * a[i], b[i] * b[i]));
        }
        return Math.sqrt(num) / Math.sqrt(Math.max(den * a.length, 1e-300));
    }

    /** lossGrad (full and minibatch), loss and hvp allocate nothing after warm-up. */
    void noAllocation() {
        RunConfig c = KitRuns.one(problem(), optimizers().get(0), null, 1, 1);
        Model m = KitRuns.model(c);
        m.useNoise(new SplittableRandom(3));
        double[] theta = KitRuns.init(c, m);
        int p = m.dim();
        double[] g = new double[p];
        double[] v = new double[p];
        double[] out = new double[p];
        java.util.Arrays.fill(v, 0.5);
        int n = m.n();
        int[] idx = {n - 1, 0, n / 2};
        int calls = 50;
        long bytes = KitRuns.allocated(() -> {
            for (int i = 0; i < calls; i++) {
                m.lossGrad(theta, null, 0, g);
                m.lossGrad(theta, idx, idx.length, g);
                m.loss(theta, null, 0);
                m.hvp(theta, null, 0, v, out);
            }
        });
        assertTrue(bytes <= KitRuns.ALLOWED_BYTES, label() + ": " + bytes + " bytes allocated over " + calls
                + " rounds of lossGrad, loss and hvp after warm-up");
    }

    void replay(String opt) {
        List<RunConfig> runs = KitRuns.plan(problem(), opt, null, steps(), 1, 2);
        RunResult a = KitRuns.trained(Trainer.train(runs.get(0)), label());
        KitRuns.trained(Trainer.train(runs.get(1)), label());
        RunResult again = KitRuns.trainOnAnotherThread(runs.get(0));
        KitRuns.assertSameTrajectory(a, again, true, label() + " with " + opt + ": replay");
    }

    /** A full-batch step costs n, a minibatch step B, in the trainer's count: the model's n() is its data's n. */
    void oracleCalls(String opt) {
        RunConfig c = KitRuns.one(problem(), opt, null, steps(), 1);
        RunResult r = KitRuns.trained(Trainer.train(c), label());
        assertEquals(c.n(), KitRuns.model(c).n(), label() + ": model n() vs data n");
        long perStep = c.optimizer().batchSize() == 0 ? c.n() : c.optimizer().batchSize();
        assertEquals(perStep * r.steps(), r.oracleCalls(), label() + " with " + opt + ": oracle_calls");
    }

    void probes(String opt) {
        boolean particles = model().contains("two_layer");
        RunResult dflt = KitRuns.trained(Trainer.train(KitRuns.one(problem(), opt, null, steps(), 1)), label());
        RunResult off = Trainer.train(KitRuns.one(problem(), opt, KitRuns.PROBES_OFF, steps(), 1));
        RunResult on = Trainer.train(KitRuns.one(problem(), opt, KitRuns.probesOn(particles), steps(), 1));
        KitRuns.assertSameTrajectory(dflt, off, false, label() + " with " + opt + ": probes default vs off");
        KitRuns.assertSameTrajectory(dflt, on, false, label() + " with " + opt + ": probes default vs all on");
    }

    /**
     * The central finite difference (step 1e-6) of the batch's mean loss in each coordinate of theta (restored
     * after), 0 for frozen coordinates.
     */
    public static double[] finiteDifferenceGradient(Model m, double[] theta, int[] batch, int count, boolean[] frozen) {
        int p = theta.length;
        double[] fd = new double[p];
        double h = 1e-6;
        for (int k = 0; k < p; k++) {
            double t0 = theta[k];
            theta[k] = t0 + h;
            double fp = m.loss(theta, batch, count);
            theta[k] = t0 - h;
            double fm = m.loss(theta, batch, count);
            theta[k] = t0;
            fd[k] = frozen[k] ? 0.0 : (fp - fm) / (2 * h);
        }
        return fd;
    }

    /** The central finite difference (step 1e-5) of the batch's gradient along v: ≈ ∇²F_B(theta)·v. */
    public static double[] finiteDifferenceHvp(Model m, double[] theta, int[] batch, int count, double[] v) {
        int p = theta.length;
        double[] gp = new double[p];
        double[] gm = new double[p];
        double[] tp = theta.clone();
        double[] tm = theta.clone();
        double e = 1e-5;
        for (int k = 0; k < p; k++) {
            tp[k] += e * v[k];
            tm[k] -= e * v[k];
        }
        m.lossGrad(tp, batch, count, gp);
        m.lossGrad(tm, batch, count, gm);
        double[] fdh = new double[p];
        for (int k = 0; k < p; k++) fdh[k] = (gp[k] - gm[k]) / (2 * e);
        return fdh;
    }
}
