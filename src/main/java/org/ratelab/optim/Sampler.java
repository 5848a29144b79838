package org.ratelab.optim;

import java.util.random.RandomGenerator;

/**
 * Minibatch index sampler: {@code with_replacement} (i.i.d. uniform indices) or {@code shuffle} (epochs
 * over a fresh random permutation; a batch never straddles two epochs' permutations out of order).
 * Per-run state: the permutation buffer is allocated once.
 */
public final class Sampler {
    private final int n;
    private final int batch;
    private final boolean shuffle;
    private final int[] perm;
    private final int[] idx;
    private int pos;

    public Sampler(int n, int batch, boolean shuffle) {
        if (batch <= 0 || batch > n) {
            throw new IllegalArgumentException("batch size " + batch + " for n=" + n);
        }
        this.n = n;
        this.batch = batch;
        this.shuffle = shuffle;
        this.perm = shuffle ? new int[n] : null;
        this.idx = new int[batch];
        if (shuffle) {
            for (int i = 0; i < n; i++) perm[i] = i;
            pos = n; // reshuffle on first use
        }
    }

    /** Next batch indices (the returned array is reused: valid until the next call). */
    public int[] next(RandomGenerator rng) {
        if (!shuffle) {
            for (int i = 0; i < batch; i++) idx[i] = rng.nextInt(n);
            return idx;
        }
        for (int i = 0; i < batch; i++) {
            if (pos == n) {
                for (int j = n - 1; j > 0; j--) {
                    int r = rng.nextInt(j + 1);
                    int t = perm[j];
                    perm[j] = perm[r];
                    perm[r] = t;
                }
                pos = 0;
            }
            idx[i] = perm[pos++];
        }
        return idx;
    }

    public int batch() { return batch; }
}
