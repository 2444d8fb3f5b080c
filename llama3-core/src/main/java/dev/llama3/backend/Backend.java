package dev.llama3.backend;

/**
 * Runs the Llama 3 forward pass for an engine: owns the weights (as it needs them: mapped for the CPU, uploaded for
 * a GPU), every sequence's KV cache and the activations, and returns logits. The engine keeps everything else:
 * tokenization, sessions, sampling, constraints, scheduling.
 *
 * <p>The two forward shapes are those the engine's scheduler produces: a chunk of one sequence's prompt, and one
 * decode step for each of several sequences. Both append to the sequences' KV caches. The results are the same
 * whatever the batch: a sequence gets the logits it would get alone.
 *
 * <p>Threads: the forward methods are called by one thread at a time (the engine's forward thread);
 * {@link #newSequence} and the sequences' {@code truncate}/{@code copyFrom}/{@code close} may come from session
 * threads while a forward pass runs on other sequences.
 */
public interface Backend extends AutoCloseable {

    /** The provider's name, e.g. {@code cpu}. */
    String name();

    /** What it runs on, for logs and health: kernels and threads, or the device. */
    String description();

    /** Most entries one forward call takes (prompt tokens per chunk, or sequences per decode step). */
    int batchCapacity();

    /** A new, empty sequence of {@code capacity} positions. */
    SequenceState newSequence(int capacity);

    /** Bytes a sequence of {@code capacity} positions holds ({@link SequenceState#bytes()} once created). */
    long sequenceBytes(int capacity);

    /**
     * Appends {@code tokens[from .. from+count)} ({@code count <= batchCapacity()}) to {@code sequence}.
     *
     * @param logits receives the {@code vocabSize} logits of the last token, or — when {@code allPositions} — of every
     *     token, position-major from {@code logitsOffset}; null to skip the output layer (an inner prompt chunk)
     */
    void prefill(SequenceState sequence, int[] tokens, int from, int count, float[] logits, int logitsOffset,
            boolean allPositions);

    /**
     * Appends {@code tokens[b]} to {@code sequences[b]} for {@code b < n} (distinct sequences,
     * {@code n <= batchCapacity()}).
     *
     * @param logits receives {@code n * vocabSize} logits, entry-major
     */
    void decode(SequenceState[] sequences, int[] tokens, int n, float[] logits);

    /**
     * Waits for work the backend started in the background after a forward pass and that changes its speed (the CPU
     * backend moving the weights onto huge pages), e.g. before a benchmark measures; returns false on timeout.
     */
    default boolean awaitBackgroundWork(java.time.Duration timeout) throws InterruptedException {
        return true;
    }

    /** Releases the backend's threads and memory. Sequences must be closed first or are unusable afterwards. */
    @Override
    void close();
}
