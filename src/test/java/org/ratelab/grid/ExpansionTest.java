package org.ratelab.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.TestSpecs;
import org.ratelab.spec.ExperimentSpec;
import org.ratelab.spec.SpecException;
import org.ratelab.spec.SpecLoader;

/**
 * The lazy expansion ({@link Expansion}) gives every run exactly as binding it alone does
 * ({@link Planner#expandEach}): run_id, config_json, axes, group key, cost and the bound records, for every
 * library spec under the smoke and default profiles and for the test specs with zip groups.
 */
class ExpansionTest {
    @TempDir Path dir;

    static void assertSame(ExperimentSpec spec) {
        long heap = Memory.executorHeap(null, null);
        Plan lazy = Planner.plan(spec, heap);
        assertInstanceOf(Expansion.class, lazy.runs(), spec.file() + " was planned run by run");
        Plan each = Planner.expandEach(spec, heap);
        assertEquals(each.runs().size(), lazy.runs().size(), spec.file());
        assertEquals(each.axisNames(), lazy.axisNames(), spec.file());
        for (int i = 0; i < each.runs().size(); i++) {
            assertEquals(each.runs().get(i), lazy.runs().get(i), spec.file() + " run " + i);
        }
        assertEquals(each.axisValues(), lazy.axisValues(), spec.file());
        assertEquals(each.maxCost(), lazy.maxCost(), spec.file());
        assertEquals(each.totalCost(), lazy.totalCost(), 1e-9 * each.totalCost(), spec.file());
    }

    @Test
    void everyLibrarySpecPlansLazilyRunForRunAsBefore() throws IOException {
        List<Path> specs;
        try (Stream<Path> s = Files.list(Path.of("conf", "experiments"))) {
            specs = s.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(specs.size() > 10);
        for (Path spec : specs) {
            for (String profile : List.of("smoke", "default")) {
                assertSame(SpecLoader.load(spec, profile.equals("default") ? null : profile));
            }
        }
    }

    @Test
    void zipGroupsAcrossSectionsAndSeveralOptimizers() {
        String text = TestSpecs.SMALL.replace("seed: [1, 2]",
                "seed: [1, 2]\n  zip:\n    - {data.n: [48, 64], train.steps: [30, 40]}");
        assertSame(SpecLoader.load(TestSpecs.write(dir, "zip.yaml", text), "default"));
        assertSame(SpecLoader.load(TestSpecs.write(dir, "small.yaml", TestSpecs.SMALL), "default"));
        String own = """
                experiment: z
                data: {n: 32, d: 4}
                model: {kind: linear_regression}
                train: {steps: 5}
                optimizers:
                  - name: gd
                    grid: {optimizer.lr: [0.1, 0.2, 0.3]}
                  - name: sgd
                    batch_size: 4
                    grid:
                      zip:
                        - {optimizer.lr: [0.01, 0.02], optimizer.batch_size: [4, 8]}
                grid:
                  seed: [1, 2]
                """;
        assertSame(SpecLoader.load(TestSpecs.write(dir, "own.yaml", own), "default"));
    }

    @Test
    void aSectionRepeatingAValueInAZipGroupStillPlansLazily() {
        // train.steps repeats, but zipped with data.n every run differs
        String text = TestSpecs.SMALL.replace("seed: [1, 2]",
                "seed: [1, 2]\n  zip:\n    - {data.n: [48, 64], train.steps: [30, 30]}");
        assertSame(SpecLoader.load(TestSpecs.write(dir, "repeat.yaml", text), "default"));
    }

    @Test
    void identicalRunsAndFailingRunsAreNamedAsRunByRun() {
        for (String grid : List.of("seed: [1, 1]", "seed: [1, 2]\n  optimizer.lr: [0.5, 0.50]")) {
            Path f = TestSpecs.write(dir, "dup.yaml", TestSpecs.SMALL.replace("seed: [1, 2]", grid));
            SpecException e = assertThrows(SpecException.class, () -> Planner.plan(SpecLoader.load(f, "default")));
            assertTrue(e.getMessage().contains("have identical configurations"), e.getMessage());
        }
        // batch_size 8 > data.n 4 in the sgd runs with data.n 4 only: the first such run is named
        Path f = TestSpecs.write(dir, "bad.yaml", TestSpecs.SMALL.replace("seed: [1, 2]",
                "seed: [1, 2]\n  data.n: [64, 4]"));
        SpecException e = assertThrows(SpecException.class, () -> Planner.plan(SpecLoader.load(f, "default")));
        assertTrue(e.getMessage().contains("optimizer.batch_size"), e.getMessage());
        assertTrue(e.getMessage().contains("data.n=4"), e.getMessage());
        SpecException each = assertThrows(SpecException.class, () -> Planner.expandEach(SpecLoader.load(f,
                "default"), Memory.executorHeap(null, null)));
        assertEquals(each.inFile(f.toString()).getMessage(), e.getMessage());
    }
}
