package org.ratelab.data;

import java.util.List;
import org.ratelab.spec.Node;

/** Parses a spec's {@code data:} section into the record of its kind. */
public final class DataSets {
    private DataSets() {}

    public static final List<String> KINDS = List.of(TeacherStudentSpec.KIND, FileDataSpec.KIND, DigitsSpec.KIND,
            NoDataSpec.KIND);

    public static DataSpec parse(Node n) {
        String kind = n.choice("kind", TeacherStudentSpec.KIND, KINDS);
        DataSpec spec = switch (kind) {
            case TeacherStudentSpec.KIND -> TeacherStudentSpec.parse(n);
            case FileDataSpec.KIND -> FileDataSpec.parse(n);
            case DigitsSpec.KIND -> DigitsSpec.parse(n);
            case NoDataSpec.KIND -> NoDataSpec.parse(n);
            default -> throw n.error("kind", "unknown data kind '" + kind + "'");
        };
        n.done();
        return spec;
    }
}
