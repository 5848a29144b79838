package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.TestSpecs;

/** CLI behaviour that needs no Spark: every refusal exits 2 with one line and writes nothing. */
class CliTest {
    @TempDir Path dir;

    record Result(int code, String out, String err) {
        String[] errLines() { return err.isEmpty() ? new String[0] : err.split("\n"); }
    }

    static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    void assertRefused(Result r, String expected) {
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.errLines().length, "exactly one line: " + r.err());
        assertTrue(r.err().contains(expected), r.err());
    }

    @Test
    void brokenSpecExitsTwoWithOneLineAndWritesNothing() {
        Path spec = TestSpecs.write(dir, "broken.yaml", TestSpecs.SMALL.replace("width: 16}", "width: 16, depth: 3}"));
        Path out = dir.resolve("out");
        Result r = cli("run", spec.toString(), "--out", out.toString());
        assertRefused(r, spec + ": model.depth: unknown key");
        assertFalse(Files.exists(out), "nothing written");
        assertRefused(cli("plan", spec.toString()), "model.depth: unknown key");
    }

    /** Only the command named is built (start-up time); help and an unknown command still see them all. */
    @Test
    void everyCommandIsReachableAndTheHelpListsThemAll() {
        assertEquals(java.util.List.of("run", "plan", "sql", "checks", "report", "reproduce", "env", "bench",
                "bench-latency", "kinds"), java.util.List.copyOf(Main.COMMANDS.keySet()));
        Result help = cli("--help");
        assertEquals(0, help.code(), help.err());
        for (String c : Main.COMMANDS.keySet()) {
            assertTrue(help.out().contains("\n  " + c + " "), c + " missing from the help: " + help.out());
            Result own = cli(c, "--help");
            assertEquals(0, own.code(), c + ": " + own.err());
            assertTrue(own.out().startsWith("Usage: ratelab " + c + " "), own.out());
        }
        assertRefused(cli("reprot", "--out", "x"), "Unmatched arguments from index 0: 'reprot'");
        Result none = cli();
        assertEquals(2, none.code());
        assertTrue(none.err().contains("a command is required"), none.err());
    }

    @Test
    void planPrintsCountAxesAndCost() {
        Path spec = TestSpecs.write(dir, "s.yaml", TestSpecs.SMALL);
        Result r = cli("plan", spec.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("runs 8\n"), r.out());
        assertTrue(r.out().contains("axis model.width (2): 16, 64"), r.out());
        assertTrue(r.out().contains("axis seed (2): 1, 2"), r.out());
        assertTrue(r.out().contains("axis optimizer.name (2): gd, sgd"), r.out());
        assertTrue(r.out().contains("estimated cost"), r.out());
    }

    @Test
    void gridAboveTheLimitNeedsForce() {
        Path spec = TestSpecs.write(dir, "s.yaml", TestSpecs.SMALL + "limits: {max_runs: 5}\n");
        assertRefused(cli("plan", spec.toString()), "the grid has 8 runs, above the limit of 5");
        assertEquals(0, cli("plan", spec.toString(), "--force").code());
        assertEquals(0, cli("plan", spec.toString(), "--max-runs", "8").code());
        assertRefused(cli("plan", spec.toString(), "--max-runs", "0"), "--max-runs must be >= 1");
    }

    @Test
    void outputThatIsAFileOrAForeignDirectoryIsRefusedUntouched() throws Exception {
        Path spec = TestSpecs.write(dir, "s.yaml", TestSpecs.SMALL);
        Path file = TestSpecs.write(dir, "results.txt", "precious");
        assertRefused(cli("run", spec.toString(), "--out", file.toString()), "is a file, not a directory");
        assertEquals("precious", Files.readString(file));
        Path foreign = Files.createDirectories(dir.resolve("home"));
        Files.writeString(foreign.resolve("notes.md"), "mine");
        assertRefused(cli("run", spec.toString(), "--out", foreign.toString()), "that ratelab did not create");
        assertArrayEquals(new String[] {"notes.md"}, foreign.toFile().list());
    }

    @Test
    void badFlagsAreRefused() {
        Path spec = TestSpecs.write(dir, "s.yaml", TestSpecs.SMALL);
        String out = dir.resolve("o").toString();
        assertRefused(cli("run", spec.toString(), "--out", out, "--conf", "novalue"), "--conf novalue: expected key=value");
        assertRefused(cli("run", spec.toString(), "--out", out, "--conf", "foo=bar"), "only spark.* keys");
        assertRefused(cli("run", spec.toString(), "--out", out, "--partitions", "-1"), "--partitions must be between 1 and 100000");
        assertRefused(cli("run", spec.toString(), "--bogus"), "Unknown option: '--bogus'");
        assertRefused(cli("run"), "Missing required parameter");
        assertRefused(cli("frobnicate"), "Unmatched argument");
        assertRefused(cli("run", spec.toString(), "--profile", "huge"), "profile 'huge' is not defined");
        assertFalse(Files.exists(dir.resolve("o")));
    }

    @Test
    void benchRefusesUnknownSectionsAndAnExistingTable() throws Exception {
        assertRefused(cli("bench", "--out", dir.toString(), "--sections", "steps,bogus"), "unknown section bogus");
        Files.createDirectories(dir.resolve("bench"));
        assertRefused(cli("bench", "--out", dir.toString(), "--sections", "grid"), "exists; remove it first");
    }
}
