package org.ratelab.data;

import java.util.List;
import java.util.SplittableRandom;
import org.ratelab.spec.Canon;
import org.ratelab.spec.Node;

/**
 * Synthetic teacher–student data. Targets from a fixed random teacher plus optional Gaussian label noise:
 * teacher {@code linear}: y = w*·x/√d with w* ~ N(0, I); teacher {@code two_layer}:
 * y = (1/√k) Σ_j a_j σ(w_j·x/√d), w_j ~ N(0, I), a_j ~ N(0, 1), k = teacher_width. {@code labels: sign}
 * turns targets into ±1 labels (sign of the noisy target) for logistic regression.
 *
 * <p>Inputs ({@code inputs}):
 * <ul>
 *   <li>{@code gaussian}: x ~ N(0, Σ) with Σ = diag(s_0², …, s_{d−1}²), s_j = κ_in^(−j/(2(d−1))) for
 *       κ_in = {@code input_kappa} [1]: the input covariance has eigenvalues geometrically spaced from 1 down
 *       to 1/κ_in, so its condition number is exactly κ_in (isotropic N(0, I_d) at the default 1, and then
 *       the data are bit-identical to those from before the key existed). κ_in &gt; 1 needs d ≥ 2. Used to
 *       make least squares ill-conditioned while the largest input eigenvalue stays 1 for every κ_in.</li>
 *   <li>{@code circle}: d = 2, x uniform on the unit circle (the 2-D setting of Chizat &amp; Bach 2018).</li>
 *   <li>{@code orthogonal}: training inputs mutually orthogonal with ‖x‖² = d (needs n ≤ d); test inputs
 *       uniform on the sphere of radius √d.</li>
 *   <li>{@code weakly_correlated}: uniform on the sphere of radius √d with d ≥ n², so |x_i·x_j|/d ≈ 1/√d ≤ 1/n
 *       (Dana, Bach &amp; Pillaud-Vivien 2025).</li>
 * </ul>
 * The other input kinds refuse {@code input_kappa} ≠ 1: scaling coordinates would take circle inputs off
 * the circle, orthogonal ones off orthogonality and weakly correlated ones off the sphere, which is what
 * each of them is for.
 *
 * <p>The teacher is drawn from the same seed as the inputs (first, so it does not depend on n): a seed fixes the
 * whole problem.
 */
public record TeacherStudentSpec(int n, int d, String teacher, int teacherWidth, String teacherActivation,
                                 double noise, int testN, String inputs, String labels,
                                 @Canon.Later(unchangedAt = "1.0") double inputKappa) implements DataSpec {
    public static final String KIND = "teacher_student";
    static final List<String> TEACHERS = List.of("linear", "two_layer");
    static final List<String> ACTIVATIONS = List.of("tanh", "relu", "identity");
    static final List<String> INPUTS = List.of("gaussian", "circle", "orthogonal", "weakly_correlated");
    static final List<String> LABELS = List.of("real", "sign");

    static TeacherStudentSpec parse(Node n) {
        TeacherStudentSpec s = new TeacherStudentSpec(
                n.integer("n", 256, 1, 50_000_000),
                n.integer("d", 16, 1, 1_000_000),
                n.choice("teacher", "linear", TEACHERS),
                n.integer("teacher_width", 4, 1, 1_000_000),
                n.choice("teacher_activation", "tanh", ACTIVATIONS),
                n.nonNegative("noise", 0.0),
                n.integer("test_n", 0, 0, 50_000_000),
                n.choice("inputs", "gaussian", INPUTS),
                n.choice("labels", "real", LABELS),
                n.dbl("input_kappa", 1.0, 1.0, Double.MAX_VALUE, false));
        if (s.inputKappa != 1.0 && !s.inputs.equals("gaussian")) {
            throw n.error("input_kappa", "scales gaussian inputs only; inputs " + s.inputs + " need input_kappa 1, "
                    + "got " + s.inputKappa);
        }
        if (s.inputKappa != 1.0 && s.d < 2) {
            throw n.error("input_kappa", "needs d >= 2 (one coordinate has condition number 1), got d=" + s.d);
        }
        switch (s.inputs) {
            case "circle" -> {
                if (s.d != 2) throw n.error("d", "inputs circle lie on the unit circle, so d must be 2, got " + s.d);
            }
            case "orthogonal" -> {
                if (s.n > s.d) throw n.error("n", "orthogonal inputs need n <= d, got n=" + s.n + ", d=" + s.d);
            }
            case "weakly_correlated" -> {
                if ((long) s.d < (long) s.n * s.n) {
                    throw n.error("d", "weakly_correlated inputs need d >= n^2 = " + (long) s.n * s.n + ", got d="
                            + s.d);
                }
            }
            default -> { }
        }
        return s;
    }

    @Override public String kind() { return KIND; }

    @Override public boolean signLabels() { return labels.equals("sign"); }

    @Override
    public Dataset build(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int k = teacher.equals("linear") ? 1 : teacherWidth;
        double[] wt = new double[k * d];
        double[] at = new double[k];
        for (int i = 0; i < wt.length; i++) wt[i] = rng.nextGaussian();
        for (int j = 0; j < k; j++) at[j] = teacher.equals("linear") ? 1.0 : rng.nextGaussian();
        SplittableRandom train = rng.split();
        SplittableRandom test = rng.split();
        double[] x = new double[n * d];
        double[] y = new double[n];
        fillInputs(train, x, n, true);
        label(train, x, y, n, wt, at, k);
        double[] xt = new double[testN * d];
        double[] yt = new double[testN];
        fillInputs(test, xt, testN, false);
        label(test, xt, yt, testN, wt, at, k);
        return new Dataset(n, d, x, y, testN, xt, yt);
    }

    private void fillInputs(SplittableRandom rng, double[] x, int rows, boolean training) {
        for (int i = 0; i < rows * d; i++) x[i] = rng.nextGaussian();
        switch (inputs) {
            case "circle" -> {
                for (int i = 0; i < rows; i++) {
                    double t = 2 * Math.PI * rng.nextDouble();
                    x[2 * i] = Math.cos(t);
                    x[2 * i + 1] = Math.sin(t);
                }
            }
            case "orthogonal" -> {
                if (training) Inputs.orthonormalizeRows(x, rows, d);
                Inputs.scaleRows(x, rows, d, Math.sqrt(d));
            }
            case "weakly_correlated" -> Inputs.scaleRows(x, rows, d, Math.sqrt(d));
            default -> scaleCoordinates(x, rows);
        }
    }

    /** Coordinate j times κ_in^(−j/(2(d−1))): covariance eigenvalues from 1 down to 1/κ_in. No-op at κ_in = 1. */
    private void scaleCoordinates(double[] x, int rows) {
        if (inputKappa == 1.0) return;
        double[] s = inputScales(d, inputKappa);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < d; j++) x[i * d + j] *= s[j];
        }
    }

    /** The per-coordinate standard deviations s_j = κ^(−j/(2(d−1))), j = 0..d−1 (all 1 when d = 1). */
    static double[] inputScales(int d, double kappa) {
        double[] s = new double[d];
        for (int j = 0; j < d; j++) s[j] = d == 1 ? 1.0 : Math.pow(kappa, -j / (2.0 * (d - 1)));
        return s;
    }

    private void label(SplittableRandom rng, double[] x, double[] y, int rows, double[] wt, double[] at, int k) {
        double inv = 1.0 / Math.sqrt(d);
        for (int i = 0; i < rows; i++) {
            double out = 0;
            for (int t = 0; t < k; t++) {
                double z = 0;
                for (int j = 0; j < d; j++) z += wt[t * d + j] * x[i * d + j];
                z *= inv;
                out += at[t] * (teacher.equals("linear") ? z : act(z));
            }
            if (!teacher.equals("linear")) out /= Math.sqrt(k);
            double v = out + noise * rng.nextGaussian();
            y[i] = labels.equals("sign") ? (v >= 0 ? 1.0 : -1.0) : v;
        }
    }

    private double act(double z) {
        return switch (teacherActivation) {
            case "tanh" -> Math.tanh(z);
            case "relu" -> Math.max(0, z);
            default -> z;
        };
    }

    /** Registers {@code TeacherStudentSpec} (META-INF/services/org.ratelab.data.DataKind). */
    public static final class Provider implements DataKind {
        @Override public String name() { return KIND; }
        @Override public String doc() { return "Synthetic teacher-student data: linear or two-layer teacher, optional label noise"; }
        @Override public Class<? extends Record> config() { return TeacherStudentSpec.class; }
        @Override public DataSpec parse(Node n) { return TeacherStudentSpec.parse(n); }
    }
}
