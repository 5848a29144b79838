package org.ratelab.model;

import java.io.Serializable;

/**
 * A named range of the flat parameter vector: one layer's weights, biases, or output weights.
 * {@code trainable = false} marks a frozen layer (a model's {@code train_layers}): its gradient, Jacobian
 * columns and Hessian rows/columns are zero by contract.
 */
public record ParamBlock(String name, int offset, int length, boolean trainable) implements Serializable {
    public ParamBlock {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("block " + name + " offset=" + offset + ", length=" + length);
        }
    }

    /** A trainable block. */
    public ParamBlock(String name, int offset, int length) {
        this(name, offset, length, true);
    }
}
