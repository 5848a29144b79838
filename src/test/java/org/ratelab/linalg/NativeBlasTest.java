package org.ratelab.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The OpenBLAS bundled in the jar: chosen by default, extracted by JavaCPP, and the library netlib's JNIBLAS
 * and JNILAPACK actually run (this process's memory map says so), with OpenBLAS's own version line; and
 * {@code --blas system} leaves it alone, in a JVM of its own through the CLI a user types.
 */
class NativeBlasTest {
    @Test
    void parsesOnlyTheTwoChoices() {
        assertEquals("bundled", NativeBlas.parse("bundled"));
        assertEquals("system", NativeBlas.parse(" SYSTEM "));
        assertNull(NativeBlas.parse("openblas"));
        assertNull(NativeBlas.parse(""));
        assertNull(NativeBlas.parse(null));
    }

    @Test
    void theBundledOpenBlasIsWhatJniBlasRuns() throws Exception {
        NativeBlas.Choice c = NativeBlas.current();
        assertEquals("bundled", c.source(), "default choice in the test JVM: " + c);
        assertTrue(c.library().endsWith("/org/bytedeco/openblas/linux-x86_64/libopenblas.so.0"), c.library());
        assertTrue(Files.isRegularFile(Path.of(c.library())), c.library());
        assertTrue(c.openblasConfig().startsWith("OpenBLAS 0.3.31"), c.openblasConfig());
        assertEquals("JNIBLAS", Blas.implementation());
        // the file the process mapped is the bundled one, not a system libblas
        assertEquals(c.library(), Blas.nativeLibrary());
        assertTrue(Files.readString(Path.of("/proc/self/maps")).contains(c.library()));
        Blas.Facts f = Blas.facts();
        assertEquals("JNIBLAS", f.implementation());
        assertEquals("bundled", f.source());
        assertEquals(c.openblasConfig(), f.openblasConfig());
        // and LAPACK: netlib's JNILAPACK over the same file
        assertEquals("JNILAPACK", dev.ludovic.netlib.lapack.LAPACK.getInstance().getClass().getSimpleName());
    }

    /** dgemm through the bundle equals the plain triple loop to float64 roundoff, on a 97 x 83 x 71 product. */
    @Test
    void bundledDgemmIsRight() {
        int m = 97, n = 83, k = 71;
        Random r = new Random(7);
        double[] a = new double[m * k], b = new double[k * n], c = new double[m * n], ref = new double[m * n];
        for (int i = 0; i < a.length; i++) a[i] = r.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = r.nextGaussian();
        Blas.gemm(false, false, m, n, k, 1.0, a, 0, m, b, 0, k, 0.0, c, 0, m);
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += a[i + p * m] * b[p + j * k];
                ref[i + j * m] = s;
            }
        }
        for (int i = 0; i < c.length; i++) assertEquals(ref[i], c[i], 1e-12 * (1 + Math.abs(ref[i])));
    }

    /** {@code jobs/ratelab env} in fresh JVMs: bundled by default, the system's library with --blas system. */
    @Test
    void envReportsTheChoiceThroughTheCli() throws Exception {
        String bundled = env();
        assertTrue(bundled.contains("blas_source   bundled"), bundled);
        assertTrue(bundled.contains("blas          JNIBLAS"), bundled);
        assertTrue(bundled.contains("openblas_config OpenBLAS 0.3.31"), bundled);
        assertTrue(bundled.contains("/org/bytedeco/openblas/linux-x86_64/libopenblas.so.0"), bundled);
        String system = env("--blas", "system");
        assertTrue(system.contains("blas_source   system"), system);
        assertTrue(system.contains("openblas_config (not the bundled build)"), system);
        // whatever the machine has (or lacks), the bundled file is not what the system choice maps
        assertTrue(!system.contains("/org/bytedeco/openblas/"), system);
        String property = env("-Dratelab.blas=system");
        assertTrue(property.contains("blas_source   system"), property);
    }

    static String env(String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", "jobs/ratelab", "env"));
        List<String> jvm = new ArrayList<>();
        for (String e : extra) {
            if (e.startsWith("-D")) jvm.add(e); else cmd.add(e);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("RATELAB_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("RATELAB_JAVA_OPTS", String.join(" ", jvm) + " -Xmx256m");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
