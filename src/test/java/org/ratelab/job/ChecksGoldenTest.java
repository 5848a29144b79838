package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.SparkTestSession;
import org.ratelab.TestSpecs;
import org.ratelab.grid.Plan;
import org.ratelab.grid.Planner;
import org.ratelab.spec.SpecLoader;
import org.ratelab.table.OutputDir;

/**
 * The checks table of a smoke grid, value for value, against {@code golden/checks-small.txt}: every check kind
 * and every form of metric name a check takes (runs column, X.max/min/first/final, X.at_step@k, metric.kind,
 * metric.kind@eps, metric.linear_gap, times), each number printed exactly (Double.toString). The file was
 * written on the commit before check kinds became a registry, so the registry and the typed metric names are
 * held to the former results. Rewrite it with -Dratelab.writeGolden=true only for an intended change.
 */
class ChecksGoldenTest {
    static final String SPEC = TestSpecs.SMALL.replace("  - {name: sgd, lr: 0.5, batch_size: 8}\n",
            "  - {name: sgd, lr: 0.5, batch_size: 8}\n  - {name: gd, lr: 400.0}\n") + """
            probes:
              hessian: {enabled: true, every: 50}
            fits: {eps: [0.1, 0.01], bootstrap: 200, at_steps: [100]}
            checks:
              - {name: law-column, law: {metric: rel_change, axis: model.width}, where: {optimizer.name: gd, optimizer.lr: 1.0}, expect: {min: -0.75, max: -0.25}, description: a law}
              - {name: law-max, law: {metric: rel_change.max, axis: model.width}, expect: {value: -0.5, tolerance: 0.2}}
              - {name: law-min, law: {metric: grad_norm_sq.min, axis: model.width}, where: {optimizer.lr: [0.5, 1.0]}, expect: {max: 0}}
              - {name: law-at-step, law: {metric: loss.at_step@100, axis: model.width}, where: {optimizer.lr: 1.0}, expect: {at_most: 0}}
              - {name: law-eps, law: {metric: loss.steps_to_eps@0.1, axis: model.width}, expect: {at_least: -1}}
              - {name: law-gap, law: {metric: loss.linear_gap, axis: model.width}, where: {optimizer.name: gd}, expect: {min: -2, max: 2}}
              - {name: rate-linear, rate: {metric: loss, kind: linear}, where: {optimizer.lr: 1.0}, expect: {at_most: 0.999}}
              - {name: rate-eps, rate: {metric: loss, kind: steps_to_eps, eps: 0.1}, expect: {at_most: 150}}
              - {name: rate-floor, rate: {metric: loss, kind: noise_floor}, where: {optimizer.name: sgd}, expect: {at_most: 1.0}}
              - {name: value-median, value: {metric: final_loss}, where: {status: [converged, max_steps]}, expect: {at_most: 1}}
              - {name: value-min, value: {metric: L_hat, stat: min}, expect: {min: 0}}
              - {name: value-max-times, value: {metric: L_hat, times: optimizer.lr, stat: max}, where: {optimizer.lr: [0.5, 1.0]}, expect: {at_most: 2}}
              - {name: value-mean, value: {metric: sharpness.final, stat: mean}, where: {optimizer.lr: [0.5, 1.0]}, expect: {min: 0}}
              - {name: value-first, value: {metric: loss.first}, expect: {min: 0}}
              - {name: value-at-step, value: {metric: loss.at_step@100}, where: {optimizer.lr: 1.0}, expect: {min: 0}}
              - {name: value-rate, value: {metric: loss.linear}, expect: {max: 1}}
              - {name: value-rate-eps, value: {metric: loss.steps_to_eps@1.0E-1, times: optimizer.lr, stat: max}, expect: {max: 1000}}
              - {name: value-gap, value: {metric: loss.linear_gap, times: width}, where: {optimizer.name: gd}, expect: {min: 0}}
              - {name: fraction-status, fraction: {status: diverged}, where: {optimizer.lr: 400.0}, expect: {min: 0.95}}
              - {name: fraction-below, fraction: {metric: hess_min_eig.min, below: 0}, expect: {at_most: 0.5}}
              - {name: fraction-above-times, fraction: {metric: L_hat, above: 0.5, times: optimizer.lr}, where: {optimizer.lr: [0.5, 1.0]}, expect: {min: 0.5}}
              - {name: fraction-at-most, fraction: {metric: loss.final, at_most: 0.01}, expect: {min: 0}}
              - {name: fraction-at-least, fraction: {metric: loss.power, at_least: -1}, expect: {min: 0}}
              - {name: bound-pl, bound: {kind: pl_rate}, expect: {min: 0.5}}
              - {name: bound-an-lu, bound: {kind: an_lu_rate}, expect: {min: 0}}
              - {name: bound-rm, bound: {kind: robbins_monro}, expect: {min: 0}}
              - name: compare-laws
                compare:
                  left: {law: {metric: rel_change, axis: model.width}, where: {optimizer.name: gd, optimizer.lr: 1.0}}
                  right: {law: {metric: rel_change, axis: model.width}, where: {optimizer.name: sgd}}
                expect: {value: 0, tolerance: 0.3}
              - name: compare-rates
                compare:
                  left: {rate: {metric: loss, kind: steps_to_eps, eps: 0.01}, where: {optimizer.name: gd, optimizer.lr: 1.0}}
                  right: {rate: {metric: loss, kind: steps_to_eps, eps: 0.01}, where: {optimizer.name: sgd}}
                expect: {at_most: 0}
              - name: compare-values
                compare:
                  left: {value: {metric: sharpness.max, stat: median}, where: {optimizer.name: sgd}}
                  right: {value: {metric: sharpness.max}, where: {optimizer.name: gd, optimizer.lr: 1.0}}
                expect: {min: -10, max: 10}
            """;

    @TempDir static Path dir;

    @Test
    void checksTableIsAsBefore() throws Exception {
        SparkSession spark = SparkTestSession.get();
        Plan plan = Planner.plan(SpecLoader.load(TestSpecs.write(dir, "golden.yaml", SPEC), "default"));
        OutputDir out = OutputDir.of(dir.resolve("out").toString(), new Configuration());
        out.create("{}");
        GridJob.execute(spark, plan, out, 2);
        List<String> lines = new ArrayList<>();
        for (Row r : spark.read().parquet(out.table("checks")).orderBy("check").collectAsList()) {
            List<String> f = new ArrayList<>();
            for (int i = 0; i < r.length(); i++) f.add(r.schema().fields()[i].name() + "=" + r.get(i));
            lines.add(String.join(" | ", f));
        }
        String text = String.join("\n", lines) + "\n";
        Path golden = Path.of("src/test/resources/golden/checks-small.txt");
        if (Boolean.getBoolean("ratelab.writeGolden")) Files.writeString(golden, text);
        assertEquals(Files.readString(golden), text);
    }
}
