package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratelab.job.BadInputTest.Case;
import org.ratelab.job.BadInputTest.Fixture;

/**
 * Bad data files, through the CLI as {@link BadInputTest} runs its catalogue: a non-finite cell (NaN, ±Inf, a
 * decimal that overflows to Inf) in CSV, gzipped CSV or Parquet is refused at plan time with exit 2 and one
 * line naming the file as the spec wrote it, the row and the column; the line never quotes the file's contents.
 */
class BadDataInputTest {
    @TempDir Path dir;

    static final String TEACHER = "{kind: teacher_student, n: 64, d: 8, teacher: two_layer, teacher_width: 3, test_n: 32}";

    /** {@code run} of SMALL on the data file {@code name} (relative to the spec), as a linear regression. */
    static String[] onFile(Fixture f, String name) {
        return f.run(f.spec(TEACHER, "{kind: file, path: " + name + "}"));
    }

    /** A CSV file next to the spec: a header, two good rows, then {@code bad} as the third data row. */
    static String csv(Fixture f, String name, String bad) {
        BadInputTest.write(f.dir().resolve(name), "x1,x2,y\n1,2,3\n4,5,6\n" + bad + "\n");
        return name;
    }

    static List<Case> catalogue() {
        return List.of(
            BadInputTest.c("csv: NaN in a feature", "data.path: data/nan.csv: line 4 (row 3), column 2 ('x2'): NaN is "
                    + "not a finite number", f -> onFile(f, csv(f, "data/nan.csv", "7,NaN,9"))),
            BadInputTest.c("csv: NaN in the label", "line 4 (row 3), column 3 ('y'): NaN is not a finite number",
                    f -> onFile(f, csv(f, "nan-label.csv", "7,8,NaN"))),
            BadInputTest.c("csv: Infinity", "inf.csv: line 4 (row 3), column 1 ('x1'): +Inf is not a finite number",
                    f -> onFile(f, csv(f, "inf.csv", "Infinity,8,9"))),
            BadInputTest.c("csv: -Infinity", "column 2 ('x2'): -Inf is not a finite number",
                    f -> onFile(f, csv(f, "ninf.csv", "7,-Infinity,9"))),
            BadInputTest.c("csv: 1e999 overflows", "big.csv: line 4 (row 3), column 3 ('y'): the number overflows a "
                    + "double (|x| > 1.8e308) to +Inf", f -> onFile(f, csv(f, "big.csv", "7,8,1e999"))),
            BadInputTest.c("csv: -1e400 overflows", "column 1 ('x1'): the number overflows a double (|x| > 1.8e308) "
                    + "to -Inf", f -> onFile(f, csv(f, "nbig.csv", "-1e400,8,9"))),
            BadInputTest.c("csv: NaN in a blank-line-separated file", "line 6 (row 3), column 1 ('x1'): NaN",
                    f -> {
                        BadInputTest.write(f.dir().resolve("gaps.csv"), "x1,x2,y\n1,2,3\n\n4,5,6\n\nNaN,1,1\n");
                        return onFile(f, "gaps.csv");
                    }),
            BadInputTest.c("csv without header: NaN", "nohead.csv: line 2 (row 2), column 2 ('1'): NaN", f -> {
                BadInputTest.write(f.dir().resolve("nohead.csv"), "1,2,3\n4,NaN,6\n");
                return f.run(f.spec(TEACHER, "{kind: file, path: nohead.csv, header: false}"));
            }),
            BadInputTest.c("csv.gz: Inf", "data.path: z.csv.gz: line 3 (row 2), column 2 ('x2'): +Inf", f -> {
                gzip(f.dir().resolve("z.csv.gz"), "x1,x2,y\n1,2,3\n4,Infinity,6\n");
                return onFile(f, "z.csv.gz");
            }),
            BadInputTest.c("parquet: NaN double", "data.path: nan.parquet: row 2, column 2 ('x2'): NaN is not a finite "
                    + "number", f -> onFile(f, parquet(f.dir().resolve("nan.parquet"), "double",
                            new double[][] {{1, 2, 3}, {4, Double.NaN, 6}}))),
            BadInputTest.c("parquet: -Inf float", "inf.parquet: row 3, column 3 ('y'): -Inf is not a finite number",
                    f -> onFile(f, parquet(f.dir().resolve("inf.parquet"), "float",
                            new double[][] {{1, 2, 3}, {4, 5, 6}, {7, 8, Double.NEGATIVE_INFINITY}}))),
            BadInputTest.c("parquet: not a Parquet file", "data.path: fake.parquet: not a readable Parquet file", f -> {
                BadInputTest.write(f.dir().resolve("fake.parquet"), "PAR1 these are not parquet bytes PAR1");
                return onFile(f, "fake.parquet");
            }),
            BadInputTest.c("csv: a word where a number belongs", "words.csv: line 4 (row 3), column 2 ('x2'): not a "
                    + "number", f -> onFile(f, csv(f, "words.csv", "7,hunter2,9"))),
            BadInputTest.c("csv: a header name that is not plain is not quoted", "line 3 (row 2), column 2: not a number",
                    f -> {
                        BadInputTest.write(f.dir().resolve("odd.csv"), "x1,my secret name,y\n1,2,3\n4,x,6\n");
                        return onFile(f, "odd.csv");
                    }),
            BadInputTest.c("data.path is a directory", "data.path: sub/.. is a directory, not a data file", f -> {
                BadInputTest.write(f.dir().resolve("sub").resolve("keep.txt"), "x");
                return onFile(f, "sub/..");
            }),
            BadInputTest.c("label not a column lists plain names only", "lab.csv (columns: [x1, #2, y])", f -> {
                BadInputTest.write(f.dir().resolve("lab.csv"), "x1,p@ss w0rd,y\n1,2,3\n4,5,6\n");
                return f.run(f.spec(TEACHER, "{kind: file, path: lab.csv, label: target}"));
            }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void exitsTwoWithOneLineAndLeavesOutputByteIdentical(Case c) throws Exception {
        BadInputTest.assertRefused(c, BadInputTest.fixture(dir));
    }

    @Test
    void catalogueHasSeveralCases() {
        assertTrue(catalogue().size() >= 15, "catalogue has " + catalogue().size());
    }

    /** The line names the path as written (relative to the spec), never its resolved absolute form. */
    @Test
    void theLineQuotesThePathAsWrittenNotAsResolved() throws Exception {
        Fixture f = BadInputTest.fixture(dir);
        CliTest.Result r = BadInputTest.assertRefused(BadInputTest.c("relative", "data.path: data/nan.csv: line 4",
                x -> onFile(x, csv(x, "data/nan.csv", "7,NaN,9"))), f);
        // the spec file leads the line with its own path; after the key path only the written data path appears
        String after = r.err().substring(r.err().indexOf("data.path:"));
        assertFalse(after.contains(dir.toString()), r.err());
    }

    /** Cell text and non-plain header names are the file's contents: they never reach the error line. */
    @Test
    void theLineNeverQuotesTheFilesContents() throws Exception {
        Fixture f = BadInputTest.fixture(dir);
        BadInputTest.write(f.dir().resolve("leak.csv"), "x1,my secret name,y\n1,2,3\n4,hunter2,6\n");
        CliTest.Result r = CliTest.cli(onFile(f, "leak.csv"));
        assertEquals(2, r.code(), r.err());
        assertFalse(r.err().contains("hunter2"), r.err());
        assertFalse(r.err().contains("secret"), r.err());
        // Parquet's own message quotes the bytes it found instead of the magic number
        BadInputTest.write(f.dir().resolve("leak.parquet"), "PAR1 TOPSECRET-BYTES XYZW");
        r = CliTest.cli(onFile(f, "leak.parquet"));
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.errLines().length, r.err());
        assertFalse(r.err().contains("TOPSECRET") || r.err().contains("XYZW") || r.err().contains("[88, 89"), r.err());
    }

    /** The control: the same files with finite cells plan (exit 0), so the refusals above are about the cells. */
    @Test
    void finiteFilesPlan() throws Exception {
        Fixture f = BadInputTest.fixture(dir);
        StringBuilder text = new StringBuilder("x1,x2,y\n");
        double[][] rows = new double[20][];
        for (int i = 0; i < 20; i++) {
            rows[i] = new double[] {i % 7, i % 5, i == 3 ? -1e300 : i % 3};
            text.append(i % 7).append(',').append(i % 5).append(',').append(i == 3 ? "-1e300" : i % 3).append('\n');
        }
        BadInputTest.write(f.dir().resolve("ok.csv"), text.toString());
        parquet(f.dir().resolve("ok.parquet"), "double", rows);
        for (String file : List.of("ok.csv", "ok.parquet")) {
            String spec = f.spec(TEACHER, "{kind: file, path: " + file + "}");
            CliTest.Result r = CliTest.cli("plan", spec);
            assertEquals(0, r.code(), file + ": " + r.err());
            assertTrue(r.out().contains("runs 8\n"), r.out());
        }
    }

    static void gzip(Path p, String text) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (GZIPOutputStream z = new GZIPOutputStream(b)) {
                z.write(text.getBytes(StandardCharsets.UTF_8));
            }
            Files.createDirectories(p.getParent());
            Files.write(p, b.toByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A Parquet file with columns x1, x2, y of {@code type} (double or float); returns its file name. */
    static String parquet(Path file, String type, double[][] rows) {
        try {
            Files.createDirectories(file.getParent());
            MessageType schema = MessageTypeParser.parseMessageType("message data { required " + type + " x1; "
                    + "required " + type + " x2; required " + type + " y; }");
            try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new org.apache.hadoop.fs.Path(file.toUri()))
                    .withType(schema).withConf(new Configuration()).build()) {
                for (double[] r : rows) {
                    Group g = new SimpleGroupFactory(schema).newGroup();
                    String[] names = {"x1", "x2", "y"};
                    for (int c = 0; c < 3; c++) {
                        if (type.equals("float")) g.append(names[c], (float) r[c]);
                        else g.append(names[c], r[c]);
                    }
                    w.write(g);
                }
            }
            return file.getFileName().toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
