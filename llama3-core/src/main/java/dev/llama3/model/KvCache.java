package dev.llama3.model;

/**
 * The keys and values of one sequence, per layer, for positions {@code 0 .. capacity-1}.
 *
 * <p>Sized from the requested context, not from the model's trained maximum: a 1B model with an 8K
 * context needs 16 layers x 8192 positions x 512 floats x 2 = 512 MiB in float32.
 */
public final class KvCache {
    private final int capacity;
    private final int kvDim;
    private final float[][] keys;
    private final float[][] values;
    private int length;

    public KvCache(LlamaConfig config, int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("KV cache capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.kvDim = config.kvDim();
        long floats = (long) capacity * kvDim;
        if (floats > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("context length " + capacity + " is too large for one KV cache layer");
        }
        this.keys = new float[config.blockCount()][(int) floats];
        this.values = new float[config.blockCount()][(int) floats];
    }

    /** Maximum number of positions. */
    public int capacity() {
        return capacity;
    }

    /** Number of positions currently filled (the next token goes at this position). */
    public int length() {
        return length;
    }

    /** Forgets positions from {@code newLength} on, e.g. to reuse a shared prefix. */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate KV cache of length " + length + " to " + newLength);
        }
        length = newLength;
    }

    void setLength(int newLength) {
        length = newLength;
    }

    float[] keys(int layer) {
        return keys[layer];
    }

    float[] values(int layer) {
        return values[layer];
    }

    int kvDim() {
        return kvDim;
    }

    /** Bytes held by this cache. */
    public long bytes() {
        return 2L * keys.length * capacity * kvDim * Float.BYTES;
    }
}
