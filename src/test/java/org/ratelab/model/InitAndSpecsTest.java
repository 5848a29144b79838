package org.ratelab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ratelab.data.Dataset;
import org.ratelab.spec.Node;
import org.ratelab.spec.SpecException;

/** Initializations (antisymmetric, Chatterjee, output scaling in width) and spec parsing/validation. */
class InitAndSpecsTest {
    static ModelSpec parse(Map<String, Object> raw) {
        return Models.parse(new Node("model", raw));
    }

    static Map<String, Object> spec(Object... kv) {
        return ModelDerivativesTest.spec(kv);
    }

    @Test
    void antisymmetricInitGivesExactlyZeroOutputs() {
        Dataset ds = ModelDerivativesTest.data(3);
        for (Map<String, Object> raw : List.of(
                spec("kind", "two_layer", "width", 10, "init", "antisymmetric", "activation", "relu", "bias", true,
                        "parameterization", "ntk", "sigma_b", 0.5),
                spec("kind", "two_layer", "width", 8, "init", "antisymmetric", "parameterization", "meanfield"),
                spec("kind", "mlp", "depth", 4, "width", 6, "init", "antisymmetric", "activation", "softplus",
                        "bias", true, "parameterization", "ntk"),
                spec("kind", "deep_linear", "depth", 3, "width", 4, "init", "antisymmetric"))) {
            Model m = parse(raw).instantiate(ds);
            double[] theta = new double[m.dim()];
            m.init(theta, new SplittableRandom(1));
            double[] out = new double[ds.n()];
            m.outputs(theta, null, 0, out);
            for (double o : out) assertEquals(0.0, o, 0.0, raw.toString());
            assertTrue(Math.abs(out.length > 0 ? theta[0] : 0) > 0, "weights are not all zero");
        }
        // wide enough that the hidden layer goes through native GEMM blocks and their edge kernels
        SplittableRandom r = new SplittableRandom(8);
        int n = 50;
        int d = 64;
        double[] x = new double[n * d];
        for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian();
        Dataset big = Dataset.of(n, d, x, new double[n]);
        for (Map<String, Object> raw : List.of(
                spec("kind", "two_layer", "width", 1002, "init", "antisymmetric", "parameterization", "ntk", "bias", true),
                spec("kind", "mlp", "depth", 3, "width", 258, "init", "antisymmetric", "activation", "tanh"))) {
            Model m = parse(raw).instantiate(big);
            double[] theta = new double[m.dim()];
            m.init(theta, new SplittableRandom(4));
            double[] out = new double[n];
            m.outputs(theta, null, 0, out);
            for (double o : out) assertEquals(0.0, o, 0.0, raw.toString());
        }
    }

    @Test
    void chatterjeeInitHasZeroFirstLayerAndPositiveLaterLayers() {
        Dataset ds = ModelDerivativesTest.data(3);
        Model m = parse(spec("kind", "mlp", "depth", 4, "width", 5, "init", "chatterjee", "bias", true)).instantiate(ds);
        double[] theta = new double[m.dim()];
        m.init(theta, new SplittableRandom(2));
        for (ParamBlock b : m.blocks()) {
            for (int k = b.offset(); k < b.offset() + b.length(); k++) {
                if (b.name().equals("W1") || b.name().startsWith("b")) assertEquals(0.0, theta[k], b.name());
                else assertTrue(theta[k] > 0, b.name() + " entry " + theta[k]);
            }
        }
        double[] out = new double[ds.n()];
        m.outputs(theta, null, 0, out);
        for (double o : out) assertEquals(0.0, o);  // σ(0) = 0 all the way up
    }

    /** Var over seeds of h(x) at init for x = (1, 0), d = 2, ReLU, σ_w = 1: NNGP(x,x) = ¼ under ntk. */
    static double[] outputVariance(String param, int width, int seeds) {
        Dataset ds = Dataset.of(1, 2, new double[] {1, 0}, new double[] {0});
        Model m = parse(spec("kind", "two_layer", "width", width, "activation", "relu", "parameterization", param))
                .instantiate(ds);
        double s2 = 0;
        double s4 = 0;
        double[] theta = new double[m.dim()];
        double[] out = new double[1];
        for (int seed = 0; seed < seeds; seed++) {
            m.init(theta, new SplittableRandom(1000 + seed));
            m.outputs(theta, null, 0, out);
            s2 += out[0] * out[0];
            s4 += Math.pow(out[0], 4);
        }
        double v = s2 / seeds;
        return new double[] {v, Math.sqrt((s4 / seeds - v * v) / seeds)};
    }

    @Test
    void initialOutputsScaleAsDocumented() {
        int seeds = 400;
        for (int width : new int[] {16, 256}) {
            double[] ntk = outputVariance("ntk", width, seeds);
            assertEquals(0.25, ntk[0], 4 * ntk[1], "ntk Var h(x) at m=" + width + " is O(1): NNGP(x,x)");
            double[] mf = outputVariance("meanfield", width, seeds);
            assertEquals(0.25 / width, mf[0], 4 * mf[1], "meanfield Var h(x) at m=" + width + " is NNGP/m");
        }
    }

    @Test
    void meanFieldScalesStepsByWidth() {
        Dataset ds = ModelDerivativesTest.data(3);
        assertEquals(32.0, parse(spec("kind", "two_layer", "width", 32, "parameterization", "meanfield"))
                .instantiate(ds).lrScale());
        assertEquals(1.0, parse(spec("kind", "two_layer", "width", 32, "parameterization", "ntk")).instantiate(ds).lrScale());
    }

    @Test
    void everyKindRoundTripsThroughItsCanonicalForm() {
        List<Map<String, Object>> all = new java.util.ArrayList<>();
        ModelDerivativesTest.specs().forEach(all::add);
        all.add(spec("kind", "noisy_quadratic", "dim", 3));
        all.add(spec("kind", "linear_regression", "l1", 0.1));
        all.add(spec("kind", "logistic_regression", "l1", 0.1));
        all.add(spec("kind", "two_layer", "width", 4, "bias", true, "parameterization", "ntk", "sigma_b", 0.1));
        all.add(spec("kind", "two_layer", "width", 4, "init", "chatterjee", "activation", "identity"));
        for (Map<String, Object> raw : all) {
            ModelSpec s = parse(raw);
            assertEquals(s, parse(new LinkedHashMap<>(s.canonical())), raw.toString());
        }
        // the pre-existing two_layer keys keep their meaning and defaults
        TwoLayerSpec old = (TwoLayerSpec) parse(spec("kind", "two_layer", "width", 8, "activation", "tanh",
                "parameterization", "ntk", "output_scale", 2.0, "bias", false, "init", "gaussian", "train_layers", "both"));
        assertEquals(1.0, old.sigmaW());
        assertEquals(1.0, old.initScale());
    }

    static void rejects(Map<String, Object> raw, String key, String fragment) {
        SpecException e = assertThrows(SpecException.class, () -> parse(raw), raw.toString());
        assertTrue(e.getMessage().contains(key) && e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void invalidCombinationsAreRejectedWithTheKeyAndReason() {
        rejects(spec("kind", "mlp", "init", "chatterjee", "activation", "relu"), "model.activation", "chatterjee");
        rejects(spec("kind", "two_layer", "init", "chatterjee", "activation", "softplus"), "model.activation", "σ(0) = 0");
        rejects(spec("kind", "mlp", "init", "chatterjee", "parameterization", "ntk"), "model.parameterization", "standard");
        rejects(spec("kind", "deep_linear", "init", "chatterjee", "parameterization", "meanfield"), "model.parameterization", "standard");
        rejects(spec("kind", "two_layer", "width", 5, "init", "antisymmetric"), "model.width", "even");
        rejects(spec("kind", "two_layer", "sigma_b", 0.1, "parameterization", "ntk"), "model.sigma_b", "bias: true");
        rejects(spec("kind", "two_layer", "sigma_b", 0.1, "bias", true), "model.sigma_b", "ntk");
        rejects(spec("kind", "mlp", "sigma_b", 0.1), "model.sigma_b", "bias: true");
        rejects(spec("kind", "noisy_quadratic", "noise_std", 0), "model.noise_std", "> 0");
        rejects(spec("kind", "mlp", "depth", 1), "model.depth", ">= 2");
        rejects(spec("kind", "two_layer", "activation", "gelu"), "model.activation", "tanh, relu, softplus, identity");
        rejects(spec("kind", "quadratic", "kapa", 3), "model.kapa", "unknown key");
        rejects(spec("kind", "saddle", "negative_curvature", -1), "model.negative_curvature", "> 0");
    }

    @Test
    void testFunctionsHaveNoOutputs() {
        Model q = parse(spec("kind", "quadratic")).instantiate(Dataset.of(1, 1, new double[1], new double[1]));
        assertTrue(!q.hasOutputs());
        assertThrows(UnsupportedOperationException.class, () -> q.jacobian(new double[2], null, 0, new double[2]));
    }
}
