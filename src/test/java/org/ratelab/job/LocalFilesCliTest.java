package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.TestSpecs;

/**
 * The CLI writes an output without a {@code chmod} process per file ({@code table.LocalFiles}), and each file
 * and directory has the mode Hadoop gives it: a job and its report run with a {@code chmod} first on the PATH
 * that records each call and fails.
 */
class LocalFilesCliTest {
    @TempDir Path dir;

    @Test
    void aJobAndItsReportRunNoChmod() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path calls = dir.resolve("chmod-calls.txt");
        Path chmod = bin.resolve("chmod");
        Files.writeString(chmod, "#!/bin/sh\necho \"chmod $*\" >> '" + calls + "'\nexit 1\n");
        Files.setPosixFilePermissions(chmod, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path spec = TestSpecs.write(dir, "small.yaml", TestSpecs.SMALL.replace("steps: 200", "steps: 20")
                .replace("model.width: [16, 64]", "model.width: [16]").replace("seed: [1, 2]", "seed: [1]"));
        Path out = dir.resolve("out");
        Process p = GridJobTest.cliProcessIn(dir, Map.of("PATH", bin + ":" + System.getenv("PATH")),
                "run", spec.toString(), "--out", out.toString());
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the job did not finish");
        assertEquals(0, p.exitValue(), log);
        assertFalse(Files.exists(calls), () -> "chmod ran: " + read(calls));

        List<Path> written;
        try (Stream<Path> s = Files.walk(out)) {
            written = s.filter(f -> !f.equals(out)).toList();
        }
        assertTrue(written.stream().anyMatch(f -> f.toString().endsWith(".parquet")), written.toString());
        assertTrue(written.stream().anyMatch(f -> f.toString().endsWith("index.html")), written.toString());
        for (Path f : written) {
            // Hadoop's modes under its default umask (022): rw-r--r-- for a file, rwxr-xr-x for a directory
            assertEquals(Files.isDirectory(f) ? "rwxr-xr-x" : "rw-r--r--",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
        }
    }

    static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
