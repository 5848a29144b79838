package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code ratelab bench}'s Python: the {@code python3} a user's shell runs (found on the PATH, where a virtual
 * environment or pyenv with torch comes first), not the system's {@code /usr/bin/python3}; {@code --python}
 * names another.
 */
class BenchOptionsTest {
    @Test
    void thePeersRunThePython3OnThePath() {
        BenchCommand b = new BenchCommand();
        new CommandLine(b).parseArgs("--out", "x");
        assertEquals("python3", b.python);
        assertEquals("local[2]", b.master);
        BenchCommand other = new BenchCommand();
        new CommandLine(other).parseArgs("--out", "x", "--python", "/opt/venv/bin/python");
        assertEquals("/opt/venv/bin/python", other.python);
    }
}
