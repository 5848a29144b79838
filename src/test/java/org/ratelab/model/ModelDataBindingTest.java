package org.ratelab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ratelab.data.DataSets;
import org.ratelab.data.DataSpec;
import org.ratelab.data.Dataset;
import org.ratelab.linalg.Blas;
import org.ratelab.spec.Node;
import org.ratelab.grid.RunBinder;
import org.ratelab.spec.SpecException;

/** Model × data pairings checked at validation, and the digits data set trained end to end with a test split. */
class ModelDataBindingTest {
    static Map<String, Object> spec(Object... kv) {
        return ModelDerivativesTest.spec(kv);
    }

    static RunBinder.Bound bind(Map<String, Object> data, Map<String, Object> model) {
        return RunBinder.bind("t", spec("data", data, "model", model, "optimizer", spec("name", "gd", "lr", 0.1)));
    }

    static void rejects(Map<String, Object> data, Map<String, Object> model, String fragment) {
        SpecException e = assertThrows(SpecException.class, () -> bind(data, model));
        assertTrue(e.getMessage().contains("model.kind") && e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void pairingsAreValidated() {
        Map<String, Object> real = spec("kind", "teacher_student", "n", 8, "d", 4);
        Map<String, Object> signs = spec("kind", "teacher_student", "n", 8, "d", 4, "labels", "sign");
        Map<String, Object> none = spec("kind", "none", "n", 4);
        bind(signs, spec("kind", "logistic_regression"));
        bind(none, spec("kind", "quadratic"));
        bind(spec("kind", "teacher_student", "n", 4, "d", 8), spec("kind", "mlp", "init", "chatterjee"));
        rejects(real, spec("kind", "logistic_regression"), "labels ±1");
        rejects(real, spec("kind", "two_layer", "loss", "logistic"), "labels ±1");
        rejects(real, spec("kind", "quadratic"), "kind: none");
        rejects(none, spec("kind", "linear_regression"), "needs inputs");
        rejects(real, spec("kind", "mlp", "init", "chatterjee"), "d >= n");
    }

    @Test
    void logisticRegressionOnDigitsReportsAFallingTestLoss() {
        DataSpec ds = DataSets.parse(new Node("data", spec("kind", "digits", "task", "zero_vs_one")));
        Dataset data = ds.build(3);
        Model m = Models.parse(new Node("model", spec("kind", "logistic_regression", "reg", 1e-3))).instantiate(data);
        double[] w = new double[m.dim()];
        double[] g = new double[m.dim()];
        double test0 = m.testLoss(w);
        assertEquals(Math.log(2), test0, 1e-15);
        double eta = 1 / m.smoothness();
        for (int k = 0; k < 200; k++) {
            m.lossGrad(w, null, 0, g);
            Blas.axpy(m.dim(), -eta, g, w);
        }
        double test = m.testLoss(w);
        assertTrue(test < 0.1, "0 vs 1 is nearly separable; test loss " + test);
        assertTrue(m.loss(w, null, 0) - m.optimalLoss() >= -1e-12);
    }
}
