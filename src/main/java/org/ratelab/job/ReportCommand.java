package org.ratelab.job;

import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.ratelab.report.Report;
import org.ratelab.table.OutputDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ratelab report --out DIR}: writes {@code DIR/report/index.html} and PNG charts from the tables. It
 * reads the Parquet files itself and starts no SparkSession; {@code --master} is still checked as every
 * command checks it, and otherwise unused. The launcher runs it on a class path without Spark ({@code
 * ratelab_command} in {@code jobs/jvm-opts.sh}): no signature of this class may name a Spark or Scala type, since
 * picocli reflects over its methods ({@code ReportLocalClasspathIT}).
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write DIR/report/index.html (charts inline as SVG) and PNG charts from the tables of DIR.")
final class ReportCommand implements Callable<Integer> {
    @Spec CommandSpec cmd;

    @Mixin ExistingOutput where;

    @Override
    public Integer call() throws Exception {
        Report.warmUp();  // class loading of the charts and the Parquet reader, on the other core
        Configuration conf = new Configuration();  // one: each parses Hadoop's default resources again
        OutputDir od = where.open(conf);
        if (where.master != null) SparkConfs.checkMaster(where.master, "--master");
        print(Report.write(conf, od));
        return 0;
    }

    private void print(Report.Result r) {
        cmd.commandLine().getOut().printf("ratelab: report: %d charts, %d tables -> %s%n", r.charts(), r.tables(),
                r.index());
    }
}
