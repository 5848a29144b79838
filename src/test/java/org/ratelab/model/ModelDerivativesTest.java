package org.ratelab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratelab.data.Dataset;
import org.ratelab.spec.Node;
import org.ratelab.testkit.ModelConformance;

/**
 * Every model's gradient, minibatch gradient, Hessian-vector product and Jacobian rows against central finite
 * differences at random points, in every parameterization, activation, bias and train_layers setting.
 */
class ModelDerivativesTest {
    static final double TOL = 1e-6;

    static Map<String, Object> spec(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    static Stream<Map<String, Object>> specs() {
        List<Map<String, Object>> out = new ArrayList<>();
        out.add(spec("kind", "linear_regression", "init", "gaussian"));
        out.add(spec("kind", "logistic_regression", "reg", 0.1, "init", "gaussian"));
        for (String p : NetSpecs.PARAMETERIZATIONS) {
            for (String a : Mlp.ACTIVATIONS) {
                for (boolean bias : new boolean[] {false, true}) {
                    out.add(spec("kind", "two_layer", "width", 6, "activation", a, "parameterization", p,
                            "bias", bias, "output_scale", 1.7, "sigma_w", 1.3));
                    out.add(spec("kind", "mlp", "depth", 4, "width", 5, "activation", a, "parameterization", p,
                            "bias", bias));
                }
            }
            out.add(spec("kind", "deep_linear", "depth", 3, "width", 4, "parameterization", p));
        }
        for (String t : List.of("first", "second")) {
            out.add(spec("kind", "two_layer", "width", 6, "activation", "tanh", "bias", true, "train_layers", t));
        }
        for (String t : List.of("first", "last")) {
            out.add(spec("kind", "mlp", "width", 5, "activation", "softplus", "bias", true, "train_layers", t));
        }
        out.add(spec("kind", "two_layer", "width", 6, "activation", "tanh", "init", "antisymmetric", "bias", true,
                "parameterization", "ntk"));
        out.add(spec("kind", "mlp", "width", 4, "activation", "tanh", "init", "chatterjee"));
        for (String a : Mlp.ACTIVATIONS) {
            out.add(spec("kind", "two_layer", "width", 6, "activation", a, "loss", "logistic", "bias", true,
                    "parameterization", "ntk"));
            out.add(spec("kind", "mlp", "depth", 3, "width", 5, "activation", a, "loss", "logistic"));
        }
        out.add(spec("kind", "quadratic", "dim", 5, "kappa", 10, "init", "gaussian"));
        out.add(spec("kind", "saddle", "dim", 4, "negative_curvature", 0.5, "init", "gaussian", "init_offset", 0.3));
        return out.stream();
    }

    static Dataset data(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = 7;
        int d = 3;
        int t = 3;
        double[] x = new double[n * d];
        double[] y = new double[n];
        double[] xt = new double[t * d];
        double[] yt = new double[t];
        for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian();
        for (int i = 0; i < n; i++) y[i] = r.nextBoolean() ? 1.0 : -1.0;
        for (int i = 0; i < xt.length; i++) xt[i] = r.nextGaussian();
        for (int i = 0; i < t; i++) yt[i] = r.nextBoolean() ? 1.0 : -1.0;
        return new Dataset(n, d, x, y, t, xt, yt);
    }

    static double relErr(double[] a, double[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - b[i]) * (a[i] - b[i]);
            den = Math.max(den, Math.max(a[i] * a[i], b[i] * b[i]));
        }
        double scale = Math.sqrt(Math.max(den * a.length, 1e-300));
        return Math.sqrt(num) / scale;
    }

    @ParameterizedTest
    @MethodSource("specs")
    void derivativesMatchFiniteDifferences(Map<String, Object> raw) {
        ModelSpec spec = Models.parse(new Node("model", raw));
        Dataset data = data(11);
        Model m = spec.instantiate(data);
        int p = m.dim();
        SplittableRandom r = new SplittableRandom(5);
        double[] theta = new double[p];
        m.init(theta, r);
        for (int k = 0; k < p; k++) theta[k] += 0.3 * r.nextGaussian();  // a random point, off Chatterjee's W1 = 0
        int[] idx = {4, 1, 4, 6};
        boolean[] frozen = frozen(m);
        for (int[] batch : new int[][] {null, idx}) {
            int count = batch == null ? 0 : batch.length;
            double[] g = new double[p];
            double f = m.lossGrad(theta, batch, count, g);
            assertEquals(f, m.loss(theta, batch, count), 1e-12 * Math.max(1, Math.abs(f)), raw.toString());
            double[] fd = ModelConformance.finiteDifferenceGradient(m, theta, batch, count, frozen);
            assertTrue(relErr(g, fd) <= TOL, raw + " batch=" + (batch != null) + " gradient rel err " + relErr(g, fd));
            // Hessian-vector product vs central difference of the gradient
            double[] v = new double[p];
            for (int k = 0; k < p; k++) v[k] = r.nextGaussian();
            double[] vf = v.clone();
            for (int k = 0; k < p; k++) if (frozen[k]) vf[k] = 0.0;
            double[] hv = new double[p];
            m.hvp(theta, batch, count, v, hv);
            double[] fdh = ModelConformance.finiteDifferenceHvp(m, theta, batch, count, vf);
            assertTrue(relErr(hv, fdh) <= TOL, raw + " batch=" + (batch != null) + " hvp rel err " + relErr(hv, fdh));
        }
        if (m.hasOutputs()) {
            int n = m.n();
            double[] jac = new double[n * p];
            m.jacobian(theta, null, 0, jac);
            double[] op = new double[n];
            double[] om = new double[n];
            double h = 1e-6;
            double[] fdj = new double[n * p];
            for (int k = 0; k < p; k++) {
                double t0 = theta[k];
                theta[k] = t0 + h;
                m.outputs(theta, null, 0, op);
                theta[k] = t0 - h;
                m.outputs(theta, null, 0, om);
                theta[k] = t0;
                for (int i = 0; i < n; i++) fdj[i * p + k] = (op[i] - om[i]) / (2 * h);
            }
            // frozen layers are constants of the objective: their Jacobian columns are zero by contract
            for (int k = 0; k < p; k++) {
                if (frozen[k]) {
                    for (int i = 0; i < n; i++) fdj[i * p + k] = 0.0;
                }
            }
            assertTrue(relErr(jac, fdj) <= TOL, raw + " jacobian rel err " + relErr(jac, fdj));
            double[] row = new double[p];
            m.jacobianRow(theta, 5, row);
            for (int k = 0; k < p; k++) assertEquals(jac[5 * p + k], row[k], 1e-14);
        }
    }

    static boolean[] frozen(Model m) {
        boolean[] f = new boolean[m.dim()];
        for (ParamBlock b : m.blocks()) {
            for (int k = b.offset(); k < b.offset() + b.length(); k++) f[k] = !b.trainable();
        }
        return f;
    }
}
