package org.ratelab.job;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.SparkSqlParser;
import org.apache.spark.sql.execution.command.DescribeQueryCommand;
import org.apache.spark.sql.execution.command.ExplainCommand;
import org.apache.spark.sql.execution.command.SetCommand;
import org.ratelab.table.OutputDir;
import org.ratelab.table.Schemas;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ratelab sql --out DIR "SELECT …"}: read-only SQL over the tables, each registered as a view of its
 * name. Anything but a read of those views (DDL, DML, commands, SQL on files) is refused by {@link ReadOnlySql}
 * before it runs. A query registers only the views it names (a metadata statement all of them), each with
 * its explicit schema.
 */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = "Run a read-only SQL query (SELECT, WITH, VALUES, TABLE, EXPLAIN, DESCRIBE, SHOW) over the tables "
                + "of an output directory (views: runs, curves, rates, laws, summaries, bounds, checks, curves_runs).")
final class SqlCommand implements Callable<Integer> {
    @Spec CommandSpec cmd;

    @Mixin ExistingOutput where;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "1000",
            description = "Most rows to print (default: ${DEFAULT-VALUE}).")
    int limit;

    @Parameters(index = "0", paramLabel = "QUERY", description = "A Spark SQL query.")
    String query;

    @Option(names = "--format", paramLabel = "F",
            description = "table (tab-separated, to the terminal), csv or parquet (default: table; with --to, "
                    + "parquet for a PATH ending in .parquet, else csv).")
    String format;

    @Option(names = "--to", paramLabel = "PATH", description = "Write the result here: csv as one file with a "
            + "header line, parquet as a directory of Spark's (required for parquet; csv without it prints to the "
            + "terminal).")
    String to;

    /**
     * Every view a query may name: the tables, and {@code curves_runs}. A method, not a constant: picocli builds
     * every command at start, and reading {@code Schemas} there would load Spark's types in every command.
     */
    static List<String> views() {
        List<String> v = new ArrayList<>(Schemas.TABLES);
        v.add("curves_runs");
        return List.copyOf(v);
    }

    /**
     * The session of the query server ({@link SqlServer}) that runs this command, else null: the command then
     * starts a session of its own and stops it at the end.
     */
    private final SparkSession served;

    SqlCommand() {
        this(null);
    }

    /** A command answered in {@code served}'s JVM: each query gets a new session of it, none is stopped. */
    SqlCommand(SparkSession served) {
        this.served = served;
    }

    @Override
    public Integer call() throws Exception {
        // Spark's parser (class loading, most of its cost) on the other core while --out is opened and checked;
        // its refusal still comes after those of the flags, as when it ran after them
        FutureTask<LogicalPlan> parsed = new FutureTask<>(() -> ReadOnlySql.check(new SparkSqlParser(), query,
                Set.copyOf(views())));
        Thread parser = new Thread(parsed, "ratelab-sql-parse");
        parser.setDaemon(true);
        parser.start();
        if (served == null) Sessions.prepare();  // while the query is parsed and --out checked, on the other core
        OutputDir od = where.open();
        if (limit < 1) throw new UsageException("--limit must be >= 1, got " + limit);
        if (format == null) format = to == null ? "table" : to.toLowerCase(java.util.Locale.ROOT).endsWith(".parquet")
                ? "parquet" : "csv";
        if (!java.util.List.of("table", "csv", "parquet").contains(format)) {
            throw new UsageException("--format must be table, csv or parquet, got " + format);
        }
        if (format.equals("parquet") && to == null) throw new UsageException("--format parquet needs --to PATH");
        if (format.equals("table") && to != null) {
            throw new UsageException("--format table prints to the terminal; --to needs --format csv or parquet");
        }
        if (to != null) {
            OutFlag.check("--to", to, new org.apache.hadoop.conf.Configuration());
            if (new java.io.File(to).exists()) throw new UsageException("--to " + to + " already exists");
        }
        // refused before Spark starts: Spark's parser with the default settings ...
        LogicalPlan plan;
        try {
            plan = parsed.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
        Set<String> names = named(plan);
        if (served != null) {
            // EXPLAIN prints the ids of expressions and plans, which count from the start of a JVM: a JVM of its
            // own prints them as they always were
            if (plan instanceof ExplainCommand) return SqlServer.DECLINED;
            SparkSession session = served.newSession();
            SparkSession.setActiveSession(session);
            return answer(od, session, names);
        }
        java.nio.file.Path warehouse = Files.createTempDirectory("ratelab-sql-warehouse-");
        try {
            return answer(od, warehouse, names);
        } finally {
            deleteTree(warehouse);
        }
    }

    private int answer(OutputDir od, java.nio.file.Path warehouse, Set<String> names) throws Exception {
        SparkSession spark = Sessions.start(where.master, sessionConfs(warehouse));
        try {
            return answer(od, spark, names);
        } finally {
            spark.stop();
        }
    }

    /**
     * The settings of the session a query runs in: no spark-warehouse/ (nor metastore_db/) in the working
     * directory, the catalog in memory and its warehouse {@code warehouse}, a temporary directory.
     */
    static Map<String, String> sessionConfs(java.nio.file.Path warehouse) {
        return Map.of("spark.sql.warehouse.dir", warehouse.toUri().toString(),
                "spark.sql.catalogImplementation", "in-memory");
    }

    private int answer(OutputDir od, SparkSession spark, Set<String> names) throws Exception {
        Dataset<Row> df = query(spark, od, query, names);
        PrintWriter o = cmd.commandLine().getOut();
        if (format.equals("parquet")) {
            df.write().parquet(to);
            o.println("wrote " + to);
        } else if (format.equals("csv") && to != null) {
            writeOneCsv(jsonComplexColumns(df), to, spark.sparkContext().hadoopConfiguration());
            o.println("wrote " + to);
        } else {
            print(df, limit, o, format.equals("csv") ? "," : "\t");
        }
        return 0;
    }

    /**
     * The answer to a read-only query over the tables of {@code od}, registered as views in {@code spark}:
     * refused by {@link ReadOnlySql} with the session's parser (the one {@code spark.sql} uses) unless it only
     * reads them.
     */
    static Dataset<Row> query(SparkSession spark, OutputDir od, String query) throws Exception {
        List<String> present = present(spark, od);
        return query(spark, od, query, named(ReadOnlySql.check(spark.sessionState().sqlParser(), query,
                Set.copyOf(present))));
    }

    /**
     * The same, registering the views {@code names} (all when null; {@link #named} of the statement, which
     * the CLI takes from its check before Spark). The views are registered before the session's check, as
     * they always were, so that what a statement prints (the expression ids of EXPLAIN) does not change.
     */
    static Dataset<Row> query(SparkSession spark, OutputDir od, String query, Set<String> names) throws Exception {
        List<String> present = present(spark, od);
        registerViews(spark, od, present, names);
        ReadOnlySql.check(spark.sessionState().sqlParser(), query, Set.copyOf(present));
        try {
            return spark.sql(query);
        } catch (Exception e) {  // Scala throws the checked AnalysisException undeclared
            if (!(e instanceof org.apache.spark.sql.AnalysisException)
                    && !e.getClass().getSimpleName().contains("ParseException")) {
                throw e;
            }
            throw new UsageException("query: " + ReadOnlySql.firstLine(e));
        }
    }

    /** Deletes {@code root} and everything under it. */
    static void deleteTree(java.nio.file.Path root) throws IOException {
        try (java.util.stream.Stream<java.nio.file.Path> s = Files.walk(root)) {
            for (java.nio.file.Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** The views the output directory can answer: its tables present, and {@code curves_runs} with curves and runs. */
    static List<String> present(SparkSession spark, OutputDir od) throws IOException {
        List<String> views = new ArrayList<>();
        FileSystem fs = od.root().getFileSystem(spark.sparkContext().hadoopConfiguration());
        for (String t : Schemas.TABLES) if (fs.exists(new Path(od.table(t)))) views.add(t);
        if (views.contains("curves") && views.contains("runs")) views.add("curves_runs");
        return views;
    }

    /**
     * The views a checked statement reads, lower case: the relations of a query (of the query under DESCRIBE
     * QUERY), or null for every view: SHOW TABLES, DESCRIBE, SET and the other metadata statements, and EXPLAIN,
     * whose plan prints expression ids that count every view registered before it (so they stay as they were).
     */
    static Set<String> named(LogicalPlan root) {
        if (root instanceof ExplainCommand) return null;
        LogicalPlan q = root instanceof DescribeQueryCommand d ? d.plan() : root;
        if (q instanceof SetCommand || ReadOnlySql.METADATA_ROOTS.contains(q.getClass().getName())) return null;
        Set<String> names = new HashSet<>();
        for (LogicalPlan p : ReadOnlySql.everything(q)) {
            if (p instanceof UnresolvedRelation r && r.multipartIdentifier().size() == 1) {
                names.add(r.multipartIdentifier().head().toLowerCase(Locale.ROOT));
            }
        }
        names.retainAll(views());  // a CTE's own name is no view (one that is a view's name may read the view)
        return names;
    }

    /**
     * Registers the views of {@code present} that {@code names} asks for (all when null) as temporary views of
     * their names, each read with its explicit schema (no footer is read to infer one), and {@code curves_runs}:
     * every curve point with its run's columns (configuration and axes). A query pays for the tables it reads,
     * not for all of them, and for the join only when it names {@code curves_runs}.
     */
    static void registerViews(SparkSession spark, OutputDir od, List<String> present, Set<String> names) {
        boolean joined = present.contains("curves_runs") && (names == null || names.contains("curves_runs"));
        for (String t : Schemas.TABLES) {
            boolean needed = names == null || names.contains(t)
                    || (joined && (t.equals("curves") || t.equals("runs")));
            if (present.contains(t) && needed) Schemas.read(spark, t, od.table(t)).createOrReplaceTempView(t);
        }
        if (joined) {
            spark.sql("SELECT c.*, r.model, r.width, r.seed, r.lr, r.batch_size, r.status, r.group_key, "
                    + "r.axes_json, r.config_json, r.n, r.d FROM curves c JOIN runs r USING (run_id)")
                    .createOrReplaceTempView("curves_runs");
        }
    }

    /**
     * CSV has no map or array type: columns such as {@code curves.layer_rel_change} and {@code particles} are
     * written as JSON text.
     */
    static Dataset<Row> jsonComplexColumns(Dataset<Row> df) {
        for (org.apache.spark.sql.types.StructField f : df.schema().fields()) {
            org.apache.spark.sql.types.DataType t = f.dataType();
            if (t instanceof org.apache.spark.sql.types.MapType || t instanceof org.apache.spark.sql.types.ArrayType
                    || t instanceof org.apache.spark.sql.types.StructType) {
                df = df.withColumn(f.name(), org.apache.spark.sql.functions.to_json(df.col("`" + f.name() + "`")));
            }
        }
        return df;
    }

    /**
     * Writes {@code df} as ONE CSV file at {@code to}, header line first, quotes doubled inside quoted fields
     * (RFC 4180, what DuckDB, pandas and spreadsheets read by default), written by Spark's CSV writer on one
     * partition: Spark writes a directory of one part file beside {@code to}, whose part file is then renamed to
     * {@code to} and the directory removed. A failure leaves nothing at {@code to}.
     */
    static void writeOneCsv(Dataset<Row> df, String to, org.apache.hadoop.conf.Configuration conf) throws IOException {
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(to);
        org.apache.hadoop.fs.FileSystem fs = target.getFileSystem(conf);
        org.apache.hadoop.fs.Path parent = fs.makeQualified(target).getParent();
        org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(parent,
                "." + target.getName() + ".ratelab-" + java.util.UUID.randomUUID());
        try {
            df.coalesce(1).write().option("header", "true").option("escape", "\"").csv(tmp.toString());  // RFC 4180 ""
            org.apache.hadoop.fs.FileStatus[] parts = fs.globStatus(new org.apache.hadoop.fs.Path(tmp, "part-*"));
            if (parts == null || parts.length != 1) {
                throw new IOException("expected one CSV part file in " + tmp + ", found "
                        + (parts == null ? 0 : parts.length));
            }
            // the raw file system on the local disk: no .crc checksum file beside the CSV
            org.apache.hadoop.fs.FileSystem raw = fs instanceof org.apache.hadoop.fs.ChecksumFileSystem c
                    ? c.getRawFileSystem() : fs;
            if (!raw.rename(parts[0].getPath(), target)) throw new IOException("cannot move the CSV to " + to);
        } finally {
            fs.delete(tmp, true);
        }
    }

    static void print(Dataset<Row> df, int limit, PrintWriter out, String sep) {
        String[] cols = df.columns();
        out.println(String.join(sep, cols));
        List<Row> rows = df.limit(limit).collectAsList();
        for (Row r : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < cols.length; i++) {
                if (i > 0) b.append(sep);
                b.append(r.isNullAt(i) ? "null" : String.valueOf(r.get(i)));
            }
            out.println(b);
        }
        out.flush();
    }
}
