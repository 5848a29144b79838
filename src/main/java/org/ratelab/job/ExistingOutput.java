package org.ratelab.job;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.ratelab.table.OutputDir;
import picocli.CommandLine.Option;

/** The {@code --out DIR} and {@code --master} flags of the commands that read an existing output directory. */
final class ExistingOutput {
    @Option(names = "--out", paramLabel = "DIR", required = true, description = "A ratelab output directory.")
    String out;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: local[*]).")
    String master;

    /** The output directory; a usage error unless ratelab wrote it. */
    OutputDir open() throws IOException {
        return open(new Configuration());
    }

    /** The output directory, opened with {@code conf}; a usage error unless ratelab wrote it. */
    OutputDir open(Configuration conf) throws IOException {
        OutputDir od = OutFlag.check("--out", out, conf);
        if (!od.isRatelabDir()) throw new UsageException("--out " + out + " is not a ratelab output directory");
        return od;
    }
}
