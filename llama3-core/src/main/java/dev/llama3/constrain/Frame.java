package dev.llama3.constrain;

/**
 * One state of the byte-level automaton: the top of an immutable stack whose {@code parent} links are the
 * continuations (a finished value returns its parent, already in its after-value state). Immutable, so a mask walk can
 * branch from any state without copying or undoing, and states are records so that equal alternatives merge.
 */
sealed interface Frame permits Fork, RootFrame, ValueFrame, LiteralFrame, NumberFrame, StringFrame, ObjectFrame,
        ArrayFrame, FreeTextFrame {

    /** Most whitespace bytes in a row: JSON allows any amount, a model must not loop on it. */
    int MAX_WHITESPACE = 20;

    /**
     * The state after byte {@code b} (0..255): null when {@code b} may not come here, a {@link Fork} when several
     * alternatives remain.
     */
    Frame step(int b);

    /** Whether the output may end here. */
    boolean canEnd();

    /**
     * A small key (>= 0) when which tokens may follow depends only on this key for every token that does not
     * contain a byte of {@link TokenIndex#EXIT}, else -1. See {@link LexicalMasks}.
     */
    default int lexicalKey() {
        return -1;
    }

    static boolean whitespace(int b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    /** Runs {@code bytes} from {@code state}; null when some byte is not allowed. */
    static Frame run(Frame state, byte[] bytes) {
        Frame s = state;
        for (int i = 0; i < bytes.length && s != null; i++) {
            s = s.step(bytes[i] & 0xFF);
        }
        return s;
    }
}
