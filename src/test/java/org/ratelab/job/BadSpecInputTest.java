package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratelab.TestSpecs;
import org.ratelab.job.BadInputTest.Case;
import org.ratelab.job.BadInputTest.Fixture;
import org.ratelab.spec.YamlLimits;

/**
 * The malformed specs of issue 15, items 1-3, through the CLI like {@link BadInputTest}: YAML built to exhaust
 * time or memory, numbers that would wrap or be replaced, sizes no executor holds, and checks that could only
 * fail after training. Every case exits 2 with one line naming the file and the key path, leaves the existing
 * output byte-identical, finishes within {@link #SECONDS} and allocates at most {@link #ALLOCATED_MB} on its
 * thread; the worst ones also run through the launcher at {@code -Xmx512m}.
 */
class BadSpecInputTest {
    @TempDir Path dir;

    /** Wall time of one refusal, seconds. */
    static final double SECONDS = 10;
    /** Bytes one refusal may allocate on the calling thread, MB (the 50 MB file is never read in full). */
    static final long ALLOCATED_MB = 256;

    static Case c(String name, String expected, java.util.function.Function<Fixture, String[]> args) {
        return new Case(name, args, expected);
    }

    /** SMALL with every {@code from} → {@code to} pair replaced (each must match). */
    static String[] small(Fixture f, String... pairs) {
        String text = TestSpecs.SMALL;
        for (int i = 0; i < pairs.length; i += 2) {
            if (!text.contains(pairs[i])) throw new IllegalArgumentException("no '" + pairs[i] + "' in the spec");
            text = text.replace(pairs[i], pairs[i + 1]);
        }
        return f.run(f.specText(text));
    }

    static String[] withCheck(Fixture f, String check) {
        return f.run(f.specText(TestSpecs.SMALL + "checks:\n  - name: x\n" + check));
    }

    static final String DATA = "{kind: teacher_student, n: 64, d: 8, teacher: two_layer, teacher_width: 3, test_n: 32}";

    /** Nine levels of nine aliases each: 9^9 leaves (the classic billion laughs; 81 aliases). */
    static String billionLaughs() {
        StringBuilder b = new StringBuilder("experiment: small\nl0: &l0 [lol]\n");
        for (int i = 1; i <= 9; i++) {
            b.append("l").append(i).append(": &l").append(i).append(" [");
            for (int j = 0; j < 9; j++) b.append(j == 0 ? "" : ", ").append("*l").append(i - 1);
            b.append("]\n");
        }
        return b.toString();
    }

    /** Within SnakeYAML's 50 aliases: 25 levels of two, 2^25 leaves once expanded. */
    static String doublingLaughs() {
        StringBuilder b = new StringBuilder(TestSpecs.SMALL).append("description:\n  - &a0 [x, x]\n");
        for (int i = 1; i <= 25; i++) b.append("  - &a").append(i).append(" [*a").append(i - 1).append(", *a").append(i - 1).append("]\n");
        return b.toString();
    }

    static Path bigFile(Path dir, String name, long bytes, String head) {
        Path p = dir.resolve(name);
        try (OutputStream o = Files.newOutputStream(p)) {
            o.write(head.getBytes(StandardCharsets.UTF_8));
            byte[] chunk = new byte[1 << 16];
            java.util.Arrays.fill(chunk, (byte) 'x');
            for (long w = head.length(); w < bytes; w += chunk.length) o.write(chunk, 0, (int) Math.min(chunk.length, bytes - w));
            o.write('\n');
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return p;
    }

    static List<Case> catalogue() {
        List<Case> cs = new ArrayList<>();
        // 1. YAML resource limits
        cs.add(c("yaml: billion laughs (81 aliases)", "invalid YAML: Number of aliases for non-scalar nodes exceeds the specified max=50",
                f -> f.run(f.specText(billionLaughs()))));
        cs.add(c("yaml: 2^25 leaves from 50 aliases", "the spec expands to more than 100000 nodes once its aliases are expanded",
                f -> f.run(f.specText(doublingLaughs()))));
        cs.add(c("yaml: recursive alias in a list", "description[1]: the alias refers to a collection that contains it",
                f -> f.run(f.specText(TestSpecs.SMALL + "description: &r [1, *r]\n"))));
        cs.add(c("yaml: recursive alias in a mapping", "probes.self: the alias refers to a collection that contains it",
                f -> f.run(f.specText(TestSpecs.SMALL + "probes: &p {self: *p}\n"))));
        cs.add(c("yaml: 200 nested lists", "invalid YAML: Nesting Depth exceeded max 32",
                f -> f.run(f.specText(TestSpecs.SMALL + "description: " + "[".repeat(200) + "]".repeat(200) + "\n"))));
        cs.add(c("yaml: depth from an alias of a deep anchor", "nested deeper than the limit of 32 levels",
                f -> f.run(f.specText(TestSpecs.SMALL + "description: &deep " + "[".repeat(25) + "]".repeat(25)
                        + "\nreference: " + "[".repeat(25) + "*deep" + "]".repeat(25) + "\n"))));
        cs.add(c("yaml: 50 MB one-line value", "the spec is larger than the limit of 1048576 bytes",
                f -> f.run(bigFile(f.dir(), "huge.yaml", 50L << 20, TestSpecs.SMALL + "description: ").toString())));
        cs.add(c("yaml: 2 MB of comments", "the spec is larger than the limit of 1048576 bytes",
                f -> f.run(f.specText(TestSpecs.SMALL + "# padding\n".repeat(200_000)))));
        cs.add(c("yaml: an endless file (/dev/zero)", "/dev/zero: the spec is larger than the limit",
                f -> f.run("/dev/zero")));
        cs.add(c("yaml: a 100000-character scalar", "description: a scalar of 100000 characters is longer than the limit of 65536",
                f -> f.run(f.specText(TestSpecs.SMALL + "description: " + "y".repeat(100_000) + "\n"))));
        cs.add(c("yaml: a 70000-character key", "a scalar of 70000 characters is longer than the limit",
                f -> f.run(f.specText(TestSpecs.SMALL + "? " + "k".repeat(70_000) + "\n: 1\n"))));
        cs.add(c("yaml: 150000 list items", "the spec expands to more than 100000 nodes",
                f -> f.run(f.specText(TestSpecs.SMALL + "description: [" + "1,".repeat(150_000) + "1]\n"))));
        cs.add(c("yaml: not UTF-8", "the spec is not UTF-8 text", f -> {
            Path p = f.dir().resolve("latin1.yaml");
            BadInputTest.write(p, "");
            try {
                Files.write(p, (TestSpecs.SMALL + "description: caf\u00e9\n").getBytes(StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return f.run(p.toString());
        }));
        cs.add(c("yaml: a directory as the spec", "is a directory, not a spec file", f -> f.run(f.dir().toString())));
        cs.add(c("yaml: two merge keys in one mapping", "model.<<: two merge keys (<<) in one mapping",
                f -> small(f, "model: {", "base: &b {bias: false}\nmodel: {<<: *b, <<: *b, ")));
        cs.add(c("yaml: merged key also set explicitly", "model.width: set both here and by the merge key (<<)",
                f -> small(f, "model: {", "base: &b {width: 32}\nmodel: {<<: *b, ")));
        cs.add(c("yaml: a key merged from two mappings", "model.bias: merged from two mappings (<<)",
                f -> small(f, "model: {", "b1: &b1 {bias: false}\nb2: &b2 {bias: true}\nmodel: {<<: [*b1, *b2], ")));
        cs.add(c("yaml: a merge key of a scalar", "model.<<: a merge key (<<) takes a mapping or a list of mappings",
                f -> small(f, "model: {", "model: {<<: 3, ")));
        cs.add(c("yaml: keys 1 and '1' in one mapping", "model.1: duplicate key (two keys of this mapping read as '1')",
                f -> small(f, "width: 16}", "width: 16, 1: 2, '1': 3}")));
        cs.add(c("yaml: a list as a key", "data: a key must be a scalar", f -> small(f, "data: " + DATA,
                "data:\n  ? [a, b]\n  : 1\n")));
        // 2. numbers never wrap or get replaced
        cs.add(c("int: 2^64 + 5 steps (would wrap to 5)", "train.steps: must be <= 1000000000000, got 18446744073709551621",
                f -> small(f, "steps: 200", "steps: 18446744073709551621")));
        cs.add(c("int: 2^63 seed", "seed: must be <= 9223372036854775807, got 9223372036854775808 (in the run with",
                f -> small(f, "  seed: [1, 2]", "  seed: [1, 9223372036854775808]")));
        cs.add(c("int: teacher_width 2^32 + 3 (would wrap to 3)", "data.teacher_width: must be <= 1000000, got 4294967299",
                f -> small(f, "teacher_width: 3", "teacher_width: 4294967299")));
        cs.add(c("int: n of -(2^64 - 1)", "data.n: must be >= 1, got -18446744073709551615",
                f -> small(f, "n: 64,", "n: -18446744073709551615,")));
        cs.add(c("int: a quoted 23-digit step count", "train.steps: must be <= 1000000000000, got 99999999999999999999999",
                f -> small(f, "steps: 200", "steps: '99999999999999999999999'")));
        cs.add(c("int: grid value beyond int", "model.width: must be <= 16777216, got 2147483664 (in the run with model.width=2147483664",
                f -> small(f, "model.width: [16, 64]", "model.width: [16, 2147483664]")));
        cs.add(c("number: a 400-digit step size", "optimizer.lr: must be a finite number, got 10000000000000000000... (401 characters)",
                f -> small(f, "lr: 1.0", "lr: 1" + "0".repeat(400))));
        cs.add(c("record every 0 (was 60 log points)", "train.record.every: must be >= 1, got 0",
                f -> small(f, "record: {every: 10}", "record: {every: 0}")));
        cs.add(c("record log_points 0 (was 60)", "train.record.log_points: must be >= 1, got 0",
                f -> small(f, "record: {every: 10}", "record: {log_points: 0}")));
        cs.add(c("record both 0", "train.record.every: must be >= 1, got 0",
                f -> small(f, "record: {every: 10}", "record: {every: 0, log_points: 0}")));
        cs.add(c("size: n x d beyond a Java array", "data.n: inputs data.n x data.d = 3000000 x 1000 needs an array of 3000000000 doubles",
                f -> small(f, "n: 64, d: 8,", "n: 3000000, d: 1000,")));
        cs.add(c("size: width x n beyond a Java array", "model.width: activations model.width x max(data.n, data.test_n) = 16777216 x 1000 needs an array",
                f -> small(f, "n: 64,", "n: 1000,", "model.width: [16, 64]", "model.width: [16, 16777216]")));
        cs.add(c("size: width x n beyond the executor heap", "more than half the executor heap",
                f -> small(f, "n: 64,", "n: 1000,", "model.width: [16, 64]", "model.width: [16, 1000000]")));
        cs.add(c("size: the NTK's n x n Gram", "probes.ntk.max_n: the NTK Grams data.n x data.n needs an array of 3600000000 doubles",
                f -> f.run(f.specText(TestSpecs.SMALL.replace("n: 64,", "n: 60000,")
                        + "probes: {ntk: {enabled: true, max_n: 100000, max_jacobian: 1000000000000}}\n"))));
        cs.add(c("size: SAGA's n x dim gradient table", "data.n: the gradient table data.n x dim = 400000 x 6464",
                f -> small(f, "n: 64, d: 8,", "n: 400000, d: 100,", "{name: sgd, lr: 0.5, batch_size: 8}",
                        "{name: saga, lr: 0.5}", "model.width: [16, 64]", "model.width: [64]")));
        cs.add(c("size: a Lanczos basis of 10^7 x 1000", "probes.hessian.max_basis: a run needs about",
                f -> f.run(f.specText("experiment: q\ndata: {kind: none}\nmodel: {kind: quadratic, dim: 10000000}\n"
                        + "optimizer: {name: gd}\ntrain: {steps: 10}\n"
                        + "probes: {hessian: {enabled: true, max_iter: 1000, max_basis: 10000000000000}}\n"))));
        cs.add(c("size: a curve of 10^12 points", "train.record: a run needs about",
                f -> small(f, "steps: 200", "steps: 1000000000000", "record: {every: 10}", "record: {every: 1}")));
        cs.add(c("size: --conf spark.executor.memory=64m", "more than half the executor heap of 68 MB",
                f -> f.run(f.specText(TestSpecs.SMALL.replace("n: 64,", "n: 100000,")), "--conf", "spark.executor.memory=64m")));
        // 3. checks validated before anything runs
        cs.add(c("check: law over an unknown curve metric", "checks[0].law.metric: 'sharpnes.max' is not a law metric",
                f -> withCheck(f, "    law: {metric: sharpnes.max, axis: model.width}\n    expect: {max: 0}\n")));
        cs.add(c("check: law over a runs column laws do not fit", "checks[0].law.metric: 'L_hat' is not a law metric",
                f -> withCheck(f, "    law: {metric: L_hat, axis: model.width}\n    expect: {max: 0}\n")));
        cs.add(c("check: law at a step not in fits.at_steps", "'rel_change.at_step@100' is not a law metric",
                f -> withCheck(f, "    law: {metric: rel_change.at_step@100, axis: model.width}\n    expect: {max: 0}\n")));
        cs.add(c("check: law eps that is not a number", "checks[0].law.metric: '1e-8x' after @ is not a number; expected a runs column, X.max|min|first|final, X.at_step@k or metric.kind[@eps]",
                f -> withCheck(f, "    law: {metric: loss.steps_to_eps@1e-8x, axis: model.width}\n    expect: {max: 0}\n")));
        cs.add(c("check: law eps outside fits.eps", "checks[0].law.metric: 'loss.steps_to_eps@0.001' is not a law metric",
                f -> withCheck(f, "    law: {metric: loss.steps_to_eps@1e-3, axis: model.width}\n    expect: {max: 0}\n")));
        cs.add(c("check: unknown check kind", "checks[0].lwa: unknown check kind 'lwa'; registered: law, rate, value, fraction, bound, compare",
                f -> withCheck(f, "    lwa: {metric: rel_change, axis: model.width}\n    expect: {max: 0}\n")));
        cs.add(c("check: rate of an unknown metric", "checks[0].rate: 'losss' has no rates",
                f -> withCheck(f, "    rate: {metric: losss, kind: linear}\n    expect: {max: 1}\n")));
        cs.add(c("check: rate kind the metric has not", "checks[0].rate: the rates of 'grad_norm_sq' are power, not 'linear'",
                f -> withCheck(f, "    rate: {metric: grad_norm_sq, kind: linear}\n    expect: {max: 1}\n")));
        cs.add(c("check: rate eps outside fits.eps", "checks[0].rate: eps 0.001 is not one of fits.eps (0.01, 1.0E-4, 1.0E-6, 1.0E-8)",
                f -> withCheck(f, "    rate: {metric: loss, kind: steps_to_eps, eps: 1.0e-3}\n    expect: {max: 100}\n")));
        cs.add(c("check: eps on a rate without thresholds", "checks[0].rate: eps applies to steps_to_eps and oracle_calls_to_eps, not to 'linear'",
                f -> withCheck(f, "    rate: {metric: loss, kind: linear, eps: 1.0e-2}\n    expect: {max: 1}\n")));
        cs.add(c("check: rate kind unknown", "checks[0].rate.kind: unknown value 'cubic'",
                f -> withCheck(f, "    rate: {metric: loss, kind: cubic}\n    expect: {max: 1}\n")));
        cs.add(c("check: value of an unknown rate metric", "checks[0].value.metric: 'lossx' has no rates",
                f -> withCheck(f, "    value: {metric: lossx.linear}\n    expect: {max: 1}\n")));
        cs.add(c("check: fraction over a rate at a missing eps", "checks[0].fraction.metric: eps 0.001 is not one of fits.eps",
                f -> withCheck(f, "    fraction: {metric: loss.steps_to_eps@1.0E-3, below: 100}\n    expect: {min: 0.5}\n")));
        cs.add(c("check: compare, left law metric unknown", "checks[0].compare.left.law.metric: 'rel_chnage' is not a law metric",
                f -> withCheck(f, "    compare:\n      left: {law: {metric: rel_chnage, axis: model.width}}\n"
                        + "      right: {law: {metric: rel_change, axis: model.width}}\n    expect: {max: 0}\n")));
        cs.add(c("check: compare, right rate kind wrong", "checks[0].compare.right.rate: the rates of 'test_loss' are power, not 'noise_floor'",
                f -> withCheck(f, "    compare:\n      left: {rate: {metric: loss, kind: linear}}\n"
                        + "      right: {rate: {metric: test_loss, kind: noise_floor}}\n    expect: {max: 0}\n")));
        cs.add(c("check: expect min NaN", "checks[0].expect.min: must be a finite number, got NaN",
                f -> withCheck(f, "    rate: {metric: loss, kind: linear}\n    expect: {min: .nan}\n")));
        cs.add(c("check: expect at_most infinite", "checks[0].expect.at_most: must be a finite number, got Infinity",
                f -> withCheck(f, "    rate: {metric: loss, kind: linear}\n    expect: {at_most: .inf}\n")));
        cs.add(c("check: expect value -inf", "checks[0].expect.value: must be a finite number, got -Infinity",
                f -> withCheck(f, "    rate: {metric: loss, kind: linear}\n    expect: {value: -.inf, tolerance: 1}\n")));
        cs.add(c("check: fraction threshold NaN", "checks[0].fraction.below: must be a finite number, got NaN",
                f -> withCheck(f, "    fraction: {metric: L_hat, below: .nan}\n    expect: {min: 0.5}\n")));
        cs.add(c("check: bound kind unknown", "checks[0].bound.kind: unknown value 'kkt'",
                f -> withCheck(f, "    bound: {kind: kkt}\n    expect: {min: 0.5}\n")));
        return cs;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void exitsTwoWithOneLineInBoundedTimeAndMemory(Case c) throws Exception {
        Fixture f = BadInputTest.fixture(dir);
        String[] args = c.args().apply(f);
        Map<String, String> before = BadInputTest.hashTree(f.out());
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocated0 = threads.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        CliTest.Result r = CliTest.cli(args);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long allocatedMb = (threads.getCurrentThreadAllocatedBytes() - allocated0) >> 20;
        assertEquals(2, r.code(), c.name() + ": " + r.err() + r.out());
        assertEquals(1, r.errLines().length, c.name() + ": exactly one line, got: " + r.err());
        assertTrue(r.err().contains(c.expected()), c.name() + ": expected '" + c.expected() + "' in: " + r.err());
        String spec = args.length > 1 ? args[1] : "";
        assertTrue(r.err().startsWith("ratelab: " + spec + ": "), c.name() + ": the line names the spec file: " + r.err());
        assertTrue(r.err().length() < 1000, c.name() + ": a readable line, got " + r.err().length() + " characters");
        assertEquals(before, BadInputTest.hashTree(f.out()), c.name() + ": the output directory changed");
        assertTrue(seconds < SECONDS, c.name() + ": took " + seconds + " s");
        assertTrue(allocatedMb < ALLOCATED_MB, c.name() + ": allocated " + allocatedMb + " MB");
    }

    @Test
    void catalogueHasAtLeastFortyCases() {
        assertTrue(catalogue().size() >= 40, "catalogue has " + catalogue().size());
    }

    /**
     * The worst inputs through the launcher in a JVM of 512 MB: it survives each, with one line and exit 2,
     * within the time bound.
     */
    @Test
    void theLauncherAtHalfAGigabyteRefusesTheWorstSpecs() throws Exception {
        Fixture f = BadInputTest.fixture(dir);
        List<String[]> worst = List.of(
                f.run(f.specText(billionLaughs())),
                f.run(TestSpecs.write(dir, "laughs.yaml", doublingLaughs()).toString()),
                f.run(bigFile(dir, "huge.yaml", 50L << 20, TestSpecs.SMALL + "description: ").toString()),
                f.run(TestSpecs.write(dir, "rec.yaml", TestSpecs.SMALL + "description: &r [1, *r]\n").toString()),
                f.run(TestSpecs.write(dir, "wide.yaml", TestSpecs.SMALL.replace("n: 64,", "n: 1000,")
                        .replace("model.width: [16, 64]", "model.width: [16, 1000000]")).toString()));
        List<String> expected = List.of("exceeds the specified max=50", "expands to more than 100000 nodes",
                "larger than the limit of 1048576 bytes", "recursive alias", "more than half the executor heap of");
        for (int i = 0; i < worst.size(); i++) {
            List<String> cmd = new ArrayList<>(List.of(Path.of("jobs", "ratelab").toAbsolutePath().toString()));
            cmd.addAll(List.of(worst.get(i)));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().put("RATELAB_JAVA_OPTS", "-Xmx512m");
            pb.environment().put("RATELAB_CLASSPATH", System.getProperty("java.class.path"));
            Path err = dir.resolve("err-" + i + ".txt");
            pb.redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            long t0 = System.nanoTime();
            Process p = pb.start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "case " + i + " did not finish");
            double seconds = (System.nanoTime() - t0) / 1e9;
            String text = Files.readString(err);
            assertEquals(2, p.exitValue(), "case " + i + ": " + text);
            List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
            assertEquals(1, lines.size(), "case " + i + ": one line, got " + text);
            assertTrue(lines.get(0).contains(expected.get(i)), "case " + i + ": " + text);
            assertTrue(seconds < 30, "case " + i + " took " + seconds + " s (JVM start included)");
        }
    }

    @Test
    void limitsAreWhatTheReadmeSays() {
        assertEquals(1 << 20, YamlLimits.MAX_BYTES);
        assertEquals(65_536, YamlLimits.MAX_SCALAR_CHARS);
        assertEquals(32, YamlLimits.MAX_DEPTH);
        assertEquals(50, YamlLimits.MAX_ALIASES);
        assertEquals(100_000, YamlLimits.MAX_NODES);
    }
}
