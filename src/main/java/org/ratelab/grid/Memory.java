package org.ratelab.grid;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ratelab.data.DataSpec;
import org.ratelab.data.NoDataSpec;
import org.ratelab.data.TeacherStudentSpec;
import org.ratelab.model.ModelSpec;
import org.ratelab.probes.HessianProbe;
import org.ratelab.probes.Metrics;
import org.ratelab.probes.NtkProbe;
import org.ratelab.probes.ParticlesProbe;
import org.ratelab.probes.ProbeSpec;
import org.ratelab.spec.SpecException;
import org.ratelab.train.TrainSpec;

/**
 * The memory one run needs, estimated at plan time from its configuration, so that a size no executor can
 * hold is one line before anything starts, never a {@code NegativeArraySizeException} or an
 * {@code OutOfMemoryError} inside a run. The estimate adds up the arrays a run allocates: the data
 * (n x d and test_n x d), the model's buffers ({@link ModelSpec#buffers}: activations width x max(n, test_n),
 * the n x d batch, Hessian-vector product buffers), copies of the parameter vector (θ, θ₀, gradients, the
 * optimizer's state), SAG/SAGA's n x dim gradient table, the probes within their budgets (Lanczos basis, the
 * NTK's n x dim Jacobian and n x n Grams, particles) and the recorded curve.
 *
 * <p>Two limits: every single array must fit a Java array ({@link #MAX_ARRAY} elements), and the whole run
 * must fit in {@link #HEAP_FRACTION} of the executor heap ({@link #executorHeap}), leaving the rest to Spark
 * and to the runs training beside it.
 */
public final class Memory {
    private Memory() {}

    /** Elements of the largest Java array. */
    public static final double MAX_ARRAY = Integer.MAX_VALUE - 8;
    /** The share of the executor heap one run may take. */
    public static final double HEAP_FRACTION = 0.5;
    /** Spark's default spark.executor.memory, which applies on a cluster when it is not set. */
    static final long SPARK_DEFAULT_EXECUTOR = 1L << 30;

    /** Arrays of one kind: {@code count} of {@code doubles} elements; {@code array}: each is one Java array. */
    record Part(String key, String what, double doubles, double count, boolean array) {
        double bytes() { return 8 * doubles * count; }
    }

    /** Every part of a run's estimate (parts of zero size left out). */
    static List<Part> parts(RunBinder.Bound b) {
        List<Part> out = new ArrayList<>();
        DataSpec data = b.data();
        ModelSpec model = b.model();
        ProbeSpec probes = b.probes();
        double n = data.n();
        double d = data.d();
        double nTest = data instanceof TeacherStudentSpec t ? t.testN() : 0;
        if (data instanceof NoDataSpec) {
            out.add(new Part("data.n", "placeholder data 2 x data.n", n, 2, true));
        } else {
            String key = d > n ? "data.d" : "data.n";
            out.add(new Part(key, "inputs data.n x data.d = " + (long) n + " x " + (long) d, n * d, 1, true));
            out.add(new Part(key, "test inputs data.test_n x data.d = " + (long) nTest + " x " + (long) d,
                    nTest * d, 1, true));
            out.add(new Part("data.n", "labels", n + nTest, 1, true));
        }
        double dim = model.parameters(d);
        String dimKey = model.width() > 0 ? "model.width" : data.hasInputs() ? "data.d" : "model.dim";
        out.add(new Part(dimKey, "parameters (dim " + (long) dim + "): θ, θ₀, gradients and the optimizer's state",
                dim, 12, true));
        HessianProbe h = probes.get(HessianProbe.class);
        boolean hvp = h != null && h.enabled();
        for (ModelSpec.Buffer buf : model.buffers(n, nTest, d, hvp)) {
            out.add(new Part(buf.key(), buf.what(), buf.doubles(), buf.count(), true));
        }
        org.ratelab.optim.OptimizerSpec optimizer = b.optimizer();
        while (optimizer instanceof org.ratelab.optim.SamSpec sam) optimizer = sam.base();  // its base's state
        String opt = optimizer.name();
        if (opt.equals("saga") || opt.equals("sag")) {
            out.add(new Part("data.n", "the gradient table data.n x dim = " + (long) n + " x " + (long) dim,
                    n * dim, 1, true));
            out.add(new Part("optimizer.batch_size", "the minibatch gradients batch_size x dim",
                    (double) optimizer.batchSize() * dim, 1, true));
        }
        if (optimizer instanceof org.ratelab.optim.LbfgsSpec l) {
            out.add(new Part("optimizer.history_size", "the L-BFGS history 2 x history_size x dim = 2 x "
                    + l.historySize() + " x " + (long) dim, dim, 2L * l.historySize(), true));
        }
        if (hvp) {
            double iters = Math.min(h.maxIter(), dim);
            if (iters * dim <= h.maxBasis()) {
                out.add(new Part("probes.hessian.max_basis", "the Lanczos basis max_iter x dim = " + (long) iters
                        + " x " + (long) dim, dim, iters, true));
            }
        }
        NtkProbe ntk = probes.get(NtkProbe.class);
        if (ntk != null && ntk.enabled() && data.hasInputs() && n <= ntk.maxN() && n * dim <= ntk.maxJacobian()) {
            out.add(new Part("probes.ntk.max_jacobian", "the NTK Jacobian data.n x dim = " + (long) n + " x "
                    + (long) dim, n * dim, 1, true));
            out.add(new Part("probes.ntk.max_n", "the NTK Grams data.n x data.n", n * n, 4, true));
        }
        double points = points(b.train());
        ParticlesProbe particles = probes.get(ParticlesProbe.class);
        if (particles != null && particles.enabled() && model.width() > 0) {
            int every = particles.every();
            double due = every == 0 ? 2 : Math.ceil(points / every) + 1;
            out.add(new Part("probes.particles.every", "particles model.width x data.d at " + (long) due
                    + " points", (double) model.width() * d, due, true));
        }
        out.add(new Part("train.record", "the curve: " + (long) points + " recorded points",
                points * (Metrics.count() + 16.0), 1, false));
        out.removeIf(p -> p.doubles() * p.count() == 0);
        return out;
    }

    /** Recorded points of a run (step 0 and the last included). */
    static double points(TrainSpec t) {
        return t.record().every() > 0 ? (double) t.steps() / t.record().every() + 2
                : Math.min(t.steps() + 1.0, t.record().logPoints());
    }

    /** Estimated bytes of one run. */
    public static double bytes(RunBinder.Bound b) {
        double s = 0;
        for (Part p : parts(b)) s += p.bytes();
        return s;
    }

    /**
     * Refuses a run with an array larger than Java allows, or an estimate above {@link #HEAP_FRACTION} of
     * {@code heapBytes}; the error names the key path of the largest part.
     */
    static void check(RunBinder.Bound b, long heapBytes) {
        List<Part> parts = parts(b);
        for (Part p : parts) {
            if (p.array() && p.doubles() > MAX_ARRAY) {
                throw new SpecException(null, p.key(), p.what() + " needs an array of " + count(p.doubles())
                        + " doubles, more than a Java array holds (" + (long) MAX_ARRAY + ")");
            }
        }
        double total = 0;
        Part largest = null;
        for (Part p : parts) {
            total += p.bytes();
            if (largest == null || p.bytes() > largest.bytes()) largest = p;
        }
        double limit = HEAP_FRACTION * heapBytes;
        if (total > limit && largest != null) {
            throw new SpecException(null, largest.key(), "a run needs about " + size(total) + " (largest part: "
                    + largest.what() + ", " + size(largest.bytes()) + "), more than half the executor heap of "
                    + size(heapBytes) + " (spark.executor.memory, else the driver's -Xmx in local mode)");
        }
    }

    /**
     * The heap of one executor: {@code spark.executor.memory} from {@code conf} or a system property (as
     * spark-submit sets it), else Spark's default of 1 GiB on a master other than local, else this JVM's
     * maximum heap (local mode: the driver is the executor).
     */
    public static long executorHeap(Map<String, String> conf, String master) {
        String v = conf == null ? null : conf.get("spark.executor.memory");
        if (v == null) v = System.getProperty("spark.executor.memory");
        if (v != null) {
            try {
                return org.apache.spark.network.util.JavaUtils.byteStringAsMb(v.trim()) << 20;
            } catch (RuntimeException e) {
                throw new SpecException(null, "spark.executor.memory", "not a size: '" + v + "' (e.g. 4g, 512m)");
            }
        }
        String m = master != null ? master : System.getProperty("spark.master");
        if (m != null && !m.startsWith("local")) return SPARK_DEFAULT_EXECUTOR;
        return Runtime.getRuntime().maxMemory();
    }

    static String size(double bytes) {
        if (bytes >= 1e12) return String.format("%.1f TB", bytes / 1e12);
        if (bytes >= 1e9) return String.format("%.1f GB", bytes / 1e9);
        return String.format("%.0f MB", Math.ceil(bytes / 1e6));
    }

    private static String count(double x) {
        return x < 1e15 ? String.valueOf((long) x) : String.format("%.3g", x);
    }
}
