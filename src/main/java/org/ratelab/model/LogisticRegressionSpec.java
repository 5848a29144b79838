package org.ratelab.model;

import java.util.List;
import org.ratelab.data.DataSpec;
import org.ratelab.data.Dataset;
import org.ratelab.spec.Node;

/**
 * ℓ2-regularized logistic regression, labels ±1: F(w) = (1/n) Σ log(1 + exp(−y_i w·x_i)) + (λ/2)‖w‖²
 * (Cox 1958). μ = λ, L = λ_max(XᵀX/n)/4 + λ; F* by Newton's method when λ &gt; 0 (strictly convex).
 *
 * @param reg λ of the ℓ2 term (≥ 0; 0 leaves F* and μ unknown/zero)
 * @param l1  coefficient λ₁ of an ℓ1 term λ₁‖w‖₁ handled by proximal methods, not part of the smooth loss
 * @param init {@code zero} or {@code gaussian} (w ~ N(0, 1/d))
 */
public record LogisticRegressionSpec(double reg, double l1, String init) implements ModelSpec {
    public static final String KIND = "logistic_regression";

    static LogisticRegressionSpec parse(Node n) {
        return new LogisticRegressionSpec(n.nonNegative("reg", 1e-3), n.nonNegative("l1", 0.0),
                n.choice("init", "zero", LinearRegressionSpec.INITS));
    }

    @Override public String kind() { return KIND; }

    @Override public String dataIncompatibility(DataSpec data) { return ModelSpec.needsSigns(KIND, data); }

    @Override public Model instantiate(Dataset data) { return new LogisticRegression(this, data); }

    @Override public double flopsPerSample(int d) { return 4.0 * d + 20; }

    @Override public double parameters(double d) { return d; }

    /** The gathered batch (n x d), the margins, the input Gram min(n, d)^2 and Newton's d x d (d <= 2000). */
    @Override
    public List<Buffer> buffers(double n, double nTest, double d, boolean hvp) {
        double k = Math.min(n, d);
        return List.of(new Buffer("data.d", "the batch copy data.n x data.d = " + (long) n + " x " + (long) d, n * d),
                new Buffer("data.d", "the input Gram min(data.n, data.d)^2", k * k, 3),
                new Buffer("data.d", "Newton's Hessian data.d x data.d", reg > 0 && d <= 2000 ? d * d : 0, 2),
                new Buffer("data.n", "margins max(n, test_n)", Math.max(n, nTest)));
    }

    /** Registers {@code LogisticRegressionSpec} (META-INF/services/org.ratelab.model.ModelKind). */
    public static final class Provider implements ModelKind {
        @Override public String name() { return KIND; }
        @Override public String doc() { return "l2-regularized logistic regression on labels +-1 (Cox 1958)"; }
        @Override public Class<? extends Record> config() { return LogisticRegressionSpec.class; }
        @Override public ModelSpec parse(Node n) { return LogisticRegressionSpec.parse(n); }
    }
}
