package org.ratelab.model;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.ratelab.data.DataSpec;
import org.ratelab.data.Dataset;
import org.ratelab.spec.Canon;

/**
 * Configuration of a run's model: an immutable record per kind (the {@code model:} section of a spec).
 * {@link #instantiate(Dataset)} binds it to data and allocates the per-run state.
 */
public interface ModelSpec extends Serializable {
    /** The spec's {@code model.kind}. */
    String kind();

    /** Hidden width m, or 0 for models without one (the runs table's {@code width}). */
    default int width() { return 0; }

    /** Binds the model to a data set, allocating its buffers. */
    Model instantiate(Dataset data);

    /** Estimated floating-point operations of one per-sample gradient at input dimension d (cost model). */
    double flopsPerSample(int d);

    /**
     * Arrays a run of this model allocates, for the planner's memory estimate: {@code count} arrays of
     * {@code doubles} elements each (the Java array limit applies to one), what they are (the product that sizes
     * them, for the error line) and the spec key that grows them.
     */
    record Buffer(String key, String what, double doubles, int count) implements Serializable {
        public Buffer(String key, String what, double doubles) { this(key, what, doubles, 1); }

        /** Total doubles of the arrays. */
        public double total() { return doubles * count; }
    }

    /** The number of parameters (dim) on inputs of dimension d; a double, so that no product overflows. */
    double parameters(double d);

    /**
     * The arrays the model holds during a run on n training and nTest test samples of dimension d (the
     * parameter vector aside), as the planner's memory estimate sees them; {@code hvp}: the run asks for
     * Hessian-vector products (the hessian probe), which need buffers of their own.
     */
    List<Buffer> buffers(double n, double nTest, double d, boolean hvp);

    /**
     * Why this model cannot train on that data, or null when it can. Checked at validation
     * ({@code RunBinder}), so a bad pairing is one clear line before any run starts. The default: models with
     * inputs need a data kind with inputs.
     */
    default String dataIncompatibility(DataSpec data) {
        return data.hasInputs() ? null : kind() + " needs inputs, but data kind " + data.kind() + " has none";
    }

    /** The reason a classification loss cannot use data without ±1 labels, or null. */
    static String needsSigns(String who, DataSpec data) {
        if (!data.hasInputs()) return who + " needs inputs, but data kind " + data.kind() + " has none";
        return data.signLabels() ? null : who + " needs labels ±1, but data kind " + data.kind() + " gives real "
                + "targets (use teacher_student labels: sign, file task: binary, or digits zero_vs_one/even_odd)";
    }

    /** Canonical form (the resolved {@code model:} section). */
    default Map<String, Object> canonical() {
        return Canon.of((Record) this, "kind", kind());
    }
}
