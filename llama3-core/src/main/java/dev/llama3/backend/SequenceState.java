package dev.llama3.backend;

/**
 * One sequence's state held by a backend: its KV cache (in main memory for the CPU, on the device for a GPU) and
 * how many positions are filled. Created by {@link Backend#newSequence}; the engine's session owns it and closes it.
 * The forward pass appends to it; the engine only truncates, copies (snapshots, prefix reuse) and closes.
 */
public interface SequenceState extends AutoCloseable {

    /** Positions filled; the next token goes here. */
    int length();

    /** Most positions it can hold. */
    int capacity();

    /** Forgets positions from {@code newLength} on. */
    void truncate(int newLength);

    /**
     * Replaces the contents with the first {@code positions} positions of {@code source}, a sequence of the same
     * backend, which is only read (other threads may read it meanwhile). Afterwards {@link #length()} is
     * {@code positions}.
     */
    void copyFrom(SequenceState source, int positions);

    /** Bytes held outside the Java heap (main or device memory); 0 once closed. */
    long bytes();

    /** Releases the memory; idempotent. Afterwards the forward pass refuses the sequence. */
    @Override
    void close();
}
