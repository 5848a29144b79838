package org.ratelab.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BlasTest {
    /** gemm (native or Java path, all transpose cases) against a naive triple loop. */
    @ParameterizedTest
    @CsvSource({"1,1,1", "3,2,4", "17,9,33", "64,64,64", "5,128,7", "0,3,3"})
    void gemmMatchesReference(int m, int n, int k) {
        SplittableRandom rng = new SplittableRandom(m * 1000L + n * 10L + k);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                double[] a = new double[Math.max(1, m * k)];
                double[] b = new double[Math.max(1, k * n)];
                double[] c = new double[Math.max(1, m * n)];
                for (int i = 0; i < a.length; i++) a[i] = rng.nextGaussian();
                for (int i = 0; i < b.length; i++) b[i] = rng.nextGaussian();
                for (int i = 0; i < c.length; i++) c[i] = rng.nextGaussian();
                double[] ref = c.clone();
                int lda = ta ? Math.max(1, k) : Math.max(1, m);
                int ldb = tb ? Math.max(1, n) : Math.max(1, k);
                Blas.gemmJava(ta, tb, m, n, k, 0.7, a, 0, lda, b, 0, ldb, 0.3, ref, 0, Math.max(1, m));
                Blas.gemm(ta, tb, m, n, k, 0.7, a, lda, b, ldb, 0.3, c, Math.max(1, m));
                for (int i = 0; i < m * n; i++) assertEquals(ref[i], c[i], 1e-12 * (1 + Math.abs(ref[i])));
            }
        }
    }

    @Test
    void gemmRejectsAliasedOutput() {
        double[] a = new double[16];
        assertThrows(IllegalArgumentException.class,
                () -> Blas.gemm(false, false, 4, 4, 4, 1, a, 4, new double[16], 4, 0, a, 4));
    }

    /** CI sets -Dratelab.requireNativeBlas=true: then OpenBLAS must be what trains the runs. */
    @Test
    void nativeOpenBlasWhenRequired() {
        String impl = Blas.implementation();
        assertTrue(impl.equals("JNIBLAS") || impl.equals("VectorBLAS") || impl.equals("Java11BLAS"), impl);
        if (Boolean.getBoolean("ratelab.requireNativeBlas")) {
            assertEquals("JNIBLAS", impl);
            assertTrue(Blas.isOpenBlas(), "library behind JNIBLAS: " + Blas.nativeLibrary());
            Blas.requireNative();
        } else if (!Blas.isNative()) {
            assertThrows(IllegalStateException.class, Blas::requireNative);
        }
    }
}
