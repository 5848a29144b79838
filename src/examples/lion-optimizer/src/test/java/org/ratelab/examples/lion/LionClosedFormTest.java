package org.ratelab.examples.lion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.ratelab.optim.Optimizer;
import org.ratelab.optim.OptimizerSpec;
import org.ratelab.optim.Optimizers;
import org.ratelab.optim.Oracle;
import org.ratelab.spec.Node;
import org.ratelab.spec.SpecException;

/** Lion's update rule in closed form on a quadratic F = ½ Σ λ_j (θ_j − c_j)², and its keys. */
class LionClosedFormTest {
    static final double[] LAMBDA = {1.0, 4.0, 0.25, 2.0};
    static final double[] CENTER = {0.5, -1.0, 2.0, 0.0};

    /** One sample (n = 1): the full gradient λ_j (θ_j − c_j), counted. */
    static final class Quadratic implements Oracle {
        long calls;
        @Override public int dim() { return LAMBDA.length; }
        @Override public int n() { return 1; }
        @Override public RandomGenerator rng() { return new SplittableRandom(1); }
        @Override public long calls() { return calls; }
        @Override public double fullLoss(double[] t) { return batchGrad(t, null, 1, new double[t.length]); }
        @Override public double fullGrad(double[] t, double[] g) { return batchGrad(t, null, 1, g); }
        @Override
        public double batchGrad(double[] t, int[] idx, int count, double[] g) {
            calls += count;
            double f = 0;
            for (int j = 0; j < t.length; j++) {
                g[j] = LAMBDA[j] * (t[j] - CENTER[j]);
                f += 0.5 * LAMBDA[j] * (t[j] - CENTER[j]) * (t[j] - CENTER[j]);
            }
            return f;
        }
    }

    static OptimizerSpec lion(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "lion");
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return Optimizers.parse(new Node("optimizer", m));
    }

    @Test
    void firstStepFromZeroMomentumMovesEachCoordinateByExactlyLrTimesSignOfTheGradient() {
        double lr = 0.125;   // a power of two: θ − lr·sign(g) is exact in floating point
        for (double beta1 : new double[] {0.0, 0.5, 0.9, 0.99}) {
            Optimizer opt = lion("lr", lr, "beta1", beta1).instantiate(LAMBDA.length, 1, 1.0);
            double[] theta = {1.0, 1.0, 1.0, 0.0};   // g = {0.5, 8, −0.25, 0}: the last coordinate stays (sign 0 = 0)
            double[] before = theta.clone();
            Quadratic q = new Quadratic();
            opt.step(0, theta, q);
            double[] g = new double[theta.length];
            q.batchGrad(before, null, 1, g);
            for (int j = 0; j < theta.length; j++) {
                assertEquals(before[j] - lr * Math.signum(g[j]), theta[j], 0.0, "beta1=" + beta1 + ", coordinate " + j);
            }
        }
    }

    @Test
    void momentumAndDecoupledWeightDecayFollowThePaper() {
        double lr = 0.01;
        double b1 = 0.9;
        double b2 = 0.99;
        double wd = 0.5;
        Optimizer opt = lion("lr", lr, "beta1", b1, "beta2", b2, "weight_decay", wd).instantiate(LAMBDA.length, 1, 1.0);
        double[] theta = {3.0, -2.0, 0.7, 0.1};
        double[] ref = theta.clone();
        double[] m = new double[theta.length];
        double[] g = new double[theta.length];
        Quadratic q = new Quadratic();
        for (int k = 0; k < 50; k++) {
            new Quadratic().batchGrad(ref, null, 1, g);
            for (int j = 0; j < ref.length; j++) {
                double c = b1 * m[j] + (1 - b1) * g[j];
                ref[j] = ref[j] - lr * (Math.signum(c) + wd * ref[j]);
                m[j] = b2 * m[j] + (1 - b2) * g[j];
            }
            opt.step(k, theta, q);
            for (int j = 0; j < ref.length; j++) assertEquals(ref[j], theta[j], 0.0, "step " + k + ", coordinate " + j);
        }
        assertEquals(50, q.calls(), "a full-batch step costs n = 1 per-sample gradient");
    }

    @Test
    void defaultsAreThePapersAndRangesAreChecked() {
        LionSpec d = (LionSpec) lion();
        assertEquals(new LionSpec(1e-4, 0.9, 0.99, 0.0, 0, "with_replacement"), d);
        assertEquals(Map.of("name", "lion", "lr", 1e-4, "beta1", 0.9, "beta2", 0.99, "weight_decay", 0.0,
                "batch_size", 0, "sampling", "with_replacement"), d.canonical());
        SpecException e = assertThrows(SpecException.class, () -> lion("beta2", 1.0));
        assertTrue(e.getMessage().contains("optimizer.beta2"), e.getMessage());
        assertThrows(SpecException.class, () -> lion("lr", 0.0));
        assertThrows(SpecException.class, () -> lion("momentum", 0.9));   // unknown key
    }
}
