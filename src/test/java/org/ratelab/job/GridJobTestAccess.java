package org.ratelab.job;

/** Lets tests of other packages launch the CLI in its own JVM, as {@link GridJobTest} does. */
public final class GridJobTestAccess {
    private GridJobTestAccess() {}

    public static Process cli(String... args) throws Exception {
        return GridJobTest.cliProcess(args);
    }
}
