package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratelab.TestSpecs;
import org.ratelab.table.OutputDir;

/**
 * The catalogue of malformed input: every case goes through the CLI ({@link Main#execute}) and must exit 2
 * with exactly one line on stderr naming the problem, and leave an existing output directory (a ratelab
 * directory with tables and a committed batch) byte-identical. None of them starts Spark.
 */
class BadInputTest {
    @TempDir Path dir;

    /** One malformed input: a name, how to build the arguments, and what the one line must contain. */
    record Case(String name, Function<Fixture, String[]> args, String expected) {
        @Override public String toString() { return name; }
    }

    /** The files a case can point at. */
    record Fixture(Path dir, Path out, String spec) {
        /** A spec file: SMALL with {@code from} replaced by {@code to} (which must match). */
        String spec(String from, String to) {
            String text = TestSpecs.SMALL;
            if (!text.contains(from)) throw new IllegalArgumentException("no '" + from + "' in the spec");
            return TestSpecs.write(dir, "bad.yaml", text.replace(from, to)).toString();
        }

        String specText(String text) {
            return TestSpecs.write(dir, "bad.yaml", text).toString();
        }

        /** {@code run SPEC --out OUT --overwrite}: only the spec can be wrong. */
        String[] run(String spec, String... more) {
            List<String> a = new ArrayList<>(List.of("run", spec, "--out", out.toString(), "--overwrite"));
            a.addAll(List.of(more));
            return a.toArray(String[]::new);
        }

        String[] resume(String... more) {
            List<String> a = new ArrayList<>(List.of("run", spec, "--out", out.toString(), "--resume"));
            a.addAll(List.of(more));
            return a.toArray(String[]::new);
        }

        Path batch() { return out.resolve(OutputDir.BATCHES).resolve("batch-x-00000"); }
    }

    static Case c(String name, String expected, Function<Fixture, String[]> args) {
        return new Case(name, args, expected);
    }

    static List<Case> catalogue() {
        return List.of(
            // YAML syntax and structure
            c("yaml: unclosed flow sequence", "invalid YAML: line", f -> f.run(f.spec("grid:", "grid: ["))),
            c("yaml: unclosed quote", "invalid YAML", f -> f.run(f.spec("experiment: small", "experiment: \"small"))),
            c("yaml: bad indentation", "invalid YAML", f -> f.run(f.spec("  seed: [1, 2]", " seed: [1, 2]"))),
            c("yaml: duplicate key", "duplicate key", f -> f.run(f.specText(TestSpecs.SMALL + "seed: 1\n"))),
            c("yaml: empty file", "the spec is empty", f -> f.run(f.specText(""))),
            c("yaml: a list, not a mapping", "the spec must be a mapping", f -> f.run(f.specText("- 1\n- 2\n"))),
            c("yaml: a tag is never evaluated", "invalid YAML",
                    f -> f.run(f.spec("seed: 0", "seed: !!javax.script.ScriptEngineManager [1]"))),
            c("spec file missing", "nope.yaml: no such file", f -> f.run(f.dir().resolve("nope.yaml").toString())),
            // unknown keys, models, optimizers
            c("unknown top-level key", "seeed: unknown key", f -> f.run(f.spec("seed: 0", "seeed: 0"))),
            c("unknown model key", "model.widht: unknown key", f -> f.run(f.spec("width: 16}", "widht: 16}"))),
            c("unknown model", "model.kind: unknown value 'transformer'",
                    f -> f.run(f.spec("kind: two_layer", "kind: transformer"))),
            c("unknown optimizer", "optimizer.name: unknown value 'lion'",
                    f -> f.run(f.spec("name: gd", "name: lion"))),
            c("unknown data kind", "data.kind: unknown value 'imagenet'",
                    f -> f.run(f.spec("kind: teacher_student", "kind: imagenet"))),
            c("unknown activation", "model.activation", f -> f.run(f.spec("activation: tanh", "activation: gelu"))),
            c("unknown probe", "probes.lanczos: unknown probe; registered probes: test_loss, param_norm, dist, update_norm, "
                    + "pl, effective_lr, hessian, ntk, noise, particles",
                    f -> f.run(f.specText(TestSpecs.SMALL + "probes: {lanczos: {enabled: true}}\n"))),
            // wrong types
            c("string for an integer", "train.steps: expected an integer, got 'many'",
                    f -> f.run(f.spec("steps: 200", "steps: many"))),
            c("string for a number", "optimizer.lr", f -> f.run(f.spec("lr: 1.0", "lr: fast"))),
            c("list for a number", "data.n", f -> f.run(f.spec("n: 64,", "n: [64],"))),
            c("number for a boolean", "record", f -> f.run(f.spec("record: {every: 10}", "record: {every: yes}"))),
            // NaN, negative, zero
            c("NaN step size", "optimizer.lr: must be a finite number", f -> f.run(f.spec("lr: 1.0", "lr: .nan"))),
            c("infinite step size", "optimizer.lr", f -> f.run(f.spec("lr: 1.0", "lr: .inf"))),
            c("zero step size", "optimizer.lr: must be > 0, got 0", f -> f.run(f.spec("lr: 1.0", "lr: 0"))),
            c("negative sample count", "data.n: must be >= 1, got -5", f -> f.run(f.spec("n: 64,", "n: -5,"))),
            c("zero steps", "train.steps: must be >= 1, got 0", f -> f.run(f.spec("steps: 200", "steps: 0"))),
            c("negative loss threshold", "train.loss_threshold",
                    f -> f.run(f.spec("loss_threshold: 1.0e-3", "loss_threshold: -1.0"))),
            c("zero width from the grid", "model.width: must be >= 1, got 0 (in the run with",
                    f -> f.run(f.spec("model.width: [16, 64]", "model.width: [16, 0]"))),
            c("batch larger than the data", "optimizer.batch_size: must be <= data.n (64), got 100",
                    f -> f.run(f.spec("batch_size: 8", "batch_size: 100"))),
            // axes
            c("empty axis", "grid.seed: axis is empty", f -> f.run(f.spec("seed: [1, 2]", "seed: []"))),
            c("axis not a list", "grid.seed: an axis needs a list of values",
                    f -> f.run(f.spec("seed: [1, 2]", "seed: 3"))),
            c("unknown axis path", "grid.speed: unknown axis path", f -> f.run(f.spec("seed: [1, 2]", "speed: [1]"))),
            c("zip of unequal lengths", "zip axes must have equal lengths", f -> f.run(f.spec("  seed: [1, 2]\n",
                    "  zip:\n    - {optimizer.lr: [0.1, 0.2], train.steps: [10]}\n"))),
            c("bad experiment name", "experiment: must be 1-100 letters",
                    f -> f.run(f.spec("experiment: small", "experiment: 'a b'"))),
            c("unknown profile", "profile 'huge' is not defined", f -> f.run(f.spec, "--profile", "huge")),
            c("check on an unknown setting", "checks",
                    f -> f.run(f.specText(TestSpecs.SMALL + "checks:\n  - name: x\n    fraction: {status: diverged}\n"
                            + "    where: {model.depht: 3}\n    expect: {min: 0.5}\n"))),
            c("value check on an unknown runs column", "checks[0].value.metric: 'L_hatt' is not a column of the runs",
                    f -> f.run(f.specText(TestSpecs.SMALL + "checks:\n  - name: x\n    value: {metric: L_hatt}\n"
                            + "    expect: {at_most: 2}\n"))),
            c("value check on an unknown curve metric", "checks[0].value.metric: 'sharpnes' is not a curves metric",
                    f -> f.run(f.specText(TestSpecs.SMALL + "checks:\n  - name: x\n    value: {metric: sharpnes.max}\n"
                            + "    expect: {at_most: 2}\n"))),
            c("fraction times a missing setting", "checks[0].fraction.times: 'optimizer.lrr' is neither",
                    f -> f.run(f.specText(TestSpecs.SMALL + "checks:\n  - name: x\n    fraction: {metric: L_hat, "
                            + "times: optimizer.lrr, below: 2}\n    expect: {at_least: 1}\n"))),
            // size limit
            c("grid over the size limit without --force", "the grid has 8 runs, above the limit of 5",
                    f -> f.run(f.specText(TestSpecs.SMALL + "limits: {max_runs: 5}\n"))),
            c("--max-runs below 1", "--max-runs must be >= 1", f -> f.run(f.spec, "--max-runs", "0")),
            // data files
            c("missing data file", "data.path: no such file",
                    f -> f.run(f.spec("{kind: teacher_student, n: 64, d: 8, teacher: two_layer, teacher_width: 3, "
                            + "test_n: 32}", "{kind: file, path: missing.csv}"))),
            c("corrupt data file (not CSV numbers)", "data.path", f -> {
                write(f.dir().resolve("corrupt.csv"), "a,b,y\n1,2,3\nx,\u0000,!\n");
                return f.run(f.spec("{kind: teacher_student, n: 64, d: 8, teacher: two_layer, teacher_width: 3, "
                        + "test_n: 32}", "{kind: file, path: corrupt.csv}"));
            }),
            c("corrupt gzip data file", "data.path", f -> {
                write(f.dir().resolve("corrupt.csv.gz"), "not gzip at all");
                return f.run(f.spec("{kind: teacher_student, n: 64, d: 8, teacher: two_layer, teacher_width: 3, "
                        + "test_n: 32}", "{kind: file, path: corrupt.csv.gz}"));
            }),
            // output paths
            c("--out is a file", "is a file, not a directory",
                    f -> new String[] {"run", f.spec, "--out", f.out().resolve("runs").resolve("part-0.parquet").toString()}),
            c("--out is a directory ratelab did not create", "that ratelab did not create",
                    f -> new String[] {"run", f.spec, "--out", f.out().resolve("foreign").toString()}),
            c("--out holds results, no --overwrite or --resume", "pass --resume to continue",
                    f -> new String[] {"run", f.spec, "--out", f.out().toString()}),
            // resuming
            c("corrupt table when resuming", "--resume: corrupt output:", f -> {
                write(f.batch().resolve(BATCH_RUNS), "PAR1 truncated");
                return f.resume();
            }),
            c("resuming a batch without its run_id list", "run_ids.txt: missing", f -> {
                delete(f.batch().resolve(OutputDir.RUN_IDS));
                return f.resume();
            }),
            c("resuming a garbled run_id list", "not a run_id list", f -> {
                write(f.batch().resolve(OutputDir.RUN_IDS), "<html>\n");
                return f.resume();
            }),
            c("resuming a batch without its file list", "files.txt: missing", f -> {
                delete(f.batch().resolve(OutputDir.FILES));
                return f.resume();
            }),
            c("resuming a file list naming a path outside the tables", "not a file list", f -> {
                write(f.batch().resolve(OutputDir.FILES), "1\t../../etc/passwd.parquet\n");
                return f.resume();
            }),
            c("resuming a batch whose listed file is gone", "files.txt lists it", f -> {
                delete(f.batch().resolve(BATCH_CURVES));
                return f.resume();
            }),
            c("resuming runs the spec does not plan", "does not plan (was the spec or --profile changed?)",
                    Fixture::resume),
            // flags
            c("--conf without a value", "--conf novalue: expected key=value", f -> f.run(f.spec, "--conf", "novalue")),
            c("--conf with an empty value", "expected key=value", f -> f.run(f.spec, "--conf", "spark.executor.memory=")),
            c("--conf outside spark.*", "only spark.* keys", f -> f.run(f.spec, "--conf", "foo=bar")),
            c("--partitions negative", "--partitions must be between 1 and 100000, got -1", f -> f.run(f.spec, "--partitions", "-1")),
            c("--partitions not a number", "--partitions", f -> f.run(f.spec, "--partitions", "many")),
            c("--batch-runs negative", "--batch-runs must be between 1 and 10000000, got -3", f -> f.run(f.spec, "--batch-runs", "-3")),
            c("--master blank", "--master must not be empty", f -> f.run(f.spec, "--master", " ")),
            c("--resume with --overwrite", "--resume and --overwrite conflict", f -> f.run(f.spec, "--resume")),
            c("unknown option", "Unknown option: '--bogus'", f -> f.run(f.spec, "--bogus")),
            c("missing spec argument", "Missing required parameter", f -> new String[] {"run"}),
            c("unknown command", "Unmatched argument", f -> new String[] {"frobnicate"})
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void exitsTwoWithOneLineAndLeavesOutputByteIdentical(Case c) throws Exception {
        assertRefused(c, fixture());
    }

    /**
     * Runs a case through the CLI against {@code f}: exit 2, exactly one line on stderr containing the
     * expected text, and the output directory byte-identical. Returns the result (the other catalogue
     * classes of this package share this check).
     */
    static CliTest.Result assertRefused(Case c, Fixture f) throws Exception {
        String[] args = c.args().apply(f);
        Map<String, String> before = hashTree(f.out());
        CliTest.Result r = CliTest.cli(args);
        assertEquals(2, r.code(), c.name() + ": " + r.err() + r.out());
        assertEquals(1, r.errLines().length, c.name() + ": exactly one line, got: " + r.err());
        assertTrue(r.err().contains(c.expected()), c.name() + ": expected '" + c.expected() + "' in: " + r.err());
        assertEquals(before, hashTree(f.out()), c.name() + ": the output directory changed");
        return r;
    }

    /** Catalogue size: the issue asks for at least 30 cases. */
    @org.junit.jupiter.api.Test
    void catalogueHasAtLeastThirtyCases() {
        assertTrue(catalogue().size() >= 30, "catalogue has " + catalogue().size());
    }

    /**
     * An output directory as a killed job leaves it, plus a finished table and a foreign subdirectory: the
     * marker, {@code runs/part-0.parquet}, and one committed batch whose run is not in the spec's plan.
     */
    Fixture fixture() throws IOException {
        return fixture(dir);
    }

    /** The same fixture under any directory (shared with {@link BadSpecInputTest}). */
    static Fixture fixture(Path dir) throws IOException {
        Path out = dir.resolve("existing");
        Files.createDirectories(out.resolve("runs"));
        Files.writeString(out.resolve(OutputDir.MARKER), "{\"tool\": \"ratelab\"}\n");
        Files.writeString(out.resolve("runs").resolve("part-0.parquet"), "table bytes");
        Files.createDirectories(out.resolve("foreign"));
        Files.writeString(out.resolve("foreign").resolve("notes.md"), "mine");
        Path batch = out.resolve(OutputDir.BATCHES).resolve("batch-x-00000");
        parquet(batch.resolve(BATCH_RUNS), "0123456789abcdef");
        parquet(batch.resolve(BATCH_CURVES), "0123456789abcdef");
        Files.writeString(batch.resolve(OutputDir.RUN_IDS), "0123456789abcdef\n");
        Files.writeString(batch.resolve(OutputDir.FILES), "1\t" + BATCH_CURVES + "\n1\t" + BATCH_RUNS + "\n");
        String spec = TestSpecs.write(dir, "good.yaml", TestSpecs.SMALL).toString();
        return new Fixture(dir, out, spec);
    }

    /** The committed batch's data files, not yet published (a job killed between its commit and publishing). */
    static final String BATCH_RUNS = "runs/part-batch-x-00000.parquet";
    static final String BATCH_CURVES = "curves/experiment=small/optimizer=gd/part-batch-x-00000-0-0.parquet";

    /** A one-row Parquet file with a run_id column. */
    static void parquet(Path file, String runId) throws IOException {
        Files.createDirectories(file.getParent());
        MessageType schema = MessageTypeParser.parseMessageType("message runs { required binary run_id (UTF8); }");
        try (ParquetWriter<org.apache.parquet.example.data.Group> w = ExampleParquetWriter
                .builder(new org.apache.hadoop.fs.Path(file.toUri())).withType(schema).withConf(new Configuration())
                .build()) {
            w.write(new SimpleGroupFactory(schema).newGroup().append("run_id", runId));
        }
        // the Hadoop local filesystem leaves a .crc next to each file: keep the tree as a job leaves it
    }

    static void write(Path p, String text) {
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void delete(Path p) {
        try {
            Files.delete(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Relative path → SHA-256 of every file, and every directory, under {@code root}. */
    static Map<String, String> hashTree(Path root) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String rel = root.relativize(p).toString();
                if (Files.isDirectory(p)) {
                    m.put(rel + "/", "dir");
                } else {
                    m.put(rel, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
                }
            }
        }
        return m;
    }
}
