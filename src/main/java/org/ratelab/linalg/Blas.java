package org.ratelab.linalg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * The one BLAS facade of ratelab: every matrix product of a training step goes through here.
 *
 * <p>Matrices are flat {@code double[]} in column-major (Fortran) order, as netlib expects; a row-major
 * {@code r x c} array is the column-major {@code c x r} matrix, which is how the models use it. Level-3 calls
 * go to {@link dev.ludovic.netlib.blas.BLAS#getInstance()} (native OpenBLAS through JNI when it loads), except
 * very small products, where a JNI call costs more than the arithmetic and plain Java loops are used.
 * Level-1 helpers are plain Java loops (JNI's ~200 ns per call dominates at the sizes used here).
 *
 * <p>Which implementation trained a run is recorded ({@link #implementation()}); a Java fallback is logged
 * once, never silent, and {@link #requireNative()} turns it into an error.
 */
public final class Blas {
    private static final Logger LOG = Logger.getLogger(Blas.class.getName());
    /** Products with fewer multiply-adds than this run on Java loops (JNI overhead, PLATFORM.md). */
    static final long SMALL_GEMM_FLOPS = 8L * 8 * 8;

    private static volatile dev.ludovic.netlib.blas.BLAS blas;
    private static volatile boolean warned;

    private Blas() {}

    private static dev.ludovic.netlib.blas.BLAS blas() {
        dev.ludovic.netlib.blas.BLAS b = blas;
        if (b == null) {
            synchronized (Blas.class) {
                if (blas == null) {
                    NativeBlas.Choice choice = NativeBlas.current();
                    blas = dev.ludovic.netlib.blas.BLAS.getInstance();
                    if (!isNative(blas) && !warned) {
                        warned = true;
                        LOG.warning("ratelab: native BLAS did not load from " + choice.library() + " ("
                                + choice.source() + "); falling back to " + blas.getClass().getSimpleName()
                                + " (slow). " + (choice.source().equals(NativeBlas.SYSTEM)
                                        ? "Install OpenBLAS or use --blas bundled. " : "")
                                + "See 'jobs/ratelab env'.");
                    }
                }
                b = blas;
            }
        }
        return b;
    }

    private static boolean isNative(dev.ludovic.netlib.blas.BLAS b) {
        return b.getClass().getSimpleName().equals("JNIBLAS");
    }

    /** The simple class name of the active implementation: JNIBLAS (native), VectorBLAS or Java11BLAS. */
    public static String implementation() {
        return blas().getClass().getSimpleName();
    }

    /** True when the active implementation is native (JNI). */
    public static boolean isNative() {
        return isNative(blas());
    }

    /**
     * The shared library behind the native implementation, read from this process's memory map after one
     * call (e.g. a path containing "openblas"), or "none" when BLAS is not native or the map is unreadable.
     */
    public static String nativeLibrary() {
        if (!isNative()) return "none";
        double[] a = {1, 2, 3, 4};
        double[] c = new double[4];
        blas().dgemm("N", "N", 2, 2, 2, 1.0, a, 2, a, 2, 0.0, c, 2);
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int slash = line.indexOf('/');
                if (slash < 0) continue;
                String path = line.substring(slash);
                String file = path.substring(path.lastIndexOf('/') + 1);
                if (file.startsWith("libopenblas") || file.startsWith("libblas") || file.contains("mkl")
                        || file.contains("blis")) {  // not JavaCPP's JNI wrapper, libjniopenblas_full.so
                    return path;
                }
            }
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
        return "unknown";
    }

    /** True when native BLAS is active and OpenBLAS is the library behind it. */
    public static boolean isOpenBlas() {
        return nativeLibrary().contains("openblas");
    }

    /** Fails with a clear message unless native BLAS backed by OpenBLAS is active. */
    public static void requireNative() {
        if (!isNative()) {
            NativeBlas.Choice c = NativeBlas.current();
            throw new IllegalStateException("native BLAS required (--require-native-blas) but the active "
                    + "implementation is " + implementation() + " on " + host() + " (" + c.source() + ": "
                    + (c.note() != null ? c.note() : c.library() + " did not load") + ")");
        }
        String lib = nativeLibrary();
        if (!lib.contains("openblas")) {
            throw new IllegalStateException("native BLAS required (--require-native-blas) but the library "
                    + "behind JNIBLAS on " + host() + " is " + lib + ", not OpenBLAS; use --blas bundled");
        }
    }

    /**
     * This JVM's BLAS facts, as {@code _ratelab.json} and {@code jobs/ratelab env} report them: the
     * implementation, the library file behind it and, for OpenBLAS loaded from the bundle, its own
     * {@code openblas_get_config()} line (which starts with its version).
     */
    public record Facts(String host, String implementation, String source, String library, String openblasConfig)
            implements java.io.Serializable {}

    public static Facts facts() {
        NativeBlas.Choice c = NativeBlas.current();
        return new Facts(host(), implementation(), c.source(), nativeLibrary(), c.openblasConfig());
    }

    private static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    /**
     * C = alpha * op(A) * op(B) + beta * C, column-major, as BLAS dgemm. Modifies c only.
     * op(A) is m x k, op(B) is k x n, C is m x n.
     */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                            double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                            double beta, double[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) return;
        if (a == c || b == c) {
            throw new IllegalArgumentException("gemm: output aliases an input");
        }
        if ((long) m * n * k < SMALL_GEMM_FLOPS) {
            gemmJava(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        blas().dgemm(transA ? "T" : "N", transB ? "T" : "N", m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                beta, c, cOff, ldc);
    }

    /** C = alpha * op(A) * op(B) + beta * C with all offsets 0. */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                            double[] a, int lda, double[] b, int ldb, double beta, double[] c, int ldc) {
        gemm(transA, transB, m, n, k, alpha, a, 0, lda, b, 0, ldb, beta, c, 0, ldc);
    }

    static void gemmJava(boolean transA, boolean transB, int m, int n, int k, double alpha,
                         double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                         double beta, double[] c, int cOff, int ldc) {
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[aOff + p + i * lda] : a[aOff + i + p * lda];
                    double bv = transB ? b[bOff + j + p * ldb] : b[bOff + p + j * ldb];
                    s += av * bv;
                }
                int idx = cOff + i + j * ldc;
                c[idx] = (beta == 0 ? 0 : beta * c[idx]) + alpha * s;
            }
        }
    }

    /** y = alpha * op(A) x + beta * y, A column-major m x n. Modifies y only. */
    public static void gemv(boolean transA, int m, int n, double alpha, double[] a, int lda,
                            double[] x, double beta, double[] y) {
        if ((long) m * n < 4096) {
            if (!transA) {
                for (int i = 0; i < m; i++) y[i] = beta == 0 ? 0 : beta * y[i];
                for (int j = 0; j < n; j++) {
                    double xj = alpha * x[j];
                    int col = j * lda;
                    for (int i = 0; i < m; i++) y[i] += a[col + i] * xj;
                }
            } else {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    int col = j * lda;
                    for (int i = 0; i < m; i++) s += a[col + i] * x[i];
                    y[j] = (beta == 0 ? 0 : beta * y[j]) + alpha * s;
                }
            }
            return;
        }
        blas().dgemv(transA ? "T" : "N", m, n, alpha, a, lda, x, 1, beta, y, 1);
    }

    /** Dot product of the first n entries. */
    public static double dot(int n, double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < n; i++) s += x[i] * y[i];
        return s;
    }

    /** Squared Euclidean norm of the first n entries. */
    public static double normSq(int n, double[] x) {
        return dot(n, x, x);
    }

    /** Squared Euclidean norm of x[off .. off+len). */
    public static double normSq(double[] x, int off, int len) {
        double s = 0;
        for (int i = off; i < off + len; i++) s += x[i] * x[i];
        return s;
    }

    /** Squared distance between x[off..off+len) and y[off..off+len). */
    public static double distSq(double[] x, double[] y, int off, int len) {
        double s = 0;
        for (int i = off; i < off + len; i++) {
            double d = x[i] - y[i];
            s += d * d;
        }
        return s;
    }

    /** y += alpha * x over the first n entries. */
    public static void axpy(int n, double alpha, double[] x, double[] y) {
        for (int i = 0; i < n; i++) y[i] += alpha * x[i];
    }
}
