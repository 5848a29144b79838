package org.ratelab.job;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.ratelab.table.OutputDir;

/**
 * The {@code --out DIR} of every command, checked before anything starts: not empty, no control characters,
 * a path Hadoop can parse, a filesystem scheme Hadoop knows, and no regular file on the way to it (nothing can
 * be created below a file). Each refusal is a {@link UsageException}: one line, exit 2, nothing written.
 */
final class OutFlag {
    private OutFlag() {}

    /** Flag bounds shared by {@code run} (and its launchers): Spark partitions per batch, runs per batch. */
    static final int MAX_PARTITIONS = 100_000;
    static final int MAX_BATCH_RUNS = 10_000_000;

    /** The checked output directory ({@code flag} names it in errors, e.g. {@code --out}). */
    static OutputDir check(String flag, String out, Configuration conf) {
        if (out == null || out.isBlank()) throw new UsageException(flag + " must not be empty");
        for (int i = 0; i < out.length(); i++) {
            if (Character.isISOControl(out.charAt(i))) {
                throw new UsageException(flag + ": the path contains a control character (at " + i + ")");
            }
        }
        Path p;
        try {
            p = new Path(out);
        } catch (IllegalArgumentException e) {
            throw new UsageException(flag + " " + out + ": not a valid path (" + firstLine(e) + ")");
        }
        String scheme = p.toUri().getScheme();
        if (scheme != null) {
            String atomic = OutputDir.nonAtomicRename(scheme);
            if (atomic != null) throw new UsageException(flag + " " + out + ": " + atomic);
            try {
                FileSystem.getFileSystemClass(scheme, conf);
            } catch (IOException | RuntimeException e) {  // unknown, or mapped to a class that is not here
                throw new UsageException(flag + " " + out + ": unknown filesystem scheme '" + scheme
                        + "' (a local path, file:, hdfs:, or another scheme Hadoop has a filesystem for)");
            }
        }
        OutputDir od;
        try {
            od = OutputDir.of(out, conf);
        } catch (IllegalArgumentException e) {
            throw new UsageException(flag + " " + out + ": " + firstLine(e.getCause() != null ? e.getCause() : e));
        }
        try {
            FileSystem fs = od.root().getFileSystem(conf);
            for (Path a = od.root().getParent(); a != null; a = a.getParent()) {
                if (!fs.exists(a)) continue;
                FileStatus st = fs.getFileStatus(a);
                if (!st.isDirectory()) {
                    throw new UsageException(flag + " " + out + ": " + a + " is a file, so no directory can be "
                            + "created below it");
                }
                break;  // the nearest existing ancestor is a directory
            }
        } catch (IOException e) {
            throw new UsageException(flag + " " + out + ": cannot check the path (" + firstLine(e) + ")");
        }
        return od;
    }

    /** Checks an integer flag that must lie in [lo, hi]. */
    static int range(String flag, Integer v, int lo, int hi) {
        if (v == null) return 0;
        if (v < lo || v > hi) {
            throw new UsageException(flag + " must be between " + lo + " and " + hi + ", got " + v);
        }
        return v;
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.split("\n", 2)[0];
    }
}
