package org.ratelab.table;

import java.io.IOException;
import java.io.OutputStream;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * An output directory of ratelab, on any Hadoop filesystem (local paths, file://, hdfs://).
 *
 * <p>A directory ratelab created holds the marker {@value #MARKER}; ratelab refuses to write into an
 * existing directory without it, or into a file. The {@code runs} and {@code curves} tables are the files of
 * the committed batches: a batch is staged under {@code _staging/<id>/}, committed by one rename into
 * {@code _batches/} with its {@value #RUN_IDS} and {@value #FILES}, and then published, each file renamed into
 * its table ({@link Staging#commitBatch}). The derived tables are written under {@code _staging/<id>/} (ignored
 * by Spark and by per-table readers) and moved into place only after every one of them was written
 * ({@link Staging#commit}), so a killed job never leaves half-written tables where tables are read.
 */
public final class OutputDir {
    public static final String MARKER = "_ratelab.json";
    static final String STAGING = "_staging";
    /** Committed batches of runs and curves: the record {@code --resume} reads. */
    public static final String BATCHES = "_batches";
    /** In a committed batch: the run_ids it holds, one a line. */
    public static final String RUN_IDS = "run_ids.txt";
    /**
     * In a committed batch: its data files, one a line as {@code rows<TAB>path}, the path relative to the
     * output directory ({@code curves/experiment=X/optimizer=Y/part-....parquet}, then
     * {@code runs/part-....parquet}). Each file lives there once it is published, and inside the batch's own
     * directory (same relative path) until then.
     */
    public static final String FILES = "files.txt";

    private final FileSystem fs;
    private final Path root;

    private OutputDir(FileSystem fs, Path root) {
        this.fs = fs;
        this.root = root;
    }

    /**
     * Object stores whose rename is a copy and a delete: a batch or a table committed there could be seen
     * half-written, so they are refused as output locations (README, "Running on a cluster").
     */
    static final java.util.Set<String> NON_ATOMIC_RENAME =
            java.util.Set.of("s3", "s3a", "s3n", "gs", "wasb", "wasbs", "oss", "cos", "cosn", "obs");

    /** Why {@code scheme} cannot hold ratelab's output (its rename is not atomic), or null when it can. */
    public static String nonAtomicRename(String scheme) {
        if (scheme == null || !NON_ATOMIC_RENAME.contains(scheme.toLowerCase(java.util.Locale.ROOT))) return null;
        return scheme + ":// does not rename atomically, and ratelab commits by rename; write to HDFS or a shared "
                + "filesystem and copy the finished directory there";
    }

    /** Opens a path (no write); an object store whose rename is not atomic is refused. */
    public static OutputDir of(String dir, Configuration conf) {
        try {
            Path p = new Path(dir);
            String atomic = nonAtomicRename(p.toUri().getScheme());
            if (atomic != null) throw new IllegalArgumentException(atomic);
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
            return "--out " + root + " already holds results; pass --resume to continue that job or --overwrite "
                    + "to replace them";
        }
        return null;
    }

    public boolean isRatelabDir() throws IOException {
        return fs.exists(new Path(root, MARKER));
    }

    boolean hasTables() throws IOException {
        for (String t : Schemas.TABLES) if (fs.exists(new Path(root, t))) return true;
        return !committedBatches().isEmpty();
    }

    /** The committed batch directories, sorted by name (empty when none). */
    public List<Path> committedBatches() throws IOException {
        Path b = new Path(root, BATCHES);
        if (!fs.exists(b)) return List.of();
        List<Path> out = new ArrayList<>();
        for (FileStatus st : fs.listStatus(b)) if (st.isDirectory()) out.add(st.getPath());
        out.sort(null);
        return out;
    }

    /**
     * The run_ids of every committed batch, after checking each batch: its id list is well formed, every data
     * file its file list names exists (published, or still in the batch's directory) with an intact footer and
     * the rows the list says, its runs files hold as many rows as it lists ids, and no run_id is in two
     * batches. Throws {@link CorruptOutputException} naming the file otherwise.
     */
    public Set<String> committedRunIds() throws IOException {
        Set<String> ids = new LinkedHashSet<>();
        for (Path batch : committedBatches()) {
            List<String> mine = new ArrayList<>();
            Path list = new Path(batch, RUN_IDS);
            for (String line : lines(list)) {
                if (!line.matches("[0-9a-f]{16}")) {
                    throw new CorruptOutputException(list + ": not a run_id list (line '" + abbreviate(line) + "')");
                }
                mine.add(line);
            }
            long runRows = 0;
            for (ParquetFiles.DataFile f : dataFiles(batch)) {
                Path file = locate(batch, f);
                long n = parquetRows(fs.getFileStatus(file));
                if (n != f.rows()) {
                    throw new CorruptOutputException(file + ": holds " + n + " rows but " + FILES + " says " + f.rows());
                }
                if (f.path().startsWith("runs/")) runRows += n;
            }
            if (runRows != mine.size()) {
                throw new CorruptOutputException(batch + ": its runs files hold " + runRows + " rows but "
                        + list.getName() + " lists " + mine.size() + " run_ids");
            }
            for (String id : mine) {
                if (!ids.add(id)) throw new CorruptOutputException(batch + ": run_id " + id + " is committed twice");
            }
        }
        return ids;
    }

    /** The rows the committed batches hold in {@code table} ({@code runs} or {@code curves}), as their file lists say. */
    public long committedRows(String table) throws IOException {
        long n = 0;
        for (Path batch : committedBatches()) {
            for (ParquetFiles.DataFile f : dataFiles(batch)) if (f.path().startsWith(table + "/")) n += f.rows();
        }
        return n;
    }

    /**
     * The data files of each committed batch, as paths relative to the output directory ({@code runs/...} and
     * {@code curves/experiment=X/optimizer=Y/...}), in batch order: where they are once published.
     */
    public List<List<String>> committedFiles() throws IOException {
        List<List<String>> out = new ArrayList<>();
        for (Path batch : committedBatches()) {
            List<String> files = new ArrayList<>();
            for (ParquetFiles.DataFile f : dataFiles(batch)) files.add(f.path());
            out.add(files);
        }
        return out;
    }

    private List<String> lines(Path list) throws IOException {
        if (!fs.exists(list)) throw new CorruptOutputException(list + ": missing; the batch is incomplete");
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(list), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) out.add(line);
        }
        return out;
    }

    /** A batch's file list ({@value #FILES}), each path checked to be a data file of runs or curves. */
    private List<ParquetFiles.DataFile> dataFiles(Path batch) throws IOException {
        Path list = new Path(batch, FILES);
        List<ParquetFiles.DataFile> out = new ArrayList<>();
        for (String line : lines(list)) {
            if (!line.matches("[0-9]{1,18}\\t(runs/[^/]+|curves/experiment=[^/]+/optimizer=[^/]+/[^/]+)\\.parquet")
                    || line.contains("/.") || line.contains("/_")) {
                throw new CorruptOutputException(list + ": not a file list (line '" + abbreviate(line) + "')");
            }
            int tab = line.indexOf('\t');
            out.add(new ParquetFiles.DataFile(line.substring(tab + 1), Long.parseLong(line.substring(0, tab))));
        }
        return out;
    }

    /** Where a committed batch's file is: in the batch's directory until published, then in its table. */
    private Path locate(Path batch, ParquetFiles.DataFile f) throws IOException {
        Path staged = new Path(batch, f.path());
        if (fs.exists(staged)) return staged;
        Path published = new Path(root, f.path());
        if (fs.exists(published)) return published;
        throw new CorruptOutputException(published + ": missing; " + new Path(batch, FILES) + " lists it");
    }

    /**
     * Publishes every committed batch whose files are not all in their tables yet (a job killed between a
     * batch's commit and the last of its renames): rolls the commit forward, as {@code --resume} does first.
     */
    public void publishCommitted() throws IOException {
        for (Path batch : committedBatches()) publish(batch, dataFiles(batch));
    }

    /**
     * Moves a committed batch's files from its directory into the tables, one rename each, curves before
     * runs: a run's row is never visible before its curve. Files already moved are skipped, so this may be
     * repeated after a kill. Then deletes what else is left in the batch's directory (files of failed task
     * attempts, never listed); its id and file lists stay.
     */
    private void publish(Path batch, List<ParquetFiles.DataFile> files) throws IOException {
        List<ParquetFiles.DataFile> ordered = new ArrayList<>(files);
        ordered.sort(java.util.Comparator.comparing((ParquetFiles.DataFile f) -> f.path().startsWith("runs/")));
        for (ParquetFiles.DataFile f : ordered) {
            Path from = new Path(batch, f.path());
            if (!fs.exists(from)) continue;
            Path to = new Path(root, f.path());
            fs.mkdirs(to.getParent());
            if (fs.exists(to) || !fs.rename(from, to)) throw new IOException("cannot move " + from + " to " + to);
        }
        fs.delete(new Path(batch, "curves"), true);
        fs.delete(new Path(batch, "runs"), true);
    }

    private long parquetRows(FileStatus f) throws CorruptOutputException {
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromStatus(f, fs.getConf()))) {
            return r.getRecordCount();
        } catch (IOException | RuntimeException e) {
            throw new CorruptOutputException(f.getPath() + ": not a readable Parquet file ("
                    + abbreviate(String.valueOf(e.getMessage())) + ")");
        }
    }

    private static String abbreviate(String s) {
        String one = s.replace('\n', ' ');
        return one.length() > 80 ? one.substring(0, 77) + "..." : one;
    }

    /** Deletes every table, committed batches and leftover staging (a fresh job over an existing directory). */
    public void clearTablesBatchesAndStaging() throws IOException {
        fs.delete(new Path(root, BATCHES), true);
        fs.delete(new Path(root, STAGING), true);
        for (String t : Schemas.TABLES) fs.delete(new Path(root, t), true);
    }

    /** Creates the runs and curves tables' directories, so that a table no batch wrote to reads as empty. */
    public void createBatchTables() throws IOException {
        fs.mkdirs(new Path(root, "runs"));
        fs.mkdirs(new Path(root, "curves"));
    }

    /** Deletes leftovers of killed jobs under {@code _staging/}: never data, only half-written files. */
    public void clearStaging() throws IOException {
        fs.delete(new Path(root, STAGING), true);
    }

    /** A committed directory that cannot be read back. */
    public static final class CorruptOutputException extends IOException {
        private static final long serialVersionUID = 1L;

        public CorruptOutputException(String message) {
            super(message);
        }
    }

    /** Creates the directory and its marker. */
    public void create(String markerJson) throws IOException {
        fs.mkdirs(root);
        try (OutputStream o = fs.create(new Path(root, MARKER), true)) {
            o.write(markerJson.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Where a job's driver log is kept: {@code _logs/} beside the tables. */
    public static final String LOGS = "_logs";

    /** Copies a local log file into {@code _logs/NAME} (replacing one of the same name). */
    public void keepLog(java.nio.file.Path local, String name) throws IOException {
        fs.mkdirs(new Path(root, LOGS));
        fs.copyFromLocalFile(false, true, new Path(local.toUri()), new Path(new Path(root, LOGS), name));
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

        /** The staging directory as a Hadoop path: a batch's files go below it at their table paths. */
        public Path dir() { return dir; }

        /**
         * Commits this staging directory as batch {@code name}: writes its run_id and file lists, renames the
         * whole directory into {@code _batches/} (that one rename is the commit: a batch is either entirely
         * there or not at all), then publishes its files into the tables. {@code files} are relative to the
         * staging directory as they will be to the output directory.
         */
        public void commitBatch(String name, List<String> runIds, List<ParquetFiles.DataFile> files)
                throws IOException {
            write(new Path(dir, RUN_IDS), runIds);
            List<String> lines = new ArrayList<>();
            for (ParquetFiles.DataFile f : files) lines.add(f.rows() + "\t" + f.path());
            write(new Path(dir, FILES), lines);
            Path batches = new Path(root, BATCHES);
            fs.mkdirs(batches);
            Path target = new Path(batches, name);
            if (fs.exists(target) || !fs.rename(dir, target)) {
                throw new IOException("cannot move " + dir + " to " + target);
            }
            publish(target, files);
        }

        private void write(Path file, List<String> lines) throws IOException {
            try (OutputStream o = fs.create(file, false)) {
                o.write((String.join("\n", lines) + (lines.isEmpty() ? "" : "\n")).getBytes(StandardCharsets.UTF_8));
            }
        }

        /** Moves every staged table into place, replacing older ones of the same name, and cleans up. */
        public void commit() throws IOException {
            Path old = new Path(dir, "_replaced");
            for (FileStatus t : fs.listStatus(dir)) {
                if (t.getPath().getName().startsWith("_")) continue;
                Path target = new Path(root, t.getPath().getName());
                if (fs.exists(target)) {  // set the old table aside first: the new one is never merged into it
                    fs.mkdirs(old);
                    if (!fs.rename(target, new Path(old, target.getName()))) {
                        throw new IOException("cannot move " + target + " aside");
                    }
                }
                if (!fs.rename(t.getPath(), target)) {
                    throw new IOException("cannot move " + t.getPath() + " to " + target);
                }
            }
            discard();
        }

        /**
         * Deletes the staged tables. The shared {@code _staging/} parent stays: batches of the same job stage
         * concurrently, and deleting an empty parent races with a sibling creating its directory in it. The
         * job removes {@code _staging/} once, at its end ({@link OutputDir#clearStaging()}).
         */
        public void discard() throws IOException {
            fs.delete(dir, true);
        }
    }
}
