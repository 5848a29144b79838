package org.ratelab.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.ratelab.spec.SpecException;
import org.ratelab.spec.SpecLoader;
import org.yaml.snakeyaml.Yaml;

/**
 * Metric names: one parser and one printer for every form checks use, {@code parse(print(x)) == x}, and every
 * metric name of the library's specs parses to the form it was written in.
 */
class MetricRefTest {
    /** One of each form, with the edge values of each field. */
    static final List<MetricRef> EVERY_FORM = List.of(
            new MetricRef.Column("final_loss"), new MetricRef.Column("L_hat"),
            new MetricRef.CurveStat("sharpness", "max"), new MetricRef.CurveStat("hess_min_eig", "min"),
            new MetricRef.CurveStat("loj_condition", "first"), new MetricRef.CurveStat("test_loss", "final"),
            new MetricRef.AtStep("rel_change", 0), new MetricRef.AtStep("ntk_rel_change", 100),
            new MetricRef.AtStep("loss", Long.MAX_VALUE / 10),
            new MetricRef.Rate("loss", "linear", null), new MetricRef.Rate("loss", "linear_gap", null),
            new MetricRef.Rate("grad_norm_sq", "power", null), new MetricRef.Rate("loss", "noise_floor", null),
            new MetricRef.Rate("loss", "steps_to_eps", 1e-8), new MetricRef.Rate("loss", "oracle_calls_to_eps", 0.01),
            new MetricRef.Rate("loss", "steps_to_eps", 1.0), new MetricRef.Rate("loss", "steps_to_eps", 1234.5678e-300));

    @Test
    void everyFormRoundTrips() {
        for (MetricRef x : EVERY_FORM) {
            assertEquals(x, MetricRef.parse(x.print()), x.print());
            assertEquals(x.print(), x.toString());
        }
    }

    @Test
    void everyLawsTableMetricRoundTrips() {
        org.ratelab.fits.FitSpec fit = org.ratelab.fits.FitSpec.DEFAULT;
        assertTrue(Checks.lawMetrics(fit).size() > 50);
        for (MetricRef x : Checks.lawMetrics(fit)) assertEquals(x, MetricRef.parse(x.print()), x.print());
        for (double eps : fit.eps()) {
            assertEquals(org.ratelab.laws.ScalingLaws.rateMetric("loss", "steps_to_eps", eps),
                    new MetricRef.Rate("loss", "steps_to_eps", eps).print());
        }
    }

    @Test
    void printsAsWrittenAndAsTheLawsTableNamesIt() {
        for (String s : List.of("final_loss", "hess_min_eig.min", "sharpness.final", "loj_condition.first",
                "rel_change.at_step@1000", "loss.linear", "loss.linear_gap", "loss.steps_to_eps@1.0E-8",
                "loss.oracle_calls_to_eps@1.0E-4", "loss.steps_to_eps@0.01")) {
            assertEquals(s, MetricRef.parse(s).print());
        }
        // eps is a number: any spelling names the same rate, printed as the laws table writes it
        assertEquals(new MetricRef.Rate("loss", "steps_to_eps", 1e-8), MetricRef.parse("loss.steps_to_eps@1e-8"));
        assertEquals("loss.steps_to_eps@1.0E-8", MetricRef.parse("loss.steps_to_eps@1e-8").print());
        assertEquals(org.ratelab.laws.ScalingLaws.rateMetric("loss", "steps_to_eps", 1e-8),
                MetricRef.parse("loss.steps_to_eps@1e-8").print());
        assertInstanceOf(MetricRef.Rate.class, MetricRef.parse("loss.lineer"), "names are checked by the kind, not the parser");
        assertEquals("linear", ((MetricRef.Rate) MetricRef.parse("loss.linear_gap")).tableKind());
    }

    @Test
    void badFormsSayWhatIsWrongAndListTheForms() {
        for (String s : new String[] {"", "a.b.c", "loss.", ".max", "loss.max@3", "loss.at_step@", "loss.at_step@-1",
                "loss.at_step@1.5", "loss.steps_to_eps@abc", "loss linear"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MetricRef.parse(s), s);
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(e.getMessage().contains(MetricRef.FORMS), e.getMessage());
        }
        SpecException e = assertThrows(SpecException.class, () -> CheckSpec.parseAll(new Yaml().load(
                "- {name: a, value: {metric: 'loss.at_step@x'}, expect: {at_most: 1}}")));
        assertTrue(e.getMessage().startsWith("checks[0].value.metric: "), e.getMessage());
        assertTrue(e.getMessage().contains(MetricRef.FORMS), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    /** Every metric name in the checks of conf/experiments/*.yaml parses, prints back as written, and its spec's checks parse. */
    @Test
    void everyLibraryMetricParses() throws Exception {
        List<String> seen = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("conf", "experiments"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                Object checks = SpecLoader.load(f, "default").sections().get("checks");
                CheckSpec.parseAll(checks);
                collect(checks, seen);
            }
        }
        assertTrue(seen.size() > 40, "metric names found: " + seen.size());
        for (String s : seen) assertEquals(s, MetricRef.parse(s).print(), s);
    }

    @SuppressWarnings("unchecked")
    private static void collect(Object node, List<String> out) {
        if (node instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (e.getKey().equals("metric") && e.getValue() instanceof String s && !m.containsKey("kind")) out.add(s);
                else collect(e.getValue(), out);
            }
        } else if (node instanceof List<?> l) {
            for (Object o : l) collect(o, out);
        }
    }
}
