package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkSqlParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratelab.SparkTestSession;
import org.ratelab.TestSpecs;
import org.ratelab.grid.Planner;
import org.ratelab.job.BadInputTest.Case;
import org.ratelab.job.BadInputTest.Fixture;
import org.ratelab.spec.SpecLoader;
import org.ratelab.table.OutputDir;

/**
 * {@code ratelab sql} is read-only. Over a finished output directory (a smoke-sized grid, built once on the
 * shared session): every statement that is not a read of the output's tables (DDL, DML, commands, SQL on
 * files, file-reading table functions, reflection) exits 2 with one line before Spark starts, and leaves the
 * output byte-identical; reads (SELECT, WITH, VALUES, TABLE, EXPLAIN, DESCRIBE, SHOW) answer.
 */
class SqlReadOnlyTest {
    static final int RUNS = 8;

    @TempDir static Path dir;
    static SparkSession spark;
    static OutputDir out;
    static Fixture fixture;

    @BeforeAll
    static void finishedOutput() throws Exception {
        spark = SparkTestSession.get();
        Path spec = TestSpecs.write(dir, "sql.yaml", TestSpecs.SMALL.replace("steps: 200", "steps: 30"));
        out = OutputDir.of(dir.resolve("out").toString(), new Configuration());
        out.create("{\"tool\": \"ratelab\"}");
        GridJob.execute(spark, Planner.plan(SpecLoader.load(spec, "default")), out, 2);
        fixture = new Fixture(dir, dir.resolve("out"), spec.toString());
    }

    @AfterAll
    static void sessionSurvived() {
        // every refusal came before Spark: the shared session was never started again nor stopped
        assertFalse(spark.sparkContext().isStopped(), "a refused query stopped the shared SparkSession");
    }

    static Case q(String name, String expected, String query) {
        return BadInputTest.c(name, expected, f -> new String[] {"sql", "--out", f.out().toString(), query});
    }

    static final String READ_ONLY = "query refused, sql is read-only";
    static final String NOT_A_TABLE = "is not a table of the output directory";

    static List<Case> catalogue() {
        return List.of(
            // DML: the output's own tables must not change
            q("INSERT OVERWRITE runs", READ_ONLY + " (SELECT, WITH, VALUES, TABLE, EXPLAIN, DESCRIBE, SHOW over the "
                    + "output's tables): InsertIntoStatement is not a read", "INSERT OVERWRITE runs SELECT * FROM runs"),
            q("insert behind a comment, lower case", "InsertIntoStatement is not a read",
                    "/* just a read */ insert\n  INTO curves SELECT * FROM curves"),
            q("WITH ... INSERT", "InsertIntoStatement is not a read",
                    "WITH a AS (SELECT * FROM runs) INSERT INTO runs SELECT * FROM a"),
            q("FROM ... INSERT", "InsertIntoStatement is not a read", "FROM runs INSERT INTO runs SELECT *"),
            q("INSERT OVERWRITE DIRECTORY", "InsertIntoDir is not a read",
                    "INSERT OVERWRITE DIRECTORY '/tmp/ratelab-x' USING parquet SELECT * FROM runs"),
            q("LOAD DATA", "LoadData is not a read", "LOAD DATA LOCAL INPATH '/etc/passwd' INTO TABLE runs"),
            q("TRUNCATE", "TruncateTable is not a read", "TRUNCATE TABLE runs"),
            // DDL
            q("CREATE TABLE AS", "CreateTableAsSelect is not a read",
                    "CREATE TABLE t USING parquet LOCATION '/tmp/ratelab-t' AS SELECT 1"),
            q("CREATE TEMP VIEW", "CreateViewCommand is not a read", "CREATE TEMP VIEW v AS SELECT * FROM runs"),
            q("DROP VIEW", "DropView is not a read", "DROP VIEW runs"),
            q("ALTER VIEW", "AlterViewAs is not a read", "ALTER VIEW runs AS SELECT 1"),
            q("DECLARE VARIABLE", "CreateVariable is not a read", "DECLARE x INT"),
            // commands
            q("CACHE TABLE", "CacheTable is not a read", "CACHE TABLE runs"),
            q("UNCACHE TABLE", "UncacheTable is not a read", "UNCACHE TABLE runs"),
            q("REFRESH TABLE", "RefreshTable is not a read", "REFRESH TABLE runs"),
            q("ADD JAR", "AddJarsCommand is not a read", "ADD JAR /tmp/ratelab-x.jar"),
            q("SET of a non-SQL setting", "SET spark.executor.memory: only spark.sql.* settings can be set",
                    "SET spark.executor.memory=64g"),
            q("RESET", "ResetCommand is not a read", "RESET"),
            q("USE", "SetCatalogAndNamespace is not a read", "USE parquet"),
            q("MSCK REPAIR", "RepairTable is not a read", "MSCK REPAIR TABLE runs"),
            q("EXECUTE IMMEDIATE", "UnresolvedExecuteImmediate is not a read",
                    "EXECUTE IMMEDIATE 'INSERT INTO runs SELECT * FROM runs'"),
            q("EXPLAIN of an INSERT", "InsertIntoStatement is not a read", "EXPLAIN INSERT INTO runs SELECT * FROM runs"),
            q("SELECT TRANSFORM runs a script", "ScriptTransformation is not a read",
                    "SELECT TRANSFORM(status) USING 'cat /etc/passwd' FROM runs"),
            q("SHOW CREATE TABLE", "ShowCreateTable is not a read", "SHOW CREATE TABLE runs"),
            // files and other catalogs
            BadInputTest.c("parquet.`path` of the output's own table", "`parquet`.`/", f -> new String[] {"sql", "--out",
                    f.out().toString(), "SELECT * FROM parquet.`" + f.out().resolve("runs") + "`"}),
            q("text.`/etc/passwd`", "`text`.`/etc/passwd` " + NOT_A_TABLE, "SELECT * FROM text.`/etc/passwd`"),
            q("file read in an EXISTS subquery, mixed case, comments", "`TEXT`.`/etc/hostname` " + NOT_A_TABLE,
                    "select 1 where exists (select * from /* x */ TEXT.`/etc/hostname` -- y\n)"),
            q("file read in a CTE", "`csv`.`/etc/passwd` " + NOT_A_TABLE,
                    "WITH a AS (SELECT * FROM csv.`/etc/passwd`), b AS (SELECT * FROM a) SELECT * FROM b"),
            q("file read in a scalar subquery", "`json`.`file:///etc/hostname` " + NOT_A_TABLE,
                    "SELECT (SELECT count(*) FROM json.`file:///etc/hostname`) AS n FROM runs"),
            q("file read in a LATERAL subquery", "`binaryFile`.`/etc` " + NOT_A_TABLE,
                    "SELECT * FROM runs, LATERAL (SELECT * FROM binaryFile.`/etc`)"),
            q("read_files table function", "table function read_files is not allowed", "SELECT * FROM read_files('/etc/passwd')"),
            q("IDENTIFIER clause naming a file", "PlanWithUnresolvedIdentifier is not a read",
                    "SELECT * FROM IDENTIFIER('parquet.`/etc/passwd`')"),
            q("another catalog", "`spark_catalog`.`default`.`runs` " + NOT_A_TABLE, "SELECT * FROM spark_catalog.default.runs"),
            q("a table that is not the output's", "`secrets` " + NOT_A_TABLE, "SELECT * FROM secrets"),
            q("reading options", "`runs` WITH (options): reading options are not accepted",
                    "SELECT * FROM runs WITH ('path' = '/etc')"),
            q("DESCRIBE of a file", "`parquet`.`/etc` " + NOT_A_TABLE, "DESCRIBE parquet.`/etc`"),
            q("reflect", "function reflect calls Java methods by name", "SELECT reflect('java.lang.System', 'getenv', 'HOME')"),
            q("JAVA_METHOD upper case", "function JAVA_METHOD calls Java methods by name",
                    "SELECT JAVA_METHOD('java.lang.System', 'exit', 0)"),
            // not SQL
            q("parse error", "query: [PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'", "SELEC 1"),
            q("two statements", "[PARSE_SYNTAX_ERROR]", "SELECT * FROM runs; DROP VIEW runs"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void exitsTwoWithOneLineAndLeavesOutputByteIdentical(Case c) throws Exception {
        BadInputTest.assertRefused(c, fixture);
    }

    @Test
    void catalogueHasSeveralCasesPerClass() {
        assertTrue(catalogue().size() >= 30, "catalogue has " + catalogue().size());
    }

    /** Reads answer, with the tables' real values (on the shared session, through the same guard). */
    @Test
    void readsAnswer() throws Exception {
        List<Row> status = SqlCommand.query(spark, out, "SELECT count(*), count(DISTINCT run_id) FROM runs")
                .collectAsList();
        assertEquals(RUNS, status.get(0).getLong(0));
        assertEquals(RUNS, status.get(0).getLong(1));
        long curves = spark.read().parquet(out.table("curves")).count();
        assertTrue(curves > RUNS, "curves: " + curves);
        assertEquals(curves, SqlCommand.query(spark, out, "SELECT count(*) FROM curves_runs").first().getLong(0));
        assertEquals(RUNS, SqlCommand.query(spark, out, "WITH a AS (SELECT * FROM runs), b AS (SELECT run_id FROM a) "
                + "SELECT count(*) FROM b WHERE run_id IN (SELECT run_id FROM curves)").first().getLong(0));
        assertEquals(spark.read().parquet(out.table("laws")).count(),
                SqlCommand.query(spark, out, "TABLE laws").count());
        Row v = SqlCommand.query(spark, out, "VALUES (1, 'a'), (2, 'b')").orderBy("col1").first();
        assertEquals(1, v.getInt(0));
        assertEquals("a", v.getString(1));
        assertEquals(3, SqlCommand.query(spark, out, "SELECT * FROM range(3)").count());
        String plan = SqlCommand.query(spark, out, "EXPLAIN SELECT * FROM runs").first().getString(0);
        assertTrue(plan.contains("Scan parquet"), plan);
    }

    /** The guard also stands behind the Spark path itself (the session's parser), not only the CLI's first check. */
    @Test
    void theSessionPathRefusesToo() {
        UsageException e = assertThrows(UsageException.class,
                () -> SqlCommand.query(spark, out, "INSERT OVERWRITE runs SELECT * FROM runs"));
        assertTrue(e.getMessage().contains("InsertIntoStatement is not a read"), e.getMessage());
    }

    /** Metadata reads pass the guard (they run in the subprocess test below, which has its own warehouse). */
    @Test
    void metadataReadsPassTheGuard() {
        Set<String> views = Set.copyOf(SqlCommand.views());
        for (String ok : List.of("SHOW TABLES", "SHOW VIEWS", "SHOW FUNCTIONS", "SHOW DATABASES", "DESCRIBE runs",
                "DESCRIBE TABLE runs status", "SHOW COLUMNS FROM rates", "DESCRIBE FUNCTION abs",
                "DESCRIBE QUERY SELECT * FROM laws", "SET", "SET spark.sql.ansi.enabled",
                "SET spark.sql.ansi.enabled=false", "SELECT 1 AS a |> WHERE a = 1",
                "SELECT * FROM runs r JOIN curves c USING (run_id) LEFT ANTI JOIN laws l ON true",
                "SELECT status, count(*) FROM runs GROUP BY status HAVING count(*) > 1 ORDER BY 1 LIMIT 3 OFFSET 1",
                "SELECT * FROM runs LATERAL VIEW explode(array(1, 2)) t AS z",
                "SELECT sum(width) OVER w FROM runs WINDOW w AS (PARTITION BY status)")) {
            ReadOnlySql.check(new SparkSqlParser(), ok, views);
        }
    }

    /** A typo in the allow-lists would silently refuse a query kind: every class name must exist. */
    @Test
    void everyAllowedClassExists() throws Exception {
        for (Set<String> names : List.of(ReadOnlySql.QUERY_NODES, ReadOnlySql.METADATA_ROOTS,
                ReadOnlySql.METADATA_LEAVES)) {
            for (String n : names) Class.forName(n);
        }
    }

    /**
     * Through the CLI in its own JVM, started in an empty directory: SHOW and DESCRIBE answer, and neither
     * {@code spark-warehouse/} nor {@code metastore_db/} appears there.
     */
    @Test
    void metadataQueriesLeaveNoWarehouseInTheWorkingDirectory() throws Exception {
        Path cwd = Files.createDirectories(dir.resolve("cwd"));
        Process p = GridJobTest.cliProcessIn(cwd, "sql", "--out", out.root().toUri().getPath(), "SHOW TABLES");
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "sql timed out");
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), log);
        for (String t : List.of("runs", "curves", "rates", "laws", "summaries", "bounds", "checks", "curves_runs")) {
            assertTrue(log.contains("\t" + t + "\ttrue"), t + " missing from: " + log);
        }
        assertFalse(Files.exists(cwd.resolve("spark-warehouse")), "spark-warehouse/ in the working directory");
        assertFalse(Files.exists(cwd.resolve("metastore_db")), "metastore_db/ in the working directory");
        try (var s = Files.list(cwd)) {
            assertEquals(List.of(), s.toList(), "the working directory stays empty");
        }
    }

    /**
     * {@code sql --to out.csv}: ONE file (no Spark folder, no checksum file beside it), a header line, every
     * row, map columns as JSON with quotes doubled (RFC 4180); {@code --format table --to} is refused.
     */
    @Test
    void toCsvWritesOneFileWithAHeader() throws Exception {
        Path where = Files.createDirectories(dir.resolve("csv"));
        Path csv = where.resolve("q.csv");
        Process p = GridJobTest.cliProcessIn(where, "sql", "--out", out.root().toUri().getPath(), "--to", csv.toString(),
                "SELECT run_id, 'a,b' AS text, layer_dist FROM curves WHERE step = 0 ORDER BY run_id");
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "sql timed out");
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), log);
        try (var s = Files.list(where)) {
            assertEquals(List.of(csv), s.toList(), "one file, nothing beside it");
        }
        List<String> lines = Files.readAllLines(csv);
        assertEquals("run_id,text,layer_dist", lines.get(0));
        assertEquals(RUNS + 1, lines.size(), String.join("\n", lines));
        List<Row> want = org.ratelab.table.Schemas.read(spark, "curves", out.table("curves")).where("step = 0")
                .orderBy("run_id").select("run_id").collectAsList();
        for (int i = 0; i < RUNS; i++) {
            List<String> f = rfc4180(lines.get(i + 1));
            assertEquals(3, f.size(), lines.get(i + 1));
            assertEquals(want.get(i).getString(0), f.get(0));
            assertEquals("a,b", f.get(1));
            java.util.Map<?, ?> dist = new com.fasterxml.jackson.databind.ObjectMapper().readValue(f.get(2),
                    java.util.Map.class);
            assertTrue(!dist.isEmpty() && dist.values().stream().allMatch(v -> ((Number) v).doubleValue() == 0.0),
                    "layer_dist at step 0: " + f.get(2));
        }
        Process bad = GridJobTest.cliProcessIn(where, "sql", "--out", out.root().toUri().getPath(), "--format", "table",
                "--to", where.resolve("t.txt").toString(), "SELECT 1");
        assertTrue(bad.waitFor(240, TimeUnit.SECONDS), "sql timed out");
        String badLog = new String(bad.getInputStream().readAllBytes());
        assertEquals(2, bad.exitValue(), badLog);
        assertTrue(badLog.contains("--to needs --format csv or parquet"), badLog);
    }

    /** The fields of one CSV line by RFC 4180: quoted fields may hold commas, a doubled quote is one quote. */
    static List<String> rfc4180(String line) {
        List<String> out = new java.util.ArrayList<>();
        StringBuilder b = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                b.append('"');
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                out.add(b.toString());
                b.setLength(0);
            } else {
                b.append(c);
            }
        }
        out.add(b.toString());
        return out;
    }
}
