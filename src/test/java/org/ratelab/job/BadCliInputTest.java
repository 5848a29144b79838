package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratelab.job.BadInputTest.Case;
import org.ratelab.job.BadInputTest.Fixture;

/**
 * Bad {@code --out} values for every command that takes one, and {@code --partitions}/{@code --batch-runs} out
 * of range: exit 2 with one line naming the flag, before anything starts, and the existing output
 * byte-identical (as {@link BadInputTest} checks its catalogue). None of them starts Spark.
 */
class BadCliInputTest {
    @TempDir Path dir;

    /** A path below the fixture's {@code runs/part-0.parquet}, a regular file. */
    static String belowFile(Fixture f) {
        return f.out().resolve("runs").resolve("part-0.parquet").resolve("sub").toString();
    }

    static List<Case> catalogue() {
        return List.of(
            // --out of run
            BadInputTest.c("run --out empty", "--out must not be empty", f -> new String[] {"run", f.spec(), "--out", ""}),
            BadInputTest.c("run --out blank", "--out must not be empty", f -> new String[] {"run", f.spec(), "--out", "  "}),
            BadInputTest.c("run --out unknown scheme", "--out foo://x: unknown filesystem scheme 'foo'",
                    f -> new String[] {"run", f.spec(), "--out", "foo://x"}),
            BadInputTest.c("run --out below a regular file", "part-0.parquet is a file, so no directory can be created "
                    + "below it", f -> new String[] {"run", f.spec(), "--out", belowFile(f)}),
            BadInputTest.c("run --out two levels below a file", "part-0.parquet is a file",
                    f -> new String[] {"run", f.spec(), "--out", belowFile(f) + "/deeper"}),
            BadInputTest.c("run --out with a control character", "--out: the path contains a control character (at 3)",
                    f -> new String[] {"run", f.spec(), "--out", "out\u0007x"}),
            BadInputTest.c("run --out not a URI", "--out :x: not a valid path",
                    f -> new String[] {"run", f.spec(), "--out", ":x"}),
            // --out of the commands that read an output directory, and of reproduce and bench
            BadInputTest.c("sql --out empty", "--out must not be empty", f -> new String[] {"sql", "--out", "", "SELECT 1"}),
            BadInputTest.c("sql --out unknown scheme", "unknown filesystem scheme 'nosuchfs'",
                    f -> new String[] {"sql", "--out", "nosuchfs://host/x", "SELECT 1"}),
            BadInputTest.c("sql --out below a file", "part-0.parquet is a file",
                    f -> new String[] {"sql", "--out", belowFile(f), "SELECT 1"}),
            BadInputTest.c("sql --to below a file", "ratelab: --to ", f -> new String[] {"sql", "--out", f.out().toString(),
                    "--format", "csv", "--to", belowFile(f), "SELECT 1"}),
            BadInputTest.c("checks --out empty", "--out must not be empty", f -> new String[] {"checks", "--out", ""}),
            BadInputTest.c("checks --out unknown scheme", "unknown filesystem scheme 'foo'",
                    f -> new String[] {"checks", "--out", "foo://x"}),
            BadInputTest.c("report --out below a file", "part-0.parquet is a file",
                    f -> new String[] {"report", "--out", belowFile(f)}),
            BadInputTest.c("report --out blank", "--out must not be empty", f -> new String[] {"report", "--out", " "}),
            BadInputTest.c("reproduce --out unknown scheme", "--out foo://r: unknown filesystem scheme 'foo'",
                    f -> new String[] {"reproduce", "--out", "foo://r"}),
            BadInputTest.c("reproduce --out below a file", "part-0.parquet is a file",
                    f -> new String[] {"reproduce", "--out", belowFile(f)}),
            BadInputTest.c("bench --out empty", "--out must not be empty", f -> new String[] {"bench", "--out", ""}),
            BadInputTest.c("bench --out unknown scheme", "unknown filesystem scheme 'foo'",
                    f -> new String[] {"bench", "--out", "foo://b"}),
            // --partitions and --batch-runs
            BadInputTest.c("--partitions 0", "--partitions must be between 1 and 100000, got 0",
                    f -> f.run(f.spec(), "--partitions", "0")),
            BadInputTest.c("--partitions huge", "--partitions must be between 1 and 100000, got 2000000000",
                    f -> f.run(f.spec(), "--partitions", "2000000000")),
            BadInputTest.c("--partitions beyond int", "Invalid value for option '--partitions': '99999999999' is not "
                    + "an int", f -> f.run(f.spec(), "--partitions", "99999999999")),
            BadInputTest.c("--batch-runs 0", "--batch-runs must be between 1 and 10000000, got 0",
                    f -> f.run(f.spec(), "--batch-runs", "0")),
            BadInputTest.c("--batch-runs huge", "--batch-runs must be between 1 and 10000000, got 2147483647",
                    f -> f.run(f.spec(), "--batch-runs", "2147483647")),
            BadInputTest.c("--batch-runs not a number", "Invalid value for option '--batch-runs'",
                    f -> f.run(f.spec(), "--batch-runs", "1e3")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void exitsTwoWithOneLineAndLeavesOutputByteIdentical(Case c) throws Exception {
        BadInputTest.assertRefused(c, BadInputTest.fixture(dir));
    }

    @Test
    void catalogueHasSeveralCases() {
        assertTrue(catalogue().size() >= 20, "catalogue has " + catalogue().size());
    }

    /** A refused --out creates nothing: not the path, not a directory on the way to it, not a bench/ here. */
    @Test
    void aRefusedOutCreatesNothing() throws Exception {
        Fixture f = BadInputTest.fixture(dir);
        Path cwd = Path.of("").toAbsolutePath();
        boolean benchBefore = Files.exists(cwd.resolve("bench"));
        assertEquals(2, CliTest.cli("bench", "--out", "").code());
        assertEquals(benchBefore, Files.exists(cwd.resolve("bench")), "bench --out '' wrote into the working directory");
        Path fresh = dir.resolve("fresh").resolve("out");
        assertEquals(2, CliTest.cli("run", f.spec(), "--out", fresh.toString(), "--partitions", "0").code());
        assertFalse(Files.exists(dir.resolve("fresh")), "a refused run created its --out");
        assertFalse(Files.exists(cwd.resolve("foo:")), "foo://x became a local directory");
    }

    /** The control: in range, the same flags are accepted (plan is refused only for the flag under test). */
    @Test
    void boundsThemselvesAreAccepted() {
        assertEquals(1, OutFlag.range("--partitions", 1, 1, OutFlag.MAX_PARTITIONS));
        assertEquals(100_000, OutFlag.range("--partitions", 100_000, 1, OutFlag.MAX_PARTITIONS));
        assertEquals(0, OutFlag.range("--partitions", null, 1, OutFlag.MAX_PARTITIONS), "absent: the default");
        assertEquals("file:" + dir.resolve("new").resolve("out"),
                OutFlag.check("--out", dir.resolve("new").resolve("out").toString(),
                        new org.apache.hadoop.conf.Configuration()).uri());
    }
}
