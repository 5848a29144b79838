package org.ratelab.linalg;

import java.util.Locale;
import java.util.logging.Logger;

/**
 * Chooses the native library behind netlib's JNIBLAS and JNILAPACK, once per JVM and before either loads.
 *
 * <p>{@code bundled} (the default): the OpenBLAS build that ships inside ratelab's jar
 * ({@code org.bytedeco:openblas}, linux-x86_64), extracted at first use by JavaCPP's {@code Loader} into its
 * cache directory ({@code ~/.javacpp/cache}, or {@code -Dorg.bytedeco.javacpp.cachedir=DIR}) and handed to
 * netlib through {@code dev.ludovic.netlib.{blas,lapack}.nativeLibPath}. Every node, driver and executor,
 * then runs the same OpenBLAS, whatever it has installed. {@code system}: netlib's own default, the
 * system's {@code libblas.so.3} and {@code liblapack.so.3}.
 *
 * <p>The choice comes from {@link #select(String)} (the CLI's {@code --blas}, and every training task with
 * the driver's choice), else the JVM property {@code ratelab.blas}, else the Spark property
 * {@code spark.ratelab.blas} (spark-submit sets {@code --conf} keys as JVM properties on the driver), else
 * {@code bundled}. A platform the bundle does not cover, or a bundle that fails to load, falls back to
 * {@code system} with a warning; {@link Blas} then warns again if no native BLAS loads at all.
 * Paths set explicitly with the netlib properties are left alone.
 */
public final class NativeBlas {
    private static final Logger LOG = Logger.getLogger(NativeBlas.class.getName());

    /** JVM property selecting the library: {@code bundled} or {@code system}. */
    public static final String PROPERTY = "ratelab.blas";
    /** Spark property with the same meaning, for spark-submit users ({@code --conf spark.ratelab.blas=system}). */
    public static final String SPARK_PROPERTY = "spark.ratelab.blas";
    public static final String BUNDLED = "bundled";
    public static final String SYSTEM = "system";

    static final String BLAS_PATH = "dev.ludovic.netlib.blas.nativeLibPath";
    static final String LAPACK_PATH = "dev.ludovic.netlib.lapack.nativeLibPath";

    /** What was chosen and what it gave: the request, the source in effect, the library file, OpenBLAS's own config line. */
    public record Choice(String requested, String source, String library, String openblasConfig, String note) {}

    private static volatile Choice choice;

    private NativeBlas() {}

    /** Parses a choice as a user wrote it; null for anything but {@code bundled} or {@code system}. */
    public static String parse(String s) {
        if (s == null) return null;
        String v = s.trim().toLowerCase(Locale.ROOT);
        return v.equals(BUNDLED) || v.equals(SYSTEM) ? v : null;
    }

    /** The choice from the JVM properties, else {@code bundled}. */
    public static String requestedByProperties() {
        String p = System.getProperty(PROPERTY);
        if (p == null) p = System.getProperty(SPARK_PROPERTY);
        if (p == null) return BUNDLED;
        String v = parse(p);
        if (v == null) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + p + ": expected bundled or system");
        }
        return v;
    }

    /**
     * Makes {@code requested} the library of this JVM unless one was already chosen; returns what is in
     * effect. Idempotent and thread-safe; call it before the first BLAS or LAPACK call (Blas does).
     */
    public static Choice select(String requested) {
        Choice c = choice;
        if (c != null) {
            if (!c.requested().equals(requested)) {
                LOG.warning("ratelab: BLAS '" + requested + "' requested, but this JVM already uses '"
                        + c.source() + "' (the library is chosen once per JVM)");
            }
            return c;
        }
        synchronized (NativeBlas.class) {
            if (choice == null) choice = load(requested);
            return choice;
        }
    }

    /** The choice in effect, made from the JVM properties if nothing chose yet. */
    public static Choice current() {
        Choice c = choice;
        return c != null ? c : select(requestedByProperties());
    }

    private static Choice load(String requested) {
        if (!requested.equals(BUNDLED)) {
            return new Choice(requested, SYSTEM, "libblas.so.3", null, null);
        }
        if (System.getProperty(BLAS_PATH) != null) {
            return new Choice(requested, SYSTEM, System.getProperty(BLAS_PATH), null,
                    "-D" + BLAS_PATH + " set explicitly; the bundled OpenBLAS is not used");
        }
        String platform = System.getProperty("os.name", "") + "/" + System.getProperty("os.arch", "");
        if (!platform.equals("Linux/amd64")) {
            return fallback(requested, "the bundled OpenBLAS covers linux-x86_64, not " + platform);
        }
        try {
            Bundled.Loaded b = Bundled.load();
            System.setProperty(BLAS_PATH, b.library());
            if (System.getProperty(LAPACK_PATH) == null) System.setProperty(LAPACK_PATH, b.library());
            return new Choice(requested, BUNDLED, b.library(), b.config(), null);
        } catch (LinkageError | RuntimeException e) {
            return fallback(requested, "the bundled OpenBLAS did not load (" + e + ")");
        }
    }

    private static Choice fallback(String requested, String why) {
        LOG.warning("ratelab: " + why + "; using the system's libblas.so.3");
        return new Choice(requested, SYSTEM, "libblas.so.3", null, why);
    }

    /**
     * The JavaCPP side, in a class of its own so that {@code system} never touches JavaCPP. OpenBLAS runs
     * single-threaded unless {@code OPENBLAS_NUM_THREADS} says otherwise: parallelism comes from Spark tasks.
     */
    private static final class Bundled {
        record Loaded(String library, String config) {}

        static Loaded load() {
            org.bytedeco.javacpp.Loader.load(org.bytedeco.openblas.global.openblas_full.class);
            String env = System.getenv("OPENBLAS_NUM_THREADS");
            int threads = 1;
            if (env != null) {
                try {
                    threads = Math.max(1, Integer.parseInt(env.trim()));
                } catch (NumberFormatException ignored) {
                    threads = 1;
                }
            }
            org.bytedeco.openblas.global.openblas_full.openblas_set_num_threads(threads);
            String config = org.bytedeco.openblas.global.openblas_full.openblas_get_config().getString().trim();
            return new Loaded(cached("libopenblas.so.0"), config);
        }

        /** Where JavaCPP's cache holds a file of the openblas jar (the jar's name is part of the path). */
        private static String cached(String file) {
            java.net.URL url = org.bytedeco.openblas.global.openblas_full.class.getResource(
                    "/org/bytedeco/openblas/linux-x86_64/" + file);
            if (url == null) throw new IllegalStateException("no " + file + " in the classpath");
            try {
                java.io.File f = org.bytedeco.javacpp.Loader.cacheResource(url);
                return f.getAbsolutePath();
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot extract " + file + ": " + e.getMessage(), e);
            }
        }
    }
}
