package org.ratelab.train;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Random streams of a run, derived from the run's {@code seed} and a stream name only — never from a
 * partition, a thread or the clock — so any run can be replayed alone, anywhere.
 *
 * <p>Streams: {@code data} (the data set; runs that share a seed share their data), {@code init} (initial
 * parameters), {@code optim} (minibatches, injected noise), {@code probe} (sampled diagnostics).
 */
public final class Seeds {
    private Seeds() {}

    /** A 64-bit seed for the named stream of a run seed (SplitMix64 finalizer over seed and name). */
    public static long derive(long seed, String stream) {
        long h = 0x9E3779B97F4A7C15L * (seed + 1);
        for (byte b : stream.getBytes(StandardCharsets.UTF_8)) h = mix(h ^ (b & 0xff));
        return mix(h);
    }

    /** A fresh generator for the named stream of a run seed. */
    public static SplittableRandom rng(long seed, String stream) {
        return new SplittableRandom(derive(seed, stream));
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
