package dev.llama3.sampling;

/**
 * A binary heap of candidate tokens packed into {@code long} keys, in a preallocated array.
 *
 * <p>A key holds the logit in its upper 32 bits, transformed so that a <em>smaller</em> signed key
 * means a <em>higher</em> logit, and the token id in its lower 32 bits. Ascending key order is
 * therefore the sampler's canonical candidate order: descending logit, ties broken by ascending id.
 *
 * <p>The heap is used in two phases: {@link #offerBounded} keeps the {@code k} best keys with the
 * worst at the root (top-k selection in O(n log k) without sorting the vocabulary);
 * {@link #orderBestFirst} then rearranges the contents so that {@link #pollBest} yields candidates
 * best first, which is all that top-p and min-p need: they only ever look at a prefix.
 */
final class CandidateHeap {
    private final long[] keys;
    private int size;

    CandidateHeap(int capacity) {
        this.keys = new long[capacity];
    }

    static long key(int id, float logit) {
        int bits = Float.floatToRawIntBits(logit + 0.0f); // -0.0 + 0.0 == +0.0: one key for "zero"
        // Map float order to unsigned int order: flip the sign bit of positives, all bits of negatives.
        int ordered = bits >= 0 ? bits ^ 0x80000000 : ~bits;
        // Reverse it (higher logit -> smaller) and move from unsigned to signed order.
        int rank = ordered ^ 0x7FFFFFFF;
        return ((long) rank << 32) | (id & 0xFFFFFFFFL);
    }

    static int id(long key) {
        return (int) key;
    }

    static float logit(long key) {
        int ordered = (int) (key >> 32) ^ 0x7FFFFFFF;
        int bits = ordered < 0 ? ordered ^ 0x80000000 : ~ordered;
        return Float.intBitsToFloat(bits);
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
    }

    /** Appends without keeping any order; call {@link #orderBestFirst} before polling. */
    void add(long key) {
        keys[size++] = key;
    }

    /**
     * Keeps the {@code k} best keys seen so far as a heap whose root is the worst of them.
     *
     * @return whether the key was kept
     */
    boolean offerBounded(long key, int k) {
        if (size < k) {
            keys[size] = key;
            siftUpWorstFirst(size++);
            return true;
        }
        if (key < keys[0]) {
            keys[0] = key;
            siftDownWorstFirst(0);
            return true;
        }
        return false;
    }

    /** The worst key kept by {@link #offerBounded}; the heap must be non-empty and in that phase. */
    long worst() {
        return keys[0];
    }

    /** Rearranges the contents (any order) into a heap whose root is the best key. O(size). */
    void orderBestFirst() {
        for (int i = (size >>> 1) - 1; i >= 0; i--) {
            siftDownBestFirst(i);
        }
    }

    /** The best key; the heap must be non-empty and ordered by {@link #orderBestFirst}. */
    long peekBest() {
        return keys[0];
    }

    /** Removes and returns the best key; the heap must be non-empty and ordered best first. */
    long pollBest() {
        long best = keys[0];
        size--;
        if (size > 0) {
            keys[0] = keys[size];
            siftDownBestFirst(0);
        }
        return best;
    }

    /** Sum over the contents of {@code exp(logit - max)}: the softmax normaliser relative to {@code max}. */
    double sumExp(double max) {
        double z = 0;
        for (int i = 0; i < size; i++) {
            z += Math.exp(logit(keys[i]) - max);
        }
        return z;
    }

    private void siftUpWorstFirst(int i) {
        long key = keys[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (keys[parent] >= key) {
                break;
            }
            keys[i] = keys[parent];
            i = parent;
        }
        keys[i] = key;
    }

    private void siftDownWorstFirst(int i) {
        long key = keys[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && keys[right] > keys[child]) {
                child = right;
            }
            if (key >= keys[child]) {
                break;
            }
            keys[i] = keys[child];
            i = child;
        }
        keys[i] = key;
    }

    private void siftDownBestFirst(int i) {
        long key = keys[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && keys[right] < keys[child]) {
                child = right;
            }
            if (key <= keys[child]) {
                break;
            }
            keys[i] = keys[child];
            i = child;
        }
        keys[i] = key;
    }
}
