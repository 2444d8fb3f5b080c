package dev.llama3.tokenizer;

import java.util.Arrays;

/** A growable {@code int[]} for the encoder's per-call buffers (token ids, word boundaries). Not thread-safe. */
final class IntArray {
    private int[] values;
    private int size;

    IntArray(int capacity) {
        values = new int[Math.max(4, capacity)];
    }

    void add(int v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        values[size++] = v;
    }

    int get(int i) {
        return values[i];
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
    }

    int[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
