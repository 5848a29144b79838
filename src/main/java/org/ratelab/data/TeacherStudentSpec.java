package org.ratelab.data;

import java.util.List;
import java.util.SplittableRandom;
import org.ratelab.spec.Node;

/**
 * Synthetic teacher–student regression: inputs x ~ N(0, I_d), targets from a fixed random teacher plus
 * optional Gaussian label noise. Teacher {@code linear}: y = w*·x/√d with w* ~ N(0, I). Teacher
 * {@code two_layer}: y = (1/√k) Σ_j a_j σ(w_j·x/√d), w_j ~ N(0, I), a_j ~ N(0, 1), k = teacher_width.
 * The teacher is drawn from the same seed as the inputs, so a seed fixes the whole problem.
 */
public record TeacherStudentSpec(int n, int d, String teacher, int teacherWidth, String teacherActivation,
                                 double noise, int testN) implements DataSpec {
    public static final String KIND = "teacher_student";
    static final List<String> TEACHERS = List.of("linear", "two_layer");
    static final List<String> ACTIVATIONS = List.of("tanh", "relu", "identity");

    static TeacherStudentSpec parse(Node n) {
        return new TeacherStudentSpec(
                n.integer("n", 256, 1, 50_000_000),
                n.integer("d", 16, 1, 1_000_000),
                n.choice("teacher", "linear", TEACHERS),
                n.integer("teacher_width", 4, 1, 1_000_000),
                n.choice("teacher_activation", "tanh", ACTIVATIONS),
                n.nonNegative("noise", 0.0),
                n.integer("test_n", 0, 0, 50_000_000));
    }

    @Override public String kind() { return KIND; }

    @Override
    public Dataset build(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        // teacher first, so the teacher does not depend on n
        double[] wt;
        double[] at;
        int k = teacher.equals("linear") ? 1 : teacherWidth;
        wt = new double[k * d];
        at = new double[k];
        for (int i = 0; i < wt.length; i++) wt[i] = rng.nextGaussian();
        for (int j = 0; j < k; j++) at[j] = teacher.equals("linear") ? 1.0 : rng.nextGaussian();
        SplittableRandom train = rng.split();
        SplittableRandom test = rng.split();
        double[] x = new double[n * d];
        double[] y = new double[n];
        fill(train, x, y, n, wt, at, k);
        double[] xt = new double[testN * d];
        double[] yt = new double[testN];
        fill(test, xt, yt, testN, wt, at, k);
        return new Dataset(n, d, x, y, testN, xt, yt);
    }

    private void fill(SplittableRandom rng, double[] x, double[] y, int rows, double[] wt, double[] at, int k) {
        double inv = 1.0 / Math.sqrt(d);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < d; j++) x[i * d + j] = rng.nextGaussian();
            double out = 0;
            for (int t = 0; t < k; t++) {
                double z = 0;
                for (int j = 0; j < d; j++) z += wt[t * d + j] * x[i * d + j];
                z *= inv;
                out += at[t] * (teacher.equals("linear") ? z : act(z));
            }
            if (!teacher.equals("linear")) out /= Math.sqrt(k);
            y[i] = out + noise * rng.nextGaussian();
        }
    }

    private double act(double z) {
        return switch (teacherActivation) {
            case "tanh" -> Math.tanh(z);
            case "relu" -> Math.max(0, z);
            default -> z;
        };
    }
}
