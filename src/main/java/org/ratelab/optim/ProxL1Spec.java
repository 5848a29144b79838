package org.ratelab.optim;

import org.ratelab.spec.Node;

/**
 * Proximal gradient for F(θ) + l1·‖θ‖₁ (ISTA: Combettes &amp; Wajs 2005; Beck &amp; Teboulle 2009):
 * θ ← S_{η_k·l1}(θ − η_k g(θ)), S_t(x) = sign(x)·max(|x| − t, 0). The ℓ1 term is handled by its prox only: the
 * model's loss (what the trainer records) is the smooth part F. Costs B (or n) per-sample gradients per step.
 */
public record ProxL1Spec(double lr, double l1, int batchSize, String sampling, Schedule schedule, Noise noise)
        implements OptimizerSpec {
    public static final String NAME = "prox_l1";

    static ProxL1Spec parse(Node n) {
        return new ProxL1Spec(n.positive("lr", 0.1), n.nonNegative("l1", 1e-3), Gradients.batchSize(n, 0),
                Gradients.sampling(n), Schedule.parse(n.child("schedule")), Noise.parse(n.child("noise")));
    }

    @Override public String name() { return NAME; }

    /** Soft thresholding S_t(x). */
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
                double t = eta * l1;
                for (int i = 0; i < dim; i++) theta[i] = soft(theta[i] - eta * g[i], t);
            }

            @Override public boolean fullGradientAtIterate() { return source.full(); }
        };
    }
}
