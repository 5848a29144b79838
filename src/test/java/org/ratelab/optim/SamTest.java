package org.ratelab.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratelab.spec.Node;
import org.ratelab.spec.SpecException;

/**
 * SAM ({@link SamSpec}) against the official PyTorch SAM (github.com/davda54/sam at 3c3afdb) in float64:
 * src/test/resources/goldens/sam_goldens.json, made by gen_sam_goldens.py beside it (base SGD with momentum,
 * Nesterov and weight decay, base Adam, each also adaptive (ASAM), on the quadratic and the logistic
 * regression of gen_torch_goldens.py), every iterate to 1e-12 relative with the trace of every evaluation
 * replayed as {@link TorchGoldensTest} does; plus first steps derived by hand and the accounting.
 */
class SamTest {
    static OptimizerSpec parse(Map<String, Object> m) { return Optimizers.parse(new Node("optimizer", m)); }

    @SuppressWarnings("unchecked")
    static Stream<Arguments> cases() throws Exception {
        Map<String, Object> g = TorchGoldensTest.goldens("sam_goldens.json");
        Map<String, Map<String, Object>> problems = TorchGoldensTest.problemsByName(g);
        List<Arguments> out = new ArrayList<>();
        for (Object c : (List<Object>) g.get("cases")) {
            Map<String, Object> cm = (Map<String, Object>) c;
            String problem = (String) cm.get("problem");
            out.add(Arguments.of(problem + " " + cm.get("config"), problems.get(problem), cm.get("config"),
                    cm.get("iterates"), cm.get("trace")));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @SuppressWarnings("unchecked")
    void matchesOfficialSam(String label, Map<String, Object> problem, Map<String, Object> config,
                            List<Object> iterates, List<Object> trace) {
        Map<String, Object> section = new LinkedHashMap<>(config);
        Map<String, Object> base = new LinkedHashMap<>((Map<String, Object>) config.get("base"));
        if (base.get("name").equals("sgd")) base.put("batch_size", 0);   // torch's step on the full gradient
        section.put("base", base);
        OptimizerSpec spec = parse(section);
        TorchGoldensTest.Replay oracle = new TorchGoldensTest.Replay(label, TorchGoldensTest.problem(problem), trace);
        Optimizer opt = spec.instantiate(oracle.dim(), oracle.n(), 1.0);
        double[] theta = TorchGoldensTest.vec(problem.get("x0"));
        assertTrue(iterates.size() >= 5);
        for (int k = 0; k < iterates.size(); k++) {
            opt.step(k, theta, oracle);
            TorchGoldensTest.close(label + " step " + (k + 1), TorchGoldensTest.vec(iterates.get(k)), theta);
        }
        assertEquals(trace.size(), oracle.next, label + ": evaluations asked for");
        assertEquals(2L * iterates.size() * oracle.n(), oracle.calls(), "two full gradients (n each) per step");
    }

    /**
     * By hand, F = ½(x₁² + 10x₂²) from (1, 1), base SGD lr 0.1 (no momentum): g = (1, 10), s = ρ/(√101 + 10⁻¹²),
     * θ + e = (1 + s, 1 + 10s), g_SAM = (1 + s, 10 + 100s), θ₁ = (1 − 0.1(1 + s), 1 − 0.1(10 + 100s)) =
     * (0.9 − 0.1s, −10s); with ρ = 0.05, x₂ = −0.5/√101 ≈ −0.0497519, where plain SGD lands on 0.
     */
    @Test
    void firstStepOnTheQuadraticByHand() {
        double rho = 0.05;
        OptimizerSpec spec = parse(Map.of("name", "sam", "rho", rho,
                "base", Map.of("name", "sgd", "lr", 0.1, "batch_size", 0)));
        TestOracles.Quadratic q = new TestOracles.Quadratic(new double[] {1, 10}, 1);
        double[] theta = {1, 1};
        spec.instantiate(2, 1, 1.0).step(0, theta, q);
        double s = rho / (Math.sqrt(101) + 1e-12);
        assertEquals(0.9 - 0.1 * s, theta[0], 1e-15);
        assertEquals(-10 * s, theta[1], 1e-15);
        assertEquals(-0.5 / Math.sqrt(101), theta[1], 1e-13);
        assertEquals(2, q.calls());
    }

    /**
     * ASAM by hand from (2, 1): g = (2, 10), |θ|⊙g = (4, 10), s = ρ/(√116 + 10⁻¹²), e = s·θ²⊙g = s(8, 10),
     * g_SAM = (2 + 8s, 10 + 100s); base SGD lr 0.1: θ₁ = (2 − 0.1(2 + 8s), 1 − 0.1(10 + 100s)) = (1.8 − 0.8s, −10s).
     */
    @Test
    void adaptiveFirstStepByHand() {
        double rho = 0.5;
        OptimizerSpec spec = parse(Map.of("name", "sam", "rho", rho, "adaptive", true,
                "base", Map.of("name", "sgd", "lr", 0.1, "batch_size", 0)));
        TestOracles.Quadratic q = new TestOracles.Quadratic(new double[] {1, 10}, 1);
        double[] theta = {2, 1};
        spec.instantiate(2, 1, 1.0).step(0, theta, q);
        double s = rho / (Math.sqrt(116) + 1e-12);
        assertEquals(1.8 - 0.8 * s, theta[0], 1e-15);
        assertEquals(-10 * s, theta[1], 1e-14);
    }

    /** rho = 0: the base's own trajectory, at twice its per-sample gradients. */
    @Test
    void rhoZeroIsTheBase() {
        Map<String, Object> base = Map.of("name", "adam", "lr", 0.05, "batch_size", 3);
        OptimizerSpec sam = parse(Map.of("name", "sam", "rho", 0.0, "base", base));
        OptimizerSpec adam = parse(new LinkedHashMap<>(base));
        TestOracles.FiniteSum o1 = lsq(7);
        TestOracles.FiniteSum o2 = lsq(7);
        double[] t1 = {0.5, -0.25, 1.0};
        double[] t2 = t1.clone();
        Optimizer s1 = sam.instantiate(3, o1.n(), 1.0);
        Optimizer s2 = adam.instantiate(3, o2.n(), 1.0);
        for (int k = 0; k < 20; k++) {
            s1.step(k, t1, o1);
            s2.step(k, t2, o2);
        }
        assertArrayEquals(t2, t1, 0.0);
        assertEquals(2 * o2.calls(), o1.calls());
        assertEquals(2 * adam.gradientsPerStep(8), sam.gradientsPerStep(8));
    }

    static TestOracles.FiniteSum lsq(long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(99);
        double[][] a = new double[8][3];
        double[] b = new double[8];
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 3; j++) a[i][j] = r.nextDouble(-1, 1);
            b[i] = r.nextDouble(-1, 1);
        }
        return new TestOracles.LeastSquares(a, b, seed);
    }

    /** Both gradients of a minibatch step come from the same minibatch: at θ, then at θ + e. */
    @Test
    void minibatchStepAsksTheSameBatchTwice() {
        List<int[]> batches = new ArrayList<>();
        List<double[]> points = new ArrayList<>();
        TestOracles.FiniteSum inner = lsq(3);
        Oracle recording = new Oracle() {
            @Override public int dim() { return inner.dim(); }
            @Override public int n() { return inner.n(); }
            @Override public double fullGrad(double[] theta, double[] grad) { throw new AssertionError("full"); }
            @Override public double batchGrad(double[] theta, int[] idx, int count, double[] grad) {
                batches.add(java.util.Arrays.copyOf(idx, count));
                points.add(theta.clone());
                return inner.batchGrad(theta, idx, count, grad);
            }
            @Override public double fullLoss(double[] theta) { return inner.fullLoss(theta); }
            @Override public java.util.random.RandomGenerator rng() { return inner.rng(); }
            @Override public long calls() { return inner.calls(); }
        };
        OptimizerSpec spec = parse(Map.of("name", "sam", "rho", 0.1,
                "base", Map.of("name", "sgd", "lr", 0.1, "batch_size", 2, "momentum", 0.9)));
        Optimizer opt = spec.instantiate(3, 8, 1.0);
        double[] theta = {0.5, -0.25, 1.0};
        for (int k = 0; k < 6; k++) {
            double[] before = theta.clone();
            opt.step(k, theta, recording);
            assertEquals(2 * (k + 1), batches.size());
            assertArrayEquals(batches.get(2 * k), batches.get(2 * k + 1), "step " + k);
            assertArrayEquals(before, points.get(2 * k), 0.0, "first gradient at θ_k");
            double dist = 0;
            for (int j = 0; j < 3; j++) dist += Math.pow(points.get(2 * k + 1)[j] - before[j], 2);
            double[] g = new double[3];
            int[] batch = batches.get(2 * k);
            inner.eval(before, batch, batch.length, g);
            double gn = Math.sqrt(g[0] * g[0] + g[1] * g[1] + g[2] * g[2]);
            assertEquals(0.1 * gn / (gn + 1e-12), Math.sqrt(dist), 1e-15, "the ascent point is ρ‖g‖/(‖g‖ + 1e-12) away");
        }
        assertEquals(24, inner.calls());
    }

    /** A plug-in base's {@code plugin: {jar, version}} enters the run_id as its version only, as at the top. */
    @Test
    void pluginBaseKeepsOnlyItsVersionInTheRunId() {
        Map<String, Object> base = new java.util.TreeMap<>(Map.of("name", "lion", "lr", 0.1,
                "plugin", Map.of("jar", "lion-1.0.jar", "version", "1.0")));
        Map<String, Object> sam = new java.util.TreeMap<>(Map.of("name", "sam", "rho", 0.05, "base", base));
        Map<String, Object> id = org.ratelab.api.Registry.pluginIdentity(sam);
        assertEquals(Map.of("version", "1.0"), ((Map<?, ?>) id.get("base")).get("plugin"));
        assertEquals(0.1, ((Map<?, ?>) id.get("base")).get("lr"));
        assertEquals("lion-1.0.jar", ((Map<?, ?>) base.get("plugin")).get("jar"), "the canonical map is not modified");
        Map<String, Object> builtIn = parse(Map.of("name", "sam")).canonical();
        assertTrue(org.ratelab.api.Registry.pluginIdentity(builtIn) == builtIn, "built-in sections unchanged");
    }

    @Test
    void keysAndErrors() {
        SamSpec d = (SamSpec) parse(Map.of("name", "sam"));
        assertEquals(0.05, d.rho());
        assertEquals(false, d.adaptive());
        assertEquals(parse(Map.of("name", "sgd")), d.base());
        SpecException e = assertThrows(SpecException.class,
                () -> parse(Map.of("name", "sam", "base", Map.of("name", "sgd", "momentm", 0.9))));
        assertTrue(e.getMessage().contains("optimizer.base.momentm"), e.getMessage());
        e = assertThrows(SpecException.class, () -> parse(Map.of("name", "sam", "rho", -0.1)));
        assertTrue(e.getMessage().contains("optimizer.rho"), e.getMessage());
        e = assertThrows(SpecException.class, () -> parse(Map.of("name", "sam", "base", Map.of("name", "nope"))));
        assertTrue(e.getMessage().contains("optimizer.base.name"), e.getMessage());
        Map<String, Object> canon = parse(Map.of("name", "sam", "rho", 0.1,
                "base", Map.of("name", "adam", "lr", 0.01))).canonical();
        assertEquals("sam", canon.get("name"));
        assertEquals("adam", ((Map<?, ?>) canon.get("base")).get("name"));
    }
}
