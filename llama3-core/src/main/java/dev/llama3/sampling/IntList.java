package dev.llama3.sampling;

import java.util.Arrays;
import java.util.Objects;

/**
 * A growable list of {@code int}s without boxing: the token history of a generation.
 *
 * <p>Not thread-safe. {@link #add} is amortised O(1) and allocates only when the backing array grows.
 */
public final class IntList implements IntSequence {
    private static final int DEFAULT_CAPACITY = 16;
    /** Largest array size the JVM reliably allows. */
    private static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;

    private int[] values;
    private int size;

    public IntList() {
        this(DEFAULT_CAPACITY);
    }

    public IntList(int initialCapacity) {
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("initialCapacity must be >= 0, got " + initialCapacity);
        }
        this.values = new int[initialCapacity];
    }

    /** A list holding a copy of {@code initial}. */
    public static IntList of(int... initial) {
        IntList list = new IntList(Math.max(DEFAULT_CAPACITY, initial.length));
        list.addAll(initial);
        return list;
    }

    @Override
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    @Override
    public int get(int index) {
        Objects.checkIndex(index, size);
        return values[index];
    }

    /** The last element; the list must not be empty. */
    public int last() {
        if (size == 0) {
            throw new IllegalStateException("the list is empty");
        }
        return values[size - 1];
    }

    public void add(int value) {
        if (size == values.length) {
            grow(size + 1);
        }
        values[size++] = value;
    }

    public void addAll(int... more) {
        Objects.requireNonNull(more, "more");
        addAll(more, 0, more.length);
    }

    public void addAll(int[] more, int from, int length) {
        Objects.checkFromIndexSize(from, length, more.length);
        if (length == 0) {
            return;
        }
        if ((long) size + length > MAX_CAPACITY) {
            throw new IllegalStateException("IntList cannot hold more than " + MAX_CAPACITY + " elements");
        }
        if (size + length > values.length) {
            grow(size + length);
        }
        System.arraycopy(more, from, values, size, length);
        size += length;
    }

    public void addAll(IntSequence more) {
        Objects.requireNonNull(more, "more");
        int n = more.size();
        if (n == 0) {
            return;
        }
        if ((long) size + n > MAX_CAPACITY) {
            throw new IllegalStateException("IntList cannot hold more than " + MAX_CAPACITY + " elements");
        }
        if (size + n > values.length) {
            grow(size + n);
        }
        for (int i = 0; i < n; i++) {
            values[size + i] = more.get(i);
        }
        size += n;
    }

    /** Drops the elements after the first {@code newSize} (rolling back generated tokens). */
    public void truncate(int newSize) {
        if (newSize < 0 || newSize > size) {
            throw new IllegalArgumentException("newSize must be in [0, " + size + "], got " + newSize);
        }
        size = newSize;
    }

    /** Removes every element; keeps the capacity. */
    public void clear() {
        size = 0;
    }

    /** A copy of the elements. */
    public int[] toArray() {
        return Arrays.copyOf(values, size);
    }

    private void grow(int minCapacity) {
        if (minCapacity > MAX_CAPACITY) {
            throw new IllegalStateException("IntList cannot hold more than " + MAX_CAPACITY + " elements");
        }
        long doubled = Math.max(DEFAULT_CAPACITY, (long) values.length * 2);
        int capacity = (int) Math.min(MAX_CAPACITY, Math.max(doubled, minCapacity));
        values = Arrays.copyOf(values, capacity);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IntList other && Arrays.equals(values, 0, size, other.values, 0, other.size);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < size; i++) {
            h = 31 * h + values[i];
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(values[i]);
        }
        return sb.append(']').toString();
    }
}
