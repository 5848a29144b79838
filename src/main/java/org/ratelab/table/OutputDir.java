package org.ratelab.table;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * An output directory of ratelab, on any Hadoop filesystem (local paths, file://, hdfs://).
 *
 * <p>A directory ratelab created holds the marker {@value #MARKER}; ratelab refuses to write into an
 * existing directory without it, or into a file. Tables are written under {@code _staging/<id>/} (ignored
 * by Spark and by per-table readers) and moved into place one table at a time only after every table of the
 * job was written, so a killed job never leaves half-written tables where tables are read.
 */
public final class OutputDir {
    public static final String MARKER = "_ratelab.json";
    static final String STAGING = "_staging";

    private final FileSystem fs;
    private final Path root;

    private OutputDir(FileSystem fs, Path root) {
        this.fs = fs;
        this.root = root;
    }

    /** Opens a path (no check, no write). */
    public static OutputDir of(String dir, Configuration conf) {
        try {
            Path p = new Path(dir);
            FileSystem fs = p.getFileSystem(conf);
            return new OutputDir(fs, fs.makeQualified(p));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("--out " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path root() { return root; }

    public String uri() { return root.toString(); }

    public String table(String name) { return new Path(root, name).toString(); }

    /**
     * Checks that results can be written here: the path is absent, an empty directory, or a ratelab output
     * directory (then {@code overwrite} must be set when it already holds tables). Returns a reason to
     * refuse, or null.
     */
    public String refusal(boolean overwrite) throws IOException {
        if (!fs.exists(root)) return null;
        FileStatus st = fs.getFileStatus(root);
        if (!st.isDirectory()) return "--out " + root + " is a file, not a directory";
        FileStatus[] children = fs.listStatus(root);
        if (children.length == 0) return null;
        if (!fs.exists(new Path(root, MARKER))) {
            return "--out " + root + " is a non-empty directory that ratelab did not create (no " + MARKER
                    + "); choose another --out";
        }
        if (!overwrite && hasTables()) {
            return "--out " + root + " already holds results; pass --overwrite to replace them";
        }
        return null;
    }

    public boolean isRatelabDir() throws IOException {
        return fs.exists(new Path(root, MARKER));
    }

    boolean hasTables() throws IOException {
        for (String t : Schemas.TABLES) if (fs.exists(new Path(root, t))) return true;
        return false;
    }

    /** Creates the directory and its marker. */
    public void create(String markerJson) throws IOException {
        fs.mkdirs(root);
        try (OutputStream o = fs.create(new Path(root, MARKER), true)) {
            o.write(markerJson.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A fresh staging directory for one job's tables. */
    public Staging staging() {
        return new Staging(new Path(new Path(root, STAGING), UUID.randomUUID().toString()));
    }

    /** Tables of one job, written aside and then moved into place. */
    public final class Staging {
        private final Path dir;

        Staging(Path dir) {
            this.dir = dir;
        }

        public String table(String name) { return new Path(dir, name).toString(); }

        /** Moves every staged table into place, replacing older ones of the same name, and cleans up. */
        public void commit() throws IOException {
            for (FileStatus t : fs.listStatus(dir)) {
                Path target = new Path(root, t.getPath().getName());
                if (fs.exists(target)) fs.delete(target, true);
                if (!fs.rename(t.getPath(), target)) {
                    throw new IOException("cannot move " + t.getPath() + " to " + target);
                }
            }
            discard();
        }

        /** Deletes the staged tables. */
        public void discard() throws IOException {
            fs.delete(dir, true);
            Path parent = dir.getParent();
            if (fs.exists(parent) && fs.listStatus(parent).length == 0) fs.delete(parent, true);
        }
    }
}
