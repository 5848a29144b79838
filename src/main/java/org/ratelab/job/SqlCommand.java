package org.ratelab.job;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.ratelab.table.OutputDir;
import org.ratelab.table.Schemas;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ratelab sql --out DIR "SELECT …"}: SQL over the tables, each registered as a view of its name. */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = "Run a SQL query over the tables of an output directory (views: runs, curves, rates, laws, summaries, checks, curves_runs).")
final class SqlCommand implements Callable<Integer> {
    @Spec CommandSpec cmd;

    @Mixin ExistingOutput where;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "1000",
            description = "Most rows to print (default: ${DEFAULT-VALUE}).")
    int limit;

    @Parameters(index = "0", paramLabel = "QUERY", description = "A Spark SQL query.")
    String query;

    @Option(names = "--format", paramLabel = "F", defaultValue = "table",
            description = "table (tab-separated, to the terminal), csv or parquet (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--to", paramLabel = "PATH", description = "Write the result here (required for parquet; "
            + "csv without it prints to the terminal).")
    String to;

    @Override
    public Integer call() throws Exception {
        OutputDir od = where.open();
        if (limit < 1) throw new UsageException("--limit must be >= 1, got " + limit);
        if (!java.util.List.of("table", "csv", "parquet").contains(format)) {
            throw new UsageException("--format must be table, csv or parquet, got " + format);
        }
        if (format.equals("parquet") && to == null) throw new UsageException("--format parquet needs --to PATH");
        if (to != null && new java.io.File(to).exists()) throw new UsageException("--to " + to + " already exists");
        SparkSession spark = Sessions.start(where.master, java.util.Map.of());
        try {
            registerViews(spark, od);
            Dataset<Row> df;
            try {
                df = spark.sql(query);
            } catch (Exception e) {  // Scala throws the checked AnalysisException undeclared
                if (!(e instanceof org.apache.spark.sql.AnalysisException)
                        && !e.getClass().getSimpleName().contains("ParseException")) {
                    throw e;
                }
                throw new UsageException("query: " + e.getMessage().split("\n")[0]);
            }
            PrintWriter o = cmd.commandLine().getOut();
            if (format.equals("parquet")) {
                df.write().parquet(to);
                o.println("wrote " + to);
            } else if (format.equals("csv") && to != null) {
                jsonComplexColumns(df).coalesce(1).write().option("header", "true").csv(to);
                o.println("wrote " + to);
            } else {
                print(df, limit, o, format.equals("csv") ? "," : "\t");
            }
            return 0;
        } finally {
            spark.stop();
        }
    }

    /**
     * Registers every table present under the output directory as a temporary view of its name, and
     * {@code curves_runs}: every curve point with its run's columns (configuration and axes).
     */
    static List<String> registerViews(SparkSession spark, OutputDir od) throws IOException {
        List<String> views = new ArrayList<>();
        FileSystem fs = od.root().getFileSystem(spark.sparkContext().hadoopConfiguration());
        for (String t : Schemas.TABLES) {
            if (fs.exists(new Path(od.table(t)))) {
                Schemas.read(spark, t, od.table(t)).createOrReplaceTempView(t);
                views.add(t);
            }
        }
        if (views.contains("curves") && views.contains("runs")) {
            spark.sql("SELECT c.*, r.model, r.width, r.seed, r.lr, r.batch_size, r.status, r.group_key, "
                    + "r.axes_json, r.config_json, r.n, r.d FROM curves c JOIN runs r USING (run_id)")
                    .createOrReplaceTempView("curves_runs");
            views.add("curves_runs");
        }
        return views;
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
