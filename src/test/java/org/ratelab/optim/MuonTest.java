package org.ratelab.optim;

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
 * Muon ({@link MuonSpec}) against the reference (github.com/KellerJordan/Muon at 857d1ad, its Newton–Schulz
 * iterate in float64): src/test/resources/goldens/muon_goldens.json, made by gen_muon_goldens.py beside it, on
 * least-squares matrix regressions with a 3 × 4 and a 4 × 3 weight matrix and a bias (the vector fallback:
 * the reference's auxiliary Adam, or torch's SGD), every iterate of 10 steps to 1e-12 relative. Plus the
 * orthogonalisation itself and the layout rules.
 */
class MuonTest {
    static OptimizerSpec parse(Map<String, Object> m) { return Optimizers.parse(new Node("optimizer", m)); }

    /** F(W, c) = (1/n) Σ ½‖W a_i + c − y_i‖², θ = (W row-major, c), with its block layout. */
    static final class MatrixRegression extends TestOracles.FiniteSum {
        final int rows;
        final int cols;
        final double[][] a;
        final double[][] y;
        final List<Block> blocks;

        MatrixRegression(int rows, int cols, double[][] a, double[][] y, boolean layout) {
            super(rows * cols + rows, a.length, 1);
            this.rows = rows;
            this.cols = cols;
            this.a = a;
            this.y = y;
            this.blocks = layout ? List.of(new Block(0, rows, cols, true), new Block(rows * cols, 1, rows, true)) : List.of();
        }

        @Override public List<Block> blocks() { return blocks; }

        @Override
        double eval(double[] x, int[] idx, int count, double[] grad) {
            if (grad != null) java.util.Arrays.fill(grad, 0.0);
            double f = 0;
            for (int s = 0; s < count; s++) {
                int i = idx == null ? s : idx[s];
                for (int r = 0; r < rows; r++) {
                    double z = 0.0;
                    for (int k = 0; k < cols; k++) z += x[r * cols + k] * a[i][k];
                    double res = z + x[rows * cols + r] - y[i][r];
                    f += 0.5 * res * res;
                    if (grad != null) {
                        for (int k = 0; k < cols; k++) grad[r * cols + k] += res * a[i][k];
                        grad[rows * cols + r] += res;
                    }
                }
            }
            if (grad != null) for (int j = 0; j < dim; j++) grad[j] = grad[j] / count;
            return f / count;
        }
    }

    static double[][] mat(Object o) {
        List<?> rows = (List<?>) o;
        double[][] m = new double[rows.size()][];
        for (int i = 0; i < m.length; i++) m[i] = TorchGoldensTest.vec(rows.get(i));
        return m;
    }

    @SuppressWarnings("unchecked")
    static Stream<Arguments> cases() throws Exception {
        Map<String, Object> g = TorchGoldensTest.goldens("muon_goldens.json");
        Map<String, Map<String, Object>> problems = TorchGoldensTest.problemsByName(g);
        List<Arguments> out = new ArrayList<>();
        for (Object c : (List<Object>) g.get("cases")) {
            Map<String, Object> cm = (Map<String, Object>) c;
            String problem = (String) cm.get("problem");
            out.add(Arguments.of(problem + " " + cm.get("config"), problems.get(problem), cm.get("config"),
                    cm.get("iterates")));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesReferenceMuon(String label, Map<String, Object> problem, Map<String, Object> config,
                              List<Object> iterates) {
        OptimizerSpec spec = parse(new LinkedHashMap<>(config));
        int rows = ((Number) problem.get("rows")).intValue();
        int cols = ((Number) problem.get("cols")).intValue();
        MatrixRegression oracle = new MatrixRegression(rows, cols, mat(problem.get("a")), mat(problem.get("y")), true);
        Optimizer opt = spec.instantiate(oracle.dim(), oracle.n(), 1.0);
        double[] theta = TorchGoldensTest.vec(problem.get("x0"));
        assertTrue(iterates.size() >= 5);
        for (int k = 0; k < iterates.size(); k++) {
            opt.step(k, theta, oracle);
            TorchGoldensTest.close(label + " step " + (k + 1), TorchGoldensTest.vec(iterates.get(k)), theta);
        }
        assertEquals((long) iterates.size() * oracle.n(), oracle.calls(), "one full gradient (n) per step");
    }

    /**
     * By hand, a first step on a 2 × 3 block with orthogonal gradient rows G = [(3, 0, 4); (0, 2, 0)]: from m = 0,
     * m = 0.05G and the Nesterov update U = f·G with f = lerp(1, 0.05, 0.95) = 0.0975; X = U/(‖U‖_F + 10⁻⁷) has
     * the singular values 5f/(√29 f + 10⁻⁷) and 2f/(√29 f + 10⁻⁷) on the same orthogonal rows, and Newton–Schulz
     * maps each singular value σ through p(σ) = aσ + bσ³ + cσ⁵ five times: the rows keep their directions, stay
     * orthogonal, and get the norms p⁵(σ) (both near 1, which is the orthogonalisation).
     */
    @Test
    void firstStepOnOrthogonalRowsByHand() {
        OptimizerSpec spec = parse(Map.of("name", "muon", "lr", 1.0, "ns_steps", 5,
                "fallback", Map.of("name", "sgd", "lr", 1e-3)));
        double[] g0 = {3, 0, 4, 0, 2, 0};     // rows (3, 0, 4) and (0, 2, 0): orthogonal, norms 5 and 2
        Oracle o = constantGradient(g0, List.of(new Block(0, 2, 3, true)));
        double[] theta = new double[6];
        spec.instantiate(6, 1, 1.0).step(0, theta, o);
        double[] u = theta.clone();
        for (int i = 0; i < 6; i++) u[i] = -u[i];
        double r0 = Math.sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
        double r1 = Math.sqrt(u[3] * u[3] + u[4] * u[4] + u[5] * u[5]);
        assertEquals(0, u[0] * u[3] + u[1] * u[4] + u[2] * u[5], 1e-15, "rows stay orthogonal");
        // the singular values 5/√29 and 2/√29 after normalisation both land in NS's band around 1
        assertTrue(r0 > 0.6 && r0 < 1.3 && r1 > 0.6 && r1 < 1.3, r0 + " " + r1);
        // direction of each row unchanged: (3, 0, 4)/5 and (0, 1, 0)
        assertEquals(0.6, u[0] / r0, 1e-15);
        assertEquals(0.8, u[2] / r0, 1e-15);
        assertEquals(1.0, u[4] / r1, 1e-15);
        // by hand: each singular value s goes through 5 steps of p(s) = a s + b s³ + c s⁵ from s/(√29 + 1e-7)
        double f = MuonSpec.Muon.lerp(1, MuonSpec.Muon.lerp(0, 1, 1 - 0.95), 0.95);
        assertEquals(0.0975, f, 1e-16);
        assertEquals(ns(5 * f / (Math.sqrt(29) * f + 1e-7), 5), r0, 1e-14);
        assertEquals(ns(2 * f / (Math.sqrt(29) * f + 1e-7), 5), r1, 1e-14);
    }

    static double ns(double s, int steps) {
        for (int i = 0; i < steps; i++) s = MuonSpec.NS_A * s + MuonSpec.NS_B * s * s * s + MuonSpec.NS_C * s * s * s * s * s;
        return s;
    }

    static Oracle constantGradient(double[] g, List<Block> blocks) {
        return new TestOracles.FiniteSum(g.length, 1, 1) {
            @Override double eval(double[] theta, int[] idx, int count, double[] grad) {
                if (grad != null) System.arraycopy(g, 0, grad, 0, g.length);
                return 0;
            }
            @Override public List<Block> blocks() { return blocks; }
        };
    }

    /** Without a layout (or for vector and 1 × m blocks) every coordinate takes the fallback: here torch's SGD. */
    @Test
    void vectorsAndUnknownLayoutTakeTheFallback() {
        OptimizerSpec muon = parse(Map.of("name", "muon", "lr", 0.5,
                "fallback", Map.of("name", "sgd", "lr", 0.1, "momentum", 0.9)));
        OptimizerSpec sgd = parse(Map.of("name", "sgd", "lr", 0.1, "momentum", 0.9, "batch_size", 0));
        for (List<Block> layout : List.of(List.<Block>of(), List.of(new Block(0, 1, 4, true)),
                List.of(new Block(0, 4, 1, true)))) {
            TestOracles.FiniteSum q1 = quadratic(layout);
            TestOracles.FiniteSum q2 = quadratic(layout);
            double[] t1 = {1, 1, 1, 1};
            double[] t2 = t1.clone();
            Optimizer m = muon.instantiate(4, 1, 1.0);
            Optimizer s = sgd.instantiate(4, 1, 1.0);
            for (int k = 0; k < 10; k++) {
                m.step(k, t1, q1);
                s.step(k, t2, q2);
            }
            org.junit.jupiter.api.Assertions.assertArrayEquals(t2, t1, 0.0, layout.toString());
        }
    }

    /** F = ½ Σ λ_j x_j², λ = (1, 2, 5, 10), with the given layout. */
    static TestOracles.FiniteSum quadratic(List<Block> layout) {
        double[] lambda = {1, 2, 5, 10};
        return new TestOracles.FiniteSum(4, 1, 1) {
            @Override double eval(double[] x, int[] idx, int count, double[] grad) {
                double f = 0;
                for (int j = 0; j < 4; j++) {
                    f += 0.5 * lambda[j] * x[j] * x[j];
                    if (grad != null) grad[j] = lambda[j] * x[j];
                }
                return f;
            }
            @Override public List<Block> blocks() { return layout; }
        };
    }

    /** A frozen matrix block is not moved (no update, no weight decay). */
    @Test
    void frozenBlocksStay() {
        OptimizerSpec spec = parse(Map.of("name", "muon", "lr", 0.5, "weight_decay", 0.1));
        double[] g = {1, 2, 3, 4, 5};
        Oracle o = constantGradient(g, List.of(new Block(0, 2, 2, false), new Block(4, 1, 1, true)));
        double[] theta = {1, 1, 1, 1, 1};
        Optimizer opt = spec.instantiate(5, 1, 1.0);
        for (int k = 0; k < 3; k++) opt.step(k, theta, o);
        for (int i = 0; i < 4; i++) assertEquals(1.0, theta[i]);
        assertTrue(theta[4] < 1.0);
    }

    @Test
    void keysAndErrors() {
        MuonSpec d = (MuonSpec) parse(Map.of("name", "muon"));
        assertEquals(0.02, d.lr());
        assertEquals(0.95, d.momentum());
        assertTrue(d.nesterov());
        assertEquals(5, d.nsSteps());
        assertEquals(new MuonSpec.AdamwFallback(3e-4, 0.9, 0.95, 1e-10, 0.0), d.fallback());
        assertEquals(d, parse(new LinkedHashMap<>(d.canonical())));
        MuonSpec s = (MuonSpec) parse(Map.of("name", "muon", "fallback", Map.of("name", "sgd", "lr", 0.1,
                "momentum", 0.9, "nesterov", true)));
        assertEquals(new MuonSpec.SgdFallback(0.1, 0.9, true, 0.0), s.fallback());
        assertEquals(s, parse(new LinkedHashMap<>(s.canonical())));
        SpecException e = assertThrows(SpecException.class,
                () -> parse(Map.of("name", "muon", "fallback", Map.of("name", "adamw", "momentum", 0.9))));
        assertTrue(e.getMessage().contains("optimizer.fallback.momentum"), e.getMessage());
        e = assertThrows(SpecException.class, () -> parse(Map.of("name", "muon", "fallback", Map.of("name", "lion"))));
        assertTrue(e.getMessage().contains("optimizer.fallback.name"), e.getMessage());
    }
}
