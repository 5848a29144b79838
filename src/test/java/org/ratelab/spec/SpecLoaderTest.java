package org.ratelab.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ratelab.TestSpecs;
import org.ratelab.grid.Planner;

class SpecLoaderTest {
    @TempDir Path dir;

    ExperimentSpec load(String text) {
        return SpecLoader.load(TestSpecs.write(dir, "s.yaml", text), "default");
    }

    @Test
    void parsesSectionsAxesAndOptimizers() {
        ExperimentSpec s = load(TestSpecs.SMALL);
        assertEquals("small", s.name());
        assertEquals(2, s.optimizers().size());
        assertEquals(List.of("model.width", "seed"), s.axes().stream().map(Axis::path).toList());
        assertEquals(List.of(16, 64), s.axes().get(0).values());
        assertEquals("sgd", s.optimizers().get(1).section().get("name"));
        assertEquals(8, s.optimizers().get(1).section().get("batch_size"));
    }

    @Test
    void profileOverlaysTheSpec() {
        String text = TestSpecs.SMALL + """
                profiles:
                  smoke:
                    train: {steps: 20}
                    grid: {model.width: [8]}
                """;
        Path p = TestSpecs.write(dir, "p.yaml", text);
        ExperimentSpec smoke = SpecLoader.load(p, "smoke");
        assertEquals(1, smoke.axes().get(0).values().size());
        assertEquals(4, Planner.count(smoke));  // 2 optimizers x 1 width x 2 seeds
        assertEquals(20L, Planner.plan(smoke).runs().get(0).train().steps());
        assertEquals(8, Planner.count(SpecLoader.load(p, "default")));
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(p, "large"));
        assertTrue(e.getMessage().contains("profile 'large' is not defined; defined: smoke"), e.getMessage());
    }

    /** Every validation error names the file, the key path and the reason, in one line. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown top key      | s/(?m)^seed: 0/seeed: 0/                         | seeed: unknown key",
        "unknown model key    | s/width: 16}/widht: 16}/                      | model.widht: unknown key",
        "unknown model kind   | s/kind: two_layer/kind: transformer/          | model.kind: unknown value 'transformer'",
        "unknown optimizer    | s/name: gd/name: lion/                        | optimizer.name: unknown value 'lion'",
        "negative n           | s/n: 64,/n: -5,/                              | data.n: must be >= 1, got -5",
        "zero lr              | s/lr: 1.0/lr: 0/                              | optimizer.lr: must be > 0, got 0",
        "NaN lr               | s/lr: 1.0/lr: .nan/                           | optimizer.lr: must be a finite number",
        "zero steps           | s/steps: 200/steps: 0/                        | train.steps: must be >= 1, got 0",
        "wrong type           | s/steps: 200/steps: many/                     | train.steps: expected an integer, got 'many'",
        "empty axis           | s/seed: \\[1, 2\\]/seed: []/                  | grid.seed: axis is empty",
        "axis not a list      | s/seed: \\[1, 2\\]/seed: 3/                   | grid.seed: an axis needs a list of values",
        "unknown axis path    | s/seed: \\[1, 2\\]/speed: [1]/                | grid.speed: unknown axis path",
        "bad axis value       | s/model.width: \\[16, 64\\]/model.width: [16, 0]/ | model.width: must be >= 1, got 0 (in the run with",
        "batch above n        | s/batch_size: 8/batch_size: 100/              | optimizer.batch_size: must be <= data.n (64), got 100",
        "bad name             | s/experiment: small/experiment: 'a b'/        | experiment: must be 1-100 letters",
        "yaml syntax          | s/grid:/grid: [/                              | invalid YAML: line",
    })
    void rejectsWithOneClearLine(String label, String sed, String expected) {
        String text = applySed(TestSpecs.SMALL, sed.trim());
        Path p = TestSpecs.write(dir, "bad.yaml", text);
        SpecException e = assertThrows(SpecException.class, () -> Planner.plan(SpecLoader.load(p, "default")),
                label);
        assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected.trim()), label + " -> " + e.getMessage());
        assertEquals(-1, e.getMessage().indexOf('\n'));
    }

    @Test
    void rejectsDuplicateKeysAndEmptyFiles() {
        SpecException dup = assertThrows(SpecException.class,
                () -> load(TestSpecs.SMALL + "seed: 1\n"));
        assertTrue(dup.getMessage().contains("duplicate key"), dup.getMessage());
        SpecException empty = assertThrows(SpecException.class, () -> load(""));
        assertTrue(empty.getMessage().endsWith("the spec is empty"), empty.getMessage());
        SpecException missing = assertThrows(SpecException.class,
                () -> SpecLoader.load(dir.resolve("nope.yaml"), "default"));
        assertTrue(missing.getMessage().endsWith("nope.yaml: no such file"), missing.getMessage());
    }

    @Test
    void zipGroupsNeedEqualLengths() {
        String text = TestSpecs.SMALL.replace("  seed: [1, 2]\n",
                "  zip:\n    - {optimizer.lr: [0.1, 0.2], train.steps: [10]}\n");
        SpecException e = assertThrows(SpecException.class, () -> load(text));
        assertTrue(e.getMessage().contains("grid.zip[0].train.steps: zip axes must have equal lengths"),
                e.getMessage());
    }

    @Test
    void yamlTagsAreNotEvaluated() {
        String text = TestSpecs.SMALL.replace("seed: 0", "seed: !!javax.script.ScriptEngineManager [1]");
        SpecException e = assertThrows(SpecException.class, () -> load(text));
        assertTrue(e.getMessage().contains("invalid YAML"), e.getMessage());
    }

    /** A merge that drops nothing is applied as YAML 1.1 says: the same runs as the keys written out. */
    @Test
    void aMergeThatDropsNothingGivesTheSameRunsAsTheKeysWrittenOut() {
        // the anchor sits in an unused profile (a spec has no free keys); the model merges it
        String merged = TestSpecs.SMALL
                .replace("experiment: small\n", "experiment: small\n"
                        + "profiles: {p: {description: &net {activation: tanh, parameterization: ntk}}}\n")
                .replace("model: {kind: two_layer, activation: tanh, parameterization: ntk, width: 16}",
                        "model: {<<: *net, kind: two_layer, width: 16}");
        List<String> want = Planner.plan(load(TestSpecs.SMALL)).runs().stream().map(r -> r.runId()).toList();
        List<String> got = Planner.plan(load(merged)).runs().stream().map(r -> r.runId()).toList();
        assertEquals(8, want.size());
        assertEquals(want, got);
    }

    /** Aliases within the limits still expand (a shared list used twice). */
    @Test
    void aliasesWithinTheLimitsExpand() {
        String text = TestSpecs.SMALL.replace("model.width: [16, 64]", "model.width: &w [16, 64]")
                .replace("  seed: [1, 2]\n", "  seed: [1, 2]\n  data.teacher_width: *w\n");
        assertEquals(16, Planner.count(load(text)));
    }

    /** The canonical record section (config_json) parses back; a 0 alone is refused, never replaced. */
    @Test
    void recordZeroStandsOnlyBesideTheOtherKey() {
        var canon = Planner.plan(load(TestSpecs.SMALL.replace("record: {every: 10}", "record: {log_points: 60}")))
                .runs().get(0).train().record();
        assertEquals(new org.ratelab.train.RecordSpec(0, 60), canon);
        var again = Planner.plan(load(TestSpecs.SMALL.replace("record: {every: 10}", "record: {every: 0, log_points: 60}")))
                .runs().get(0).train().record();
        assertEquals(canon, again);
        var every = Planner.plan(load(TestSpecs.SMALL.replace("record: {every: 10}", "record: {every: 10, log_points: 0}")))
                .runs().get(0).train().record();
        assertEquals(new org.ratelab.train.RecordSpec(10, 0), every);
        var dflt = Planner.plan(load(TestSpecs.SMALL.replace(", record: {every: 10}", ""))).runs().get(0).train().record();
        assertEquals(new org.ratelab.train.RecordSpec(0, 60), dflt);
        SpecException e = assertThrows(SpecException.class,
                () -> Planner.plan(load(TestSpecs.SMALL.replace("record: {every: 10}", "record: {every: 0}"))));
        assertTrue(e.getMessage().contains("train.record.every: must be >= 1, got 0"), e.getMessage());
    }

    /** Integers are compared exactly: the largest long is accepted, one more is refused as written. */
    @Test
    void integersAreComparedExactly() {
        Node n = new Node("x", java.util.Map.of("a", new java.math.BigInteger("9223372036854775807"),
                "b", new java.math.BigInteger("9223372036854775808"), "c", "-12", "d", 3.0));
        assertEquals(Long.MAX_VALUE, n.lng("a", 0, 0, Long.MAX_VALUE));
        SpecException e = assertThrows(SpecException.class, () -> n.lng("b", 0, 0, Long.MAX_VALUE));
        assertEquals("x.b: must be <= 9223372036854775807, got 9223372036854775808", e.getMessage());
        assertEquals(-12, n.lng("c", 0, -100, 100));
        assertEquals(3, n.integer("d", 0, 0, 10));
        assertEquals(7, n.integer("absent", 7, 0, 10));
    }

    /** A sed-like "s/old/new/" with a Java regex. */
    static String applySed(String text, String sed) {
        String[] parts = sed.split("(?<!\\\\)/", -1);
        String from = parts[1];
        String to = parts[2].replace("\\[", "[").replace("\\]", "]");
        String out = text.replaceFirst(from, java.util.regex.Matcher.quoteReplacement(to));
        if (out.equals(text)) throw new IllegalArgumentException("pattern did not match: " + sed);
        return out;
    }
}
