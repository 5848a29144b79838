package org.ratelab.linalg;

import static org.ratelab.linalg.Kernels.EXP_TAYLOR;
import static org.ratelab.linalg.Kernels.LN2HI;
import static org.ratelab.linalg.Kernels.LN2LO;
import static org.ratelab.linalg.Kernels.LOG2E;
import static org.ratelab.linalg.Kernels.MAGIC;
import static org.ratelab.linalg.Kernels.P0;
import static org.ratelab.linalg.Kernels.P1;
import static org.ratelab.linalg.Kernels.P2;
import static org.ratelab.linalg.Kernels.Q0;
import static org.ratelab.linalg.Kernels.Q1;
import static org.ratelab.linalg.Kernels.Q2;
import static org.ratelab.linalg.Kernels.RELU;
import static org.ratelab.linalg.Kernels.SMALL;
import static org.ratelab.linalg.Kernels.TANH;
import static org.ratelab.linalg.Kernels.YMAX;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API bodies of {@link Kernels} (loaded only when {@code jdk.incubator.vector} is present). Each
 * lane runs exactly the operations of the scalar {@link Kernels#tanh}; tails use the scalar code.
 */
final class VectorKernels {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorKernels() {}

    /** Vector tanh agrees bit for bit with the scalar one on a few probe values (else the scalar path is used). */
    static boolean selfCheck() {
        double[] x = new double[4 * L];
        for (int i = 0; i < x.length; i++) x[i] = (i - 2 * L) * 0.37 + 0.011;
        double[] y = x.clone();
        biasActivateDot(TANH, y, 0, y.length, null, null);
        for (int i = 0; i < x.length; i++) {
            if (Double.doubleToRawLongBits(y[i]) != Double.doubleToRawLongBits(Kernels.tanh(x[i]))) return false;
        }
        return true;
    }

    static DoubleVector tanh(DoubleVector x) {
        DoubleVector ax = x.abs();
        DoubleVector z = x.mul(x);
        DoubleVector p = z.fma(P0, P1).fma(z, DoubleVector.broadcast(S, P2));
        DoubleVector q = z.add(Q0).fma(z, DoubleVector.broadcast(S, Q1)).fma(z, DoubleVector.broadcast(S, Q2));
        DoubleVector small = x.mul(z).fma(p.div(q), x);
        DoubleVector y = ax.add(ax).min(YMAX);
        DoubleVector t = y.fma(LOG2E, MAGIC);
        DoubleVector k = t.sub(MAGIC);
        DoubleVector nk = k.neg();
        DoubleVector r = nk.fma(DoubleVector.broadcast(S, LN2HI), y);
        r = nk.fma(DoubleVector.broadcast(S, LN2LO), r);
        DoubleVector e = DoubleVector.broadcast(S, EXP_TAYLOR[0]);
        for (int i = 1; i < EXP_TAYLOR.length; i++) e = e.fma(r, DoubleVector.broadcast(S, EXP_TAYLOR[i]));
        DoubleVector scale = t.reinterpretAsLongs().add(1023L).lanewise(VectorOperators.LSHL, 52L)
                .reinterpretAsDoubles();
        DoubleVector s = e.mul(scale);
        DoubleVector large = DoubleVector.broadcast(S, 1.0).sub(DoubleVector.broadcast(S, 2.0).div(s.add(1.0)));
        large = large.blend(large.neg(), x.compare(VectorOperators.LT, 0.0));
        return large.blend(small, ax.compare(VectorOperators.LT, SMALL));
    }

    static double biasActivateDot(int act, double[] z, int off, int len, double[] bias, double[] w) {
        int j = 0;
        int bound = S.loopBound(len);
        for (; j < bound; j += L) {
            DoubleVector v = DoubleVector.fromArray(S, z, off + j);
            if (bias != null) v = v.add(DoubleVector.fromArray(S, bias, j));
            if (act == TANH) v = tanh(v);
            else if (act == RELU) v = v.max(0.0);
            v.intoArray(z, off + j);
        }
        for (; j < len; j++) {
            double v = z[off + j] + (bias == null ? 0.0 : bias[j]);
            if (act == TANH) v = Kernels.tanh(v);
            else if (act == RELU) v = Math.max(v, 0.0);
            z[off + j] = v;
        }
        // the readout dot as a second scalar pass over the (cached) column: a vector accumulator's lane
        // reduction (reduceLanes, lane) is not intrinsified on this JDK and cost more than the pass
        return w == null ? 0.0 : Kernels.dot4(w, z, off, len);
    }

    static void readoutBackward(int act, double[] a, int off, int len, double dl, double[] w, double[] g,
                                double[] gb) {
        int j = 0;
        int bound = S.loopBound(len);
        DoubleVector dlv = DoubleVector.broadcast(S, dl);
        for (; j < bound; j += L) {
            DoubleVector v = DoubleVector.fromArray(S, a, off + j);
            dlv.fma(v, DoubleVector.fromArray(S, g, j)).intoArray(g, j);
            DoubleVector d = dlv.mul(DoubleVector.fromArray(S, w, j));
            if (act == TANH) {
                d = d.mul(v.neg().fma(v, DoubleVector.broadcast(S, 1.0)));
            } else if (act == RELU) {
                d = DoubleVector.zero(S).blend(d, v.compare(VectorOperators.GT, 0.0));
            }
            d.intoArray(a, off + j);
            if (gb != null) DoubleVector.fromArray(S, gb, j).add(d).intoArray(gb, j);
        }
        for (; j < len; j++) {
            double v = a[off + j];
            g[j] = Math.fma(dl, v, g[j]);
            double ds = act == TANH ? Math.fma(-v, v, 1.0) : act == RELU ? (v > 0 ? 1.0 : 0.0) : 1.0;
            double d = dl * w[j] * ds;
            a[off + j] = d;
            if (gb != null) gb[j] += d;
        }
    }
}
