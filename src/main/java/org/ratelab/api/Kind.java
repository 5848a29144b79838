package org.ratelab.api;

import org.ratelab.spec.Node;

/**
 * One kind of a registry: an optimizer method, a model, a data source or a check kind. A kind is found with
 * {@link java.util.ServiceLoader}: built-ins and plug-ins alike are listed, one binary class name a line, in
 * {@code META-INF/services/<the registry's interface>} of their jar (or of {@code src/main/resources}).
 *
 * <p>The convention of ratelab's own kinds is one file per kind: the configuration record (its components are
 * the section's keys in camelCase, see {@link org.ratelab.spec.Canon}), its {@code parse(Node)} (the keys'
 * types, ranges and defaults, written once), a nested public {@code Provider} class implementing this
 * interface, and the per-run state class. The provider needs a public no-argument constructor.
 *
 * @param <S> the configuration the kind parses to (e.g. {@code OptimizerSpec})
 */
public interface Kind<S> {
    /** The value of the section's discriminator ({@code optimizer.name}, {@code model.kind}, …). */
    String name();

    /** One line: what the kind is, with its reference. */
    String doc();

    /** The configuration record; its components annotated with {@link Doc} document the keys. */
    Class<? extends Record> config();

    /**
     * Reads the section's keys (the discriminator is already read) into the configuration record, validating
     * each at its key path. Must read every key through {@code n}'s typed readers: that is also what
     * {@link Keys#of} records for the documentation.
     */
    S parse(Node n);
}
