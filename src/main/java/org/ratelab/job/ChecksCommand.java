package org.ratelab.job;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.ratelab.table.OutputDir;
import org.ratelab.table.Schemas;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ratelab checks --out DIR}: prints the verdicts; exit status 1 when any check failed. */
@Command(name = "checks", mixinStandardHelpOptions = true,
        description = "Print the verdicts of the declared checks; exit 1 if any failed.")
final class ChecksCommand implements Callable<Integer> {
    @Spec CommandSpec cmd;

    @Mixin ExistingOutput where;

    @Override
    public Integer call() throws Exception {
        OutputDir od = where.open();
        if (!od.root().getFileSystem(new Configuration()).exists(new Path(od.table("checks")))) {
            throw new UsageException("--out " + where.out + " has no checks table (run the experiment first)");
        }
        SparkSession spark = Sessions.start(where.master, java.util.Map.of());
        try {
            List<Row> rows = spark.read().schema(Schemas.CHECKS).parquet(od.table("checks"))
                    .orderBy("experiment", "check").collectAsList();
            return print(rows, cmd.commandLine().getOut());
        } finally {
            spark.stop();
        }
    }

    static int print(List<Row> rows, PrintWriter o) {
        int failed = 0;
        for (Row r : rows) {
            boolean passed = r.getBoolean(r.fieldIndex("passed"));
            if (!passed) failed++;
            o.printf("%s  %s  observed %s [%s, %s]  expected %s  (%s)%n", passed ? "PASS" : "FAIL",
                    r.getString(r.fieldIndex("check")), num(r, "observed"), num(r, "ci_low"), num(r, "ci_high"),
                    r.getString(r.fieldIndex("expect")), r.getString(r.fieldIndex("detail")));
        }
        o.printf("%d passed, %d failed%n", rows.size() - failed, failed);
        o.flush();
        return failed == 0 ? 0 : 1;
    }

    private static String num(Row r, String f) {
        int i = r.fieldIndex(f);
        return r.isNullAt(i) ? "n/a" : String.format("%.4g", r.getDouble(i));
    }
}
