package org.ratelab.spec;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
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
 * {@code runs.config_json} stores and what {@code run_id} hashes, less the {@link Later} keys at their
 * {@link Later#unchangedAt()} value ({@link #identity}).
 */
public final class Canon {
    private Canon() {}

    /**
     * Marks a record component (a spec key) added after run_ids were in use. At {@link #unchangedAt()}, the
     * value that reproduces the behaviour from before the key existed (compared as {@code String.valueOf} of
     * the component), the key is left out of the map {@code run_id} hashes, so the runs of a spec that does
     * not set it keep their run_id. {@code config_json} still shows it, defaults filled in.
     */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.RECORD_COMPONENT)
    public @interface Later {
        /** The component's value, as text, at which the key is left out of the run_id. */
        String unchangedAt();
    }

    /**
     * What {@code run_id} hashes for a section: its canonical map {@code canonical} (from {@link #of}) less the
     * {@link Later} components of {@code r} at their unchanged value, in nested records too. Returns
     * {@code canonical} itself when nothing is left out.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> identity(Map<String, Object> canonical, Object r) {
        if (!(r instanceof Record rec) || canonical == null) return canonical;
        Map<String, Object> out = null;
        for (RecordComponent c : rec.getClass().getRecordComponents()) {
            Object v = read(c, rec);
            String key = snake(c.getName());
            Later later = c.getAnnotation(Later.class);
            if (later != null && String.valueOf(v).equals(later.unchangedAt())) {
                if (out == null) out = new TreeMap<>(canonical);
                out.remove(key);
            } else if (v instanceof Record && canonical.get(key) instanceof Map<?, ?> m) {
                Map<String, Object> sub = identity((Map<String, Object>) m, v);
                if (sub != m) {
                    if (out == null) out = new TreeMap<>(canonical);
                    out.put(key, sub);
                }
            }
        }
        return out == null ? canonical : out;
    }

    private static Object read(RecordComponent c, Record r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + c.getName() + " of " + r, e);
        }
    }

    /**
     * A configuration record nested in a section that is itself of a registry kind (an optimizer's
     * {@code schedule}): its canonical map is its own {@link #canonical()}, which names its kind (and a plug-in's
     * provenance), since the enclosing record's component type (an interface) does not tell which kind it is.
     */
    public interface Kinded {
        /** The record's canonical map, discriminator included. */
        Map<String, Object> canonical();
    }

    /** Canonical map of a record, with a discriminator key (e.g. "kind") prepended when given. */
    public static Map<String, Object> of(Record r, String discriminatorKey, String discriminator) {
        Map<String, Object> out = new TreeMap<>();
        if (discriminatorKey != null) out.put(discriminatorKey, discriminator);
        for (RecordComponent c : r.getClass().getRecordComponents()) out.put(snake(c.getName()), value(read(c, r)));
        return out;
    }

    static Object value(Object v) {
        if (v == null) return null;
        if (v instanceof Kinded k) return k.canonical();
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
