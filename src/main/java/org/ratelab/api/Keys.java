package org.ratelab.api;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ratelab.spec.Canon;
import org.ratelab.spec.Node;

/**
 * The keys of a kind, as its own parser declares them: {@link #of} runs {@link Kind#parse} on an empty section
 * in {@link Node#describing describing} mode, where every typed reader records the key, its type, range and
 * default instead of reading a value, and adds the one-line {@link Doc} of the record component of the same
 * name. So the documentation cannot drift from what the parser accepts: both are the same code.
 */
public final class Keys {
    private Keys() {}

    /** One key: its path below the section, its type and range, its default as text, and its doc line. */
    public record Key(String path, String type, String dflt, String doc) {
    }

    /** The keys {@code kind}'s parser reads, in the order it reads them. */
    public static List<Key> of(Kind<?> kind) {
        Map<String, Node.Described> seen = new java.util.LinkedHashMap<>();
        try {
            kind.parse(Node.describing("", seen));
        } catch (RuntimeException validationOfStandIns) {
            // cross-key validation of the stand-in values (e.g. a file that does not exist): every key has
            // been read by then, which is all that is recorded
        }
        List<Key> out = new ArrayList<>();
        for (Node.Described d : seen.values()) out.add(new Key(d.path(), d.type(), d.dflt(), doc(kind.config(), d.path())));
        return out;
    }

    /** The {@link Doc} of the component for a key path ({@code a.b}: component a's record, component b). */
    static String doc(Class<?> record, String path) {
        Class<?> c = record;
        String[] parts = path.split("\\.");
        for (int i = 0; i < parts.length; i++) {
            if (c == null || !c.isRecord()) return "";
            RecordComponent found = null;
            for (RecordComponent rc : c.getRecordComponents()) if (Canon.snake(rc.getName()).equals(parts[i])) found = rc;
            if (found == null) return "";
            if (i == parts.length - 1) {
                Doc d = found.getAnnotation(Doc.class);
                return d == null ? "" : d.value();
            }
            c = found.getType();
        }
        return "";
    }
}
