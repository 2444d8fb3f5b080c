package dev.llama3.engine;

import dev.llama3.backend.SequenceState;
import java.util.Arrays;

/**
 * An immutable copy of a session's context: its tokens and their keys and values. Sessions of the same engine
 * start from it ({@link Session#restore}) instead of evaluating those tokens again — the next turn of a
 * conversation, or another conversation with the same system prompt and tool definitions.
 *
 * <p>Never written after creation, so any number of sessions may copy from it at once. Its memory lives off the
 * Java heap until {@link #close()}; a close while sessions are copying waits for them (reference counted), so an
 * eviction from a cache never breaks a request in flight.
 */
public final class KvSnapshot implements AutoCloseable {
    private final int[] tokens;
    private final SequenceState cache;
    private final LlamaEngine engine;
    private final long bytes;
    private int readers;
    private boolean closing;

    KvSnapshot(LlamaEngine engine, int[] tokens, SequenceState cache) {
        this.engine = engine;
        this.tokens = tokens;
        this.cache = cache;
        this.bytes = cache.bytes();
    }

    /** Number of tokens held. */
    public int length() {
        return tokens.length;
    }

    /** The tokens held (a copy). */
    public int[] tokens() {
        return tokens.clone();
    }

    /** Token {@code i}. */
    public int token(int i) {
        return tokens[i];
    }

    /** Bytes of keys and values held off the heap (what a cache should weigh it by), also after close. */
    public long bytes() {
        return bytes;
    }

    /** The engine whose sessions can restore it. */
    LlamaEngine engine() {
        return engine;
    }

    /** How many leading tokens {@code prompt} shares with this snapshot. */
    public int commonPrefix(int[] prompt) {
        int n = Math.min(prompt.length, tokens.length);
        int mismatch = Arrays.mismatch(tokens, 0, n, prompt, 0, n);
        return mismatch < 0 ? n : mismatch;
    }

    /** Copies the first {@code positions} positions into {@code target}; false if this snapshot is closed. */
    boolean copyInto(SequenceState target, int positions) {
        synchronized (this) {
            if (closing) {
                return false;
            }
            readers++;
        }
        try {
            target.copyFrom(cache, positions);
            return true;
        } finally {
            boolean release;
            synchronized (this) {
                readers--;
                release = closing && readers == 0;
            }
            if (release) {
                cache.close();
            }
        }
    }

    /** Releases the memory, once no session is copying from it. Idempotent. */
    @Override
    public void close() {
        boolean release;
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
            release = readers == 0;
        }
        if (release) {
            cache.close();
        }
    }

    /** Whether {@link #close()} has been called. */
    public synchronized boolean isClosed() {
        return closing;
    }

    @Override
    public String toString() {
        return "KvSnapshot[" + tokens.length + " tokens, " + (bytes() >> 10) + " KiB]";
    }
}
