package org.ratelab.model;

import java.io.Serializable;

/** A named range of the flat parameter vector: one layer's weights, biases, or output weights. */
public record ParamBlock(String name, int offset, int length) implements Serializable {
    public ParamBlock {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("block " + name + " offset=" + offset + ", length=" + length);
        }
    }
}
