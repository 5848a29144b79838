package org.ratelab.job;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ratelab.api.Keys;
import org.ratelab.api.Kind;
import org.ratelab.api.Plugins;
import org.ratelab.api.Registry;
import org.ratelab.checks.CheckKind;
import org.ratelab.data.DataSets;
import org.ratelab.model.Models;
import org.ratelab.optim.Optimizers;
import org.ratelab.optim.Schedules;
import org.ratelab.probes.Probes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ratelab kinds [optimizer|schedule|model|data|probe|check] [NAME] [--jars ...]}: every registered kind, ratelab's own and
 * the plug-ins', with its keys, their types and ranges, defaults and doc lines, all read from the kinds'
 * own parsers and records ({@link Keys}). {@link #markdown()} is the same listing as README's kind tables.
 */
@Command(name = "kinds", mixinStandardHelpOptions = true,
        description = "List the registered optimizers, schedules, models, data sources, probes and check kinds with their keys and defaults.")
final class KindsCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SORT", description = "optimizer, schedule, model, data, probe or check")
    String sort;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "One kind of that sort.")
    String name;

    @Option(names = "--jars", paramLabel = "JAR[,JAR...]", split = ",",
            description = "Plug-in jars to list too (and RATELAB_PLUGINS).")
    List<Path> jars = new ArrayList<>();

    @Spec CommandSpec cmd;

    /** The registries by sort, in the order of a spec's sections. */
    static Map<String, Registry<?>> registries() {
        Map<String, Registry<?>> m = new LinkedHashMap<>();
        m.put("optimizer", Optimizers.REGISTRY);
        m.put("schedule", Schedules.REGISTRY);
        m.put("model", Models.REGISTRY);
        m.put("data", DataSets.REGISTRY);
        m.put("probe", Probes.REGISTRY);
        m.put("check", CheckKind.REGISTRY);
        return m;
    }

    @Override
    public Integer call() {
        Plugins.use(Plugins.gather(jars, null, System.getenv("RATELAB_PLUGINS")));
        Map<String, Registry<?>> regs = registries();
        if (sort != null && !regs.containsKey(sort)) {
            throw new UsageException("unknown sort '" + sort + "'; expected one of " + String.join(", ", regs.keySet()));
        }
        PrintWriter out = cmd.commandLine().getOut();
        for (Map.Entry<String, Registry<?>> r : regs.entrySet()) {
            if (sort != null && !sort.equals(r.getKey())) continue;
            if (name != null && r.getValue().get(name) == null) {
                throw new UsageException("unknown " + r.getKey() + " '" + name + "'; registered: "
                        + String.join(", ", r.getValue().names()));
            }
            for (Object o : r.getValue().all().values()) {
                Kind<?> k = (Kind<?>) o;
                if (name != null && !name.equals(k.name())) continue;
                out.println(r.getKey() + " " + k.name() + "  (" + origin(k) + ")  " + k.doc());
                for (Keys.Key key : Keys.of(k)) {
                    out.printf("  %-22s %-34s default %-12s %s%n", key.path(), key.type(), key.dflt(), key.doc());
                }
            }
        }
        return 0;
    }

    static String origin(Object k) {
        return Registry.builtIn(k) ? "built-in" : "plug-in " + Registry.source(k) + " " + Registry.version(k);
    }

    /** Every plug-in kind in use: sort, name, jar and version ({@code _ratelab.json}'s {@code plugins}). */
    static List<Map<String, String>> pluginRecords() {
        List<Map<String, String>> out = new ArrayList<>();
        for (Map.Entry<String, Registry<?>> r : registries().entrySet()) {
            for (Object k : r.getValue().all().values()) {
                if (Registry.builtIn(k)) continue;
                Map<String, String> m = new LinkedHashMap<>();
                m.put("sort", r.getKey());
                m.put("name", ((Kind<?>) k).name());
                m.put("jar", Registry.source(k));
                m.put("version", Registry.version(k));
                out.add(m);
            }
        }
        return out;
    }

    /**
     * README's kind tables: one Markdown table per registry of ratelab's own kinds (name, doc line, keys with
     * their defaults), generated from the registries, so that README cannot drift from the code.
     */
    static String markdown() {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Registry<?>> r : registries().entrySet()) {
            Registry<?> reg = r.getValue();
            b.append("\n`").append(reg.sort()).append(".").append(reg.discriminator()).append("`:\n\n");
            b.append("| ").append(reg.discriminator()).append(" | what | keys (default) |\n|---|---|---|\n");
            for (Object o : reg.all().values()) {
                Kind<?> k = (Kind<?>) o;
                if (!Registry.builtIn(k)) continue;
                List<String> keys = new ArrayList<>();
                for (Keys.Key key : Keys.of(k)) keys.add("`" + key.path() + "` " + key.dflt());
                b.append("| `").append(k.name()).append("` | ").append(k.doc().replace("|", "\\|")).append(" | ")
                        .append(String.join(", ", keys).replace("|", "\\|")).append(" |\n");
            }
        }
        return b.toString();
    }
}
