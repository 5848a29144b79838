package org.ratelab.optim;

import java.io.Serializable;

/**
 * The shape of one parameter block of the flat θ, as an optimizer sees it ({@link Oracle#blocks()}):
 * coordinates {@code offset .. offset + rows·cols}, a row-major {@code rows × cols} matrix (a layer's weights
 * W_l, d_l × d_{l−1}) or a vector ({@code rows = 1}: biases, a linear model's w). {@code trainable = false}
 * marks a frozen block, whose gradient is zero by contract. The model's own block list, less its names,
 * so that optimizers need nothing of {@code model}.
 */
public record Block(int offset, int rows, int cols, boolean trainable) implements Serializable {
    public Block {
        if (offset < 0 || rows < 0 || cols < 0) {
            throw new IllegalArgumentException("block offset=" + offset + ", rows=" + rows + ", cols=" + cols);
        }
    }

    /** Coordinates in the block, rows·cols. */
    public int length() { return rows * cols; }

    /** True for a matrix with at least two rows and two columns (what Muon orthogonalises). */
    public boolean matrix() { return rows >= 2 && cols >= 2; }
}
