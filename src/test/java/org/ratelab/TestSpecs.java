package org.ratelab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes spec text to files for tests. */
public final class TestSpecs {
    private TestSpecs() {}

    /** A small, valid grid: 2 optimizers x 2 widths x 2 seeds of a two-layer tanh net, fast. */
    public static final String SMALL = """
            experiment: small
            seed: 0
            data: {kind: teacher_student, n: 64, d: 8, teacher: two_layer, teacher_width: 3, test_n: 32}
            model: {kind: two_layer, activation: tanh, parameterization: ntk, width: 16}
            train: {steps: 200, loss_threshold: 1.0e-3, record: {every: 10}}
            optimizers:
              - {name: gd, lr: 1.0}
              - {name: sgd, lr: 0.5, batch_size: 8}
            grid:
              model.width: [16, 64]
              seed: [1, 2]
            """;

    public static Path write(Path dir, String name, String text) {
        try {
            Path p = dir.resolve(name);
            Files.writeString(p, text);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
