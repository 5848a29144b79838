package org.ratelab.optim;

import org.ratelab.spec.Node;

/**
 * Proximal gradient for F(θ) + λ₁‖θ‖₁ (ISTA: Combettes &amp; Wajs 2005; Beck &amp; Teboulle 2009):
 * θ ← S_{η_k·λ₁}(θ − η_k g(θ)), S_t(x) = sign(x)·max(|x| − t, 0). λ₁ belongs to the objective: it is the
 * model's {@code l1} ({@link Oracle#l1Penalty()}), so the ℓ1 term is defined in one place; the model's loss (what
 * the trainer records) is the smooth part F. With λ₁ = 0 this is plain (minibatch) gradient descent.
 * Costs B (or n) per-sample gradients per step.
 */
public record ProxL1Spec(double lr, int batchSize, String sampling, Schedule schedule, Noise noise)
        implements OptimizerSpec {
    public static final String NAME = "prox_l1";

    static ProxL1Spec parse(Node n) {
        return new ProxL1Spec(n.positive("lr", 0.1), Gradients.batchSize(n, 0), Gradients.sampling(n),
                Schedule.parse(n.child("schedule")), Noise.parse(n.child("noise")));
    }

    @Override public String name() { return NAME; }

    /** Soft thresholding S_t(x); NaN stays NaN. */
    static double soft(double x, double t) {
        return x > t ? x - t : x < -t ? x + t : (Double.isNaN(x) ? x : 0.0);
    }

    @Override
    public Optimizer instantiate(int dim, int n, double lrScale) {
        Gradients source = new Gradients(dim, n, batchSize, sampling, noise);
        double[] g = new double[dim];
        return new Optimizer() {
            @Override
            public void step(long k, double[] theta, Oracle oracle) {
                source.grad(theta, oracle, g);
                double eta = lr * lrScale * schedule.factor(k, source.batch());
                double t = eta * oracle.l1Penalty();
                for (int i = 0; i < dim; i++) theta[i] = soft(theta[i] - eta * g[i], t);
            }

            @Override public boolean fullGradientAtIterate() { return source.full(); }
        };
    }

    /** Registers {@code ProxL1Spec} (META-INF/services/org.ratelab.optim.OptimizerKind). */
    public static final class Provider implements OptimizerKind {
        @Override public String name() { return NAME; }
        @Override public String doc() { return "Proximal gradient (ISTA) for an l1 penalty (Combettes & Wajs 2005; Beck & Teboulle 2009)"; }
        @Override public Class<? extends Record> config() { return ProxL1Spec.class; }
        @Override public OptimizerSpec parse(Node n) { return ProxL1Spec.parse(n); }
    }
}
