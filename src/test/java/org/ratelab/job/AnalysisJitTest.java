package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optimizing compiler takes the analysis's hot helpers instead of giving up on them. JDK 17's C2 spent a
 * second on {@link LocalAnalysis#sqlExtreme} in its first shape and gave up ("out of nodes"), and ten seconds on
 * the analysis task that inlined it, while its one queue held every other method: a 10^5-run grid's law fits ran
 * that long in slower code. A child JVM ({@link AnalysisJitProbe}) runs the helpers with
 * {@code -XX:+PrintCompilation}; no ratelab method may be skipped, and {@code sqlExtreme} must reach tier 4.
 */
class AnalysisJitTest {
    @TempDir Path dir;

    @Test
    void theOptimizingCompilerTakesTheAnalysisHelpers() throws Exception {
        Path log = dir.resolve("jit.out");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+PrintCompilation", "-cp", System.getProperty("java.class.path"),
                AnalysisJitProbe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "the probe did not finish");
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out.lines().filter(l -> !l.matches("^\\s*\\d+\\s+\\d+ .*")).toList().toString());
        assertTrue(out.contains("checksum "), "no checksum");
        List<String> skipped = out.lines().filter(l -> l.contains("org.ratelab.") && l.contains("COMPILE SKIPPED")).toList();
        assertEquals(List.of(), skipped, "the compiler gave up on ratelab methods");
        Pattern tier4 = Pattern.compile("^\\s*\\d+\\s+\\d+\\s+[%sbn! ]*\\s4\\s+org\\.ratelab\\.job\\.LocalAnalysis::sqlExtreme \\(");
        assertTrue(out.lines().anyMatch(l -> tier4.matcher(l).find()), "sqlExtreme never reached tier 4");
    }
}
