package org.ratelab.job;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ratelab.api.PluginException;
import org.ratelab.spec.SpecException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The ratelab CLI: {@code run}, {@code plan}, {@code sql}, {@code checks}, {@code report},
 * {@code reproduce}, {@code env}, {@code bench}, {@code kinds}. Exit status: 0 success (diverged or failed runs are results, not errors),
 * 2 a spec or request that cannot be carried out (one line on stderr, nothing written), 1 an unexpected
 * failure ({@code checks}: 1 when a check failed).
 */
@Command(name = "ratelab", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Convergence theorems held against real training runs, at grid scale, on Spark.")
public final class Main implements Runnable {
    public static final int EXIT_USAGE = 2;

    /** The commands, in the order the help lists them. */
    static final Map<String, Class<?>> COMMANDS = commands();

    private static Map<String, Class<?>> commands() {
        Map<String, Class<?>> c = new LinkedHashMap<>();
        for (Class<?> k : List.of(RunCommand.class, PlanCommand.class, SqlCommand.class, ChecksCommand.class,
                ReportCommand.class, ReproduceCommand.class, EnvCommand.class, BenchCommand.class,
                LatencyBenchCommand.class, KindsCommand.class)) {
            c.put(k.getAnnotation(Command.class).name(), k);
        }
        return java.util.Collections.unmodifiableMap(c);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this),
                "a command is required: run, plan, sql, env or report");
    }

    public static void main(String[] args) {
        Logs.init();
        // embedded, file: paths are set up without a chmod process per file (under spark-submit the cluster's
        // own configuration stays as it is)
        if (!Logs.underSparkSubmit()) org.ratelab.table.LocalFiles.register();
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams; returns the exit status (used by tests). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        return execute(args, out, err, CommandLine.defaultFactory());
    }

    /** The same, each command made by {@code factory} (the query server's {@code sql}: {@link SqlServer}). */
    static int execute(String[] args, PrintWriter out, PrintWriter err, CommandLine.IFactory factory) {
        CommandLine cl = new CommandLine(new Main(), factory);
        // picocli builds every command it is given (reflection over its options, mixins and types): when the
        // first argument names a command, that one alone, else all of them (help, an unknown or no command)
        Class<?> named = args.length > 0 ? COMMANDS.get(args[0]) : null;
        if (named != null) {
            cl.addSubcommand(args[0], named);
        } else {
            COMMANDS.forEach(cl::addSubcommand);
        }
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("ratelab: " + ex.getMessage().replace('\n', ' '));
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            Throwable e = ex;
            if (e instanceof SpecException || e instanceof UsageException || e instanceof PluginException) {
                err.println("ratelab: " + e.getMessage());
                return EXIT_USAGE;
            }
            err.println("ratelab: failed: " + e);
            e.printStackTrace(err);
            return 1;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** Prints the ratelab, Spark and Java versions. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"ratelab " + version(), "Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION(),
                "Java " + System.getProperty("java.version")};
        }
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }
}
