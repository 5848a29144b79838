package org.ratelab.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratelab.spec.Node;
import org.ratelab.spec.SpecException;

/** Every method parses from a spec, validates, and round-trips through its canonical form. */
class OptimizerSpecTest {
    static List<String> names() { return Optimizers.names(); }

    static OptimizerSpec parse(Map<String, Object> m) { return Optimizers.parse(new Node("optimizer", m)); }

    @ParameterizedTest
    @MethodSource("names")
    void defaultsRoundTripThroughCanonical(String name) {
        OptimizerSpec s = parse(Map.of("name", name));
        assertEquals(name, s.name());
        Map<String, Object> canon = s.canonical();
        assertEquals(s, parse(new LinkedHashMap<>(canon)), canon.toString());
        assertTrue(s.lr() > 0);
    }

    @ParameterizedTest
    @MethodSource("names")
    void nonDefaultSchedulesAndNoiseRoundTrip(String name) {
        Map<String, Object> m = new LinkedHashMap<>(Map.of("name", name, "lr", 0.05));
        if (name.equals(SamSpec.NAME)) {   // sam's step size and schedule are its base's
            m = new LinkedHashMap<>(Map.of("name", name, "base", new LinkedHashMap<>(Map.of("name", "sgd",
                    "lr", 0.05, "noise", Map.of("kind", "aligned", "scale", 0.2)))));
            OptimizerSpec s = parse(m);
            assertEquals(0.05, s.lr());
            assertEquals(s, parse(new LinkedHashMap<>(s.canonical())));
            return;
        }
        m.put("schedule", Map.of("kind", "linear_scaling", "warmup_steps", 10, "base_batch", 4, "every", 30,
                "decay", 0.5));
        OptimizerSpec s;
        try {
            m.put("noise", Map.of("kind", "aligned", "scale", 0.2));
            s = parse(m);
        } catch (SpecException e) {
            // methods without gradient noise injection reject the key, naming it
            assertTrue(e.getMessage().contains("noise"), e.getMessage());
            m.remove("noise");
            s = parse(m);
        }
        assertEquals(s, parse(new LinkedHashMap<>(s.canonical())));
        // every method as sam's base: the same keys one level down, the same record inside
        OptimizerSpec sam = parse(Map.of("name", SamSpec.NAME, "rho", 0.1, "base", new LinkedHashMap<>(m)));
        assertEquals(s, ((SamSpec) sam).base());
        assertEquals(sam, parse(new LinkedHashMap<>(sam.canonical())));
    }

    /**
     * Every method's {@code sampling()} is what its canonical form says ({@code with_replacement} when it has no
     * {@code sampling} key), including gd's and lbfgs's, which answer without building that form.
     */
    @ParameterizedTest
    @MethodSource("names")
    void samplingIsWhatTheCanonicalFormSays(String name) {
        OptimizerSpec s = parse(name.equals(SamSpec.NAME)
                ? Map.of("name", name, "base", Map.of("name", "sgd", "sampling", "shuffle", "batch_size", 4))
                : Map.of("name", name));
        Map<String, Object> canon = name.equals(SamSpec.NAME) ? ((SamSpec) s).base().canonical() : s.canonical();
        Object expected = canon.getOrDefault("sampling", "with_replacement");
        assertEquals(expected.toString(), s.sampling(), name);
        if (name.equals(GdSpec.NAME) || name.equals(LbfgsSpec.NAME)) assertFalse(canon.containsKey("sampling"), name);
        if (name.equals(SamSpec.NAME)) assertEquals("shuffle", s.sampling());
    }

    @Test
    void existingSgdKeysKeepWorking() {
        SgdSpec s = (SgdSpec) parse(Map.of("name", "sgd", "lr", 0.2, "batch_size", 8, "sampling", "shuffle",
                "momentum", 0.9, "dampening", 0.1, "weight_decay", 1e-4,
                "schedule", Map.of("kind", "robbins_monro", "q", 0.75, "n0", 10)));
        assertEquals(8, s.batchSize());
        assertEquals(0.75, ((ClassicSchedule) s.schedule()).q());
        assertEquals(Noise.NONE, s.noise());
        GdSpec g = (GdSpec) parse(Map.of("name", "gd", "lr", 0.3));
        assertEquals(Schedule.CONSTANT, g.schedule());
    }

    @Test
    void errorsNameTheKey() {
        SpecException e = assertThrows(SpecException.class, () -> parse(Map.of("name", "adam", "beta3", 0.1)));
        assertTrue(e.getMessage().contains("optimizer.beta3"), e.getMessage());
        e = assertThrows(SpecException.class, () -> parse(Map.of("name", "adam", "beta1", 1.0)));
        assertTrue(e.getMessage().contains("optimizer.beta1"), e.getMessage());
        e = assertThrows(SpecException.class, () -> parse(Map.of("name", "sgd", "nesterov", true)));
        assertTrue(e.getMessage().contains("optimizer.nesterov"), e.getMessage());
        e = assertThrows(SpecException.class, () -> parse(Map.of("name", "gd", "schedule",
                Map.of("kind", "step_decay"))));
        assertTrue(e.getMessage().contains("optimizer.schedule.every"), e.getMessage());
        e = assertThrows(SpecException.class, () -> parse(Map.of("name", "gd", "noise", Map.of("kind", "pink"))));
        assertTrue(e.getMessage().contains("optimizer.noise.kind"), e.getMessage());
        e = assertThrows(SpecException.class, () -> parse(Map.of("name", "svrg", "batch_size", 0)));
        assertTrue(e.getMessage().contains("optimizer.batch_size"), e.getMessage());
        e = assertThrows(SpecException.class, () -> parse(Map.of("name", "lion")));
        assertTrue(e.getMessage().contains("optimizer.name"), e.getMessage());
        e = assertThrows(SpecException.class, () -> parse(Map.of("name", "radam", "beta2", 1.0)));
        assertTrue(e.getMessage().contains("optimizer.beta2"), e.getMessage());
        e = assertThrows(SpecException.class, () -> parse(Map.of("name", "rprop", "etaminus", 1.0)));
        assertTrue(e.getMessage().contains("optimizer.etaminus"), e.getMessage());
        e = assertThrows(SpecException.class, () -> parse(Map.of("name", "rprop", "step_size_min", 2.0,
                "step_size_max", 1.0)));
        assertTrue(e.getMessage().contains("optimizer.step_size_min"), e.getMessage());
        e = assertThrows(SpecException.class, () -> parse(Map.of("name", "lbfgs", "line_search_fn", "backtracking")));
        assertTrue(e.getMessage().contains("optimizer.line_search_fn"), e.getMessage());
        e = assertThrows(SpecException.class, () -> parse(Map.of("name", "lbfgs", "batch_size", 4)));
        assertTrue(e.getMessage().contains("optimizer.batch_size"), e.getMessage());
    }

    @Test
    void schedulesArePureFunctions() {
        ClassicSchedule rm = new ClassicSchedule("robbins_monro", 0.5, 4, 0.1, 0, 0, 256);
        assertEquals(1.0, rm.factor(0));
        assertEquals(Math.pow(2, -0.5), rm.factor(4), 1e-15);
        ClassicSchedule step = new ClassicSchedule("step_decay", 1, 1, 0.5, 10, 0, 256);
        assertEquals(1.0, step.factor(9));
        assertEquals(0.25, step.factor(25));
        ClassicSchedule goyal = new ClassicSchedule("linear_scaling", 1, 1, 0.1, 100, 10, 256);
        assertEquals(1.0, goyal.factor(0, 1024));
        assertEquals(2.5, goyal.factor(5, 1024), 1e-15);   // halfway from 1 to 4
        assertEquals(4.0, goyal.factor(10, 1024));
        assertEquals(0.4, goyal.factor(150, 1024), 1e-15); // one decay
        assertEquals(goyal.factor(57, 512), goyal.factor(57, 512));
        assertThrows(IllegalStateException.class, () -> goyal.factor(3));
    }

    @Test
    void boundedAndAlignedNoise() {
        TestOracles.Quadratic q = new TestOracles.Quadratic(new double[] {0, 0, 0}, 9);
        Noise.State bounded = new Noise("bounded", 0.5).instantiate(3);
        Noise.State aligned = new Noise("aligned", 0.5).instantiate(3);
        double[] first = null;
        double sumNorm = 0;
        for (int k = 0; k < 2000; k++) {
            double[] g = new double[3];
            bounded.add(g, new double[3], 0, q);
            double norm = Math.sqrt(g[0] * g[0] + g[1] * g[1] + g[2] * g[2]);
            assertTrue(norm <= 0.5 + 1e-15);
            double[] h = new double[3];
            aligned.add(h, new double[3], 0, q);
            double hn = Math.sqrt(h[0] * h[0] + h[1] * h[1] + h[2] * h[2]);
            assertTrue(hn <= 0.5 + 1e-15);
            if (first == null) first = h.clone();
            // every aligned draw points along the first one, with a positive coefficient
            double dot = (h[0] * first[0] + h[1] * first[1] + h[2] * first[2])
                    / Math.sqrt(first[0] * first[0] + first[1] * first[1] + first[2] * first[2]);
            assertEquals(hn, dot, 1e-12);
            sumNorm += norm;
        }
        // uniform in the 3-ball of radius c: E|Z| = 3c/4
        assertEquals(0.375, sumNorm / 2000, 0.01);
    }

    @Test
    void mlNoiseScalesWithTheLoss() {
        TestOracles.Quadratic q = new TestOracles.Quadratic(new double[] {1, 1}, 9);
        Noise.State ml = new Noise("ml", 2.0).instantiate(2);
        double sq = 0;
        int reps = 20000;
        for (int k = 0; k < reps; k++) {
            double[] g = new double[2];
            ml.add(g, new double[] {1, 1}, 1.0, q); // F = 1
            sq += g[0] * g[0] + g[1] * g[1];
        }
        assertEquals(2.0, sq / reps, 0.06); // E|√(σF)Z|² = σF
        double[] g = new double[2];
        ml.add(g, new double[] {0, 0}, 0.0, q);
        assertEquals(0.0, g[0]);
    }
}
