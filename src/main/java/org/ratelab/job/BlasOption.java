package org.ratelab.job;

import org.ratelab.linalg.NativeBlas;
import picocli.CommandLine.Option;

/** {@code --blas bundled|system}: which native library netlib's JNIBLAS runs on ({@link NativeBlas}). */
final class BlasOption {
    @Option(names = "--blas", paramLabel = "bundled|system",
            description = "The native BLAS: the OpenBLAS bundled in ratelab's jar (default; the same build on every "
                    + "node) or the system's libblas.so.3. Also -Dratelab.blas=... or --conf spark.ratelab.blas=...")
    String blas;

    /** Selects the library for this JVM and returns the choice that executors are to make too. */
    String select() {
        String v;
        if (blas != null) {
            v = NativeBlas.parse(blas);
            if (v == null) throw new UsageException("--blas " + blas + ": expected bundled or system");
        } else {
            try {
                v = NativeBlas.requestedByProperties();
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
        NativeBlas.select(v);
        return v;
    }
}
