package org.ratelab.job;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.ratelab.linalg.Blas;
import org.ratelab.linalg.NativeBlas;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ratelab env}: Java, Spark, the active BLAS implementation and the native library behind it. */
@Command(name = "env", mixinStandardHelpOptions = true,
        description = "Print Java, Spark and BLAS facts of this machine.")
final class EnvCommand implements Callable<Integer> {
    @Spec CommandSpec cmd;
    @picocli.CommandLine.Mixin BlasOption blasOption;

    @Option(names = "--require-native-blas", description = "Exit 2 unless native OpenBLAS is active.")
    boolean requireNative;

    @Override
    public Integer call() {
        PrintWriter o = cmd.commandLine().getOut();
        blasOption.select();
        Blas.Facts f = Blas.facts();
        o.println("ratelab       " + Main.version());
        o.println("java          " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        o.println("spark         " + org.apache.spark.package$.MODULE$.SPARK_VERSION());
        o.println("cores         " + Runtime.getRuntime().availableProcessors());
        o.println("blas          " + Blas.implementation());
        o.println("blas_native   " + Blas.isNative());
        o.println("blas_source   " + f.source() + " (" + NativeBlas.PROPERTY + "=" + NativeBlas.current().requested() + ")");
        o.println("blas_library  " + f.library());
        o.println("openblas      " + Blas.isOpenBlas());
        o.println("openblas_config " + (f.openblasConfig() == null ? "(not the bundled build)" : f.openblasConfig()));
        String threads = System.getenv("OPENBLAS_NUM_THREADS");
        o.println("OPENBLAS_NUM_THREADS " + (threads == null ? "(unset: set it to 1)" : threads));
        if (requireNative) {
            try {
                Blas.requireNative();
            } catch (IllegalStateException e) {
                throw new UsageException(e.getMessage());
            }
        }
        return 0;
    }
}
