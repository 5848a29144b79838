package org.ratelab.model;

import java.io.Serializable;

/**
 * A named range of the flat parameter vector: one layer's weights, biases, or output weights.
 * {@code trainable = false} marks a frozen layer (a model's {@code train_layers}): its gradient, Jacobian
 * columns and Hessian rows/columns are zero by contract.
 */
public record ParamBlock(String name, int offset, int length, boolean trainable, int rows) implements Serializable {
    public ParamBlock {
        if (offset < 0 || length < 0 || rows < 1 || (length > 0 && length % rows != 0)) {
            throw new IllegalArgumentException("block " + name + " offset=" + offset + ", length=" + length
                    + ", rows=" + rows);
        }
    }

    /**
     * A vector block (rows = 1). A matrix block gives its rows: a layer's weights W_l, stored row-major
     * d_l × d_{l−1}, have rows = d_l and {@link #cols()} = d_{l−1}.
     */
    public ParamBlock(String name, int offset, int length, boolean trainable) {
        this(name, offset, length, trainable, 1);
    }

    /** A trainable vector block. */
    public ParamBlock(String name, int offset, int length) {
        this(name, offset, length, true);
    }

    /** Columns of the row-major block, length / rows. */
    public int cols() { return length / rows; }
}
