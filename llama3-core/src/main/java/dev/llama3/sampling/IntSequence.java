package dev.llama3.sampling;

import java.util.Objects;

/**
 * A read-only sequence of {@code int}s (token ids) without boxing.
 *
 * <p>The sampler reads the generation history through this interface so that callers can hand it
 * whatever they keep tokens in ({@link IntList}, a view over an array, a ring buffer) without copying.
 */
public interface IntSequence {

    /** Number of elements. */
    int size();

    /** The element at {@code index}, {@code 0 <= index < size()}. */
    int get(int index);

    /** The empty sequence. */
    static IntSequence empty() {
        return IntSequences.EMPTY;
    }

    /** A read-only view over {@code values} (not copied; later changes to the array show through). */
    static IntSequence of(int... values) {
        Objects.requireNonNull(values, "values");
        return new IntSequences.ArrayView(values);
    }
}
