package org.ratelab.spec;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The canonical form of a configuration record: a sorted map whose keys are the spec keys (the record's
 * component names in snake_case) and whose values are the resolved values, defaults included.
 *
 * <p>Built by reflection over the record's components, so no field can be forgotten. The canonical form of a
 * section is itself a valid spec section (parsing it gives an equal record), which is what
 * {@code runs.config_json} stores and what {@code run_id} hashes.
 */
public final class Canon {
    private Canon() {}

    /** Canonical map of a record, with a discriminator key (e.g. "kind") prepended when given. */
    public static Map<String, Object> of(Record r, String discriminatorKey, String discriminator) {
        Map<String, Object> out = new TreeMap<>();
        if (discriminatorKey != null) out.put(discriminatorKey, discriminator);
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            try {
                Object v = c.getAccessor().invoke(r);
                out.put(snake(c.getName()), value(v));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + c.getName() + " of " + r, e);
            }
        }
        return out;
    }

    static Object value(Object v) {
        if (v == null) return null;
        if (v instanceof Record r) return of(r, null, null);
        if (v instanceof double[] a) {
            List<Object> l = new ArrayList<>();
            for (double d : a) l.add(d);
            return l;
        }
        if (v instanceof int[] a) {
            List<Object> l = new ArrayList<>();
            for (int d : a) l.add(d);
            return l;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) out.add(value(o));
            return out;
        }
        if (v instanceof Enum<?> e) return e.name().toLowerCase();
        return v;
    }

    /** camelCase → snake_case. */
    public static String snake(String camel) {
        StringBuilder b = new StringBuilder();
        for (char ch : camel.toCharArray()) {
            if (Character.isUpperCase(ch)) b.append('_').append(Character.toLowerCase(ch));
            else b.append(ch);
        }
        return b.toString();
    }
}
