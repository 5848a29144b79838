package org.ratelab.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fused passes of {@link Kernels}: tanh accuracy against Math.tanh, and the vector path against the scalar. */
class KernelsTest {
    @Test
    void tanhWithinTwoUlpOfMathTanh() {
        SplittableRandom r = new SplittableRandom(7);
        double worst = 0;
        double at = 0;
        for (int i = 0; i < 400_000; i++) {
            double x = i % 2 == 0 ? (i / 400_000.0) * 50 - 25 : r.nextGaussian() * Math.pow(10, r.nextDouble() * 8 - 6);
            double ref = Math.tanh(x);
            double u = Math.abs(Kernels.tanh(x) - ref) / Math.ulp(ref);
            if (u > worst) {
                worst = u;
                at = x;
            }
        }
        assertTrue(worst <= 2.0, "max error " + worst + " ulp at x=" + at);
        assertEquals(1.0, Kernels.tanh(1e300));
        assertEquals(-1.0, Kernels.tanh(Double.NEGATIVE_INFINITY));
        assertTrue(Double.isNaN(Kernels.tanh(Double.NaN)));
        assertEquals(1e-300, Kernels.tanh(1e-300));
    }

    @Test
    void vectorPassesMatchScalar() {
        // whichever path is active, the tanh of a pass is bit-identical to the scalar function
        SplittableRandom r = new SplittableRandom(3);
        int len = 37;
        double[] z = new double[len];
        double[] b = new double[len];
        double[] w = new double[len];
        for (int j = 0; j < len; j++) {
            z[j] = 3 * r.nextGaussian();
            b[j] = r.nextGaussian();
            w[j] = r.nextGaussian();
        }
        for (int act : new int[] {Kernels.TANH, Kernels.RELU, Kernels.IDENTITY}) {
            double[] a = z.clone();
            double dot = Kernels.biasActivateDot(act, a, 0, len, b, w);
            double ref = 0;
            for (int j = 0; j < len; j++) {
                double v = z[j] + b[j];
                double s = act == Kernels.TANH ? Kernels.tanh(v) : act == Kernels.RELU ? Math.max(v, 0) : v;
                assertEquals(Double.doubleToRawLongBits(s), Double.doubleToRawLongBits(a[j]), "act " + act + " j " + j);
                ref += w[j] * s;
            }
            assertEquals(ref, dot, 1e-12 * len);
            double[] g = new double[len];
            double[] gb = new double[len];
            double[] d = a.clone();
            Kernels.readoutBackward(act, d, 0, len, 0.3, w, g, gb);
            for (int j = 0; j < len; j++) {
                double ds = act == Kernels.TANH ? 1 - a[j] * a[j] : act == Kernels.RELU ? (a[j] > 0 ? 1 : 0) : 1;
                assertEquals(0.3 * a[j], g[j], 1e-15);
                assertEquals(0.3 * w[j] * ds, d[j], 1e-14);
                assertEquals(0.0 + d[j], gb[j]);  // the bias gradient is a sum from 0: 0 + (-0.0) is +0.0
            }
        }
    }
}
