package org.ratelab.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ratelab.probes.ProbeFixtures.map;
import static org.ratelab.probes.ProbeFixtures.value;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ratelab.data.Dataset;
import org.ratelab.train.RunConfig;
import org.ratelab.train.Seeds;
import org.ratelab.linalg.Blas;
import org.ratelab.model.Model;
import org.ratelab.train.RunResult;
import org.ratelab.train.Trainer;

/**
 * noise_var on least squares against the exact minibatch variance, by enumerating every minibatch: all n^B
 * ordered draws with replacement, all C(n, B) subsets without.
 */
class ProbeNoiseTest {
    static final int N = 6;
    static final int B = 3;
    static final Map<String, Object> DATA = map("kind", "teacher_student", "n", N, "d", 3, "noise", 0.3);
    static final Map<String, Object> MODEL = map("kind", "linear_regression", "init", "gaussian");

    static RunConfig cfg(String sampling, Map<String, Object> noise) {
        return ProbeFixtures.config(11, DATA, MODEL, map("name", "sgd", "lr", 0.05, "batch_size", B,
                "sampling", sampling), map("steps", 4), map("noise", noise));
    }

    /** E‖∇f_B − ∇F‖² at θ₀ by enumeration. */
    static double enumerated(RunConfig c, boolean withoutReplacement) {
        Dataset data = c.data().build(Seeds.derive(11, "data"));
        Model m = c.model().instantiate(data);
        int p = m.dim();
        double[] theta = new double[p];
        m.init(theta, Seeds.rng(11, "init"));
        double[] full = new double[p];
        m.lossGrad(theta, null, 0, full);
        double[] g = new double[p];
        double sum = 0;
        int count = 0;
        int[] idx = new int[B];
        int total = (int) Math.pow(N, B);
        for (int code = 0; code < total; code++) {
            int x = code;
            boolean distinct = true;
            for (int b = 0; b < B; b++) {
                idx[b] = x % N;
                x /= N;
                for (int a = 0; a < b; a++) distinct &= idx[a] != idx[b];
            }
            if (withoutReplacement && !distinct) continue;  // ordered distinct tuples = subsets, equally often
            m.lossGrad(theta, idx, B, g);
            sum += Blas.distSq(g, full, 0, p);
            count++;
        }
        return sum / count;
    }

    @Test
    void exactNoiseVarEqualsTheMinibatchVarianceWithAndWithoutReplacement() {
        for (String sampling : new String[] {"with_replacement", "shuffle"}) {
            RunConfig c = cfg(sampling, map("enabled", true));
            RunResult r = Trainer.train(c);
            double expected = enumerated(c, sampling.equals("shuffle"));
            double got = value(r.curve().get(0), Metrics.NOISE_VAR);
            assertEquals(expected, got, 1e-12 * expected, sampling);
            assertEquals(got / r.curve().get(0).get(Metrics.LOSS), value(r.curve().get(0), Metrics.NOISE_RATIO), 1e-15);
        }
    }

    @Test
    void sampledNoiseVarIsNotedAndCloseToExact() {
        RunConfig c = cfg("with_replacement", map("enabled", true, "exact_max_n", 2, "samples", 20000));
        RunResult r = Trainer.train(c);
        double expected = enumerated(c, false);
        double got = value(r.curve().get(0), Metrics.NOISE_VAR);
        assertEquals(expected, got, 0.05 * expected);
        assertTrue(r.probes().notes().contains("noise: sampled 20000"), r.probes().notes());
    }

    @Test
    void fullBatchHasNoNoiseAndTheNoisyQuadraticUsesItsClosedForm() {
        RunResult gd = ProbeFixtures.run(1, DATA, MODEL, map("name", "gd", "lr", 0.05), map("steps", 2),
                map("noise", map("enabled", true)));
        assertEquals(0.0, value(gd.curve().get(0), Metrics.NOISE_VAR), 0.0);
        RunResult q = ProbeFixtures.run(1, map("kind", "none", "n", 8),
                map("kind", "noisy_quadratic", "dim", 4, "noise_std", 0.5),
                map("name", "sgd", "lr", 0.1, "batch_size", 2), map("steps", 3), map("noise", map("enabled", true)));
        assertEquals(0.25 * 4 / 2, value(q.curve().get(0), Metrics.NOISE_VAR), 1e-15);
    }
}
