package org.ratelab.data;

import java.util.List;
import org.ratelab.api.Registry;
import org.ratelab.spec.Node;

/**
 * The data-source registry: every {@link DataKind} on the class path or in a plug-in jar, and the parser of a
 * spec's {@code data:} section (selected by {@code kind}, {@code teacher_student} when absent).
 */
public final class DataSets {
    private DataSets() {}

    public static final Registry<DataKind> REGISTRY = new Registry<>("data", "kind", DataKind.class);

    /** Every registered data kind, ratelab's own first. */
    public static List<String> names() { return REGISTRY.names(); }

    public static DataSpec parse(Node n) {
        String kind = n.choice("kind", TeacherStudentSpec.KIND, REGISTRY.names());
        DataSpec spec = REGISTRY.get(kind).parse(n);
        n.done();
        return spec;
    }
}
