package dev.llama3.constrain;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Masks that depend on a few bytes of state only, computed once per vocabulary and kept: inside a string almost every
 * token is allowed, and walking the whole trie for each of them would cost milliseconds per token. A token without
 * a quote cannot leave the string, so whether it is allowed depends only on the string lexer's state; the few tokens
 * with a quote ({@link TokenIndex#exitTokens}) are run through the full automaton.
 */
final class LexicalMasks {
    /** Keys below this are string-lexer states ({@link StringFrame#lexicalKey()}); exit tokens need a full check. */
    static final int STRING_KEYS = 2 * StringLexer.STATES;
    static final int FREE_TEXT_START = STRING_KEYS;
    static final int FREE_TEXT = STRING_KEYS + 1;

    private final TokenIndex index;
    private final ConcurrentHashMap<Integer, long[]> masks = new ConcurrentHashMap<>();

    LexicalMasks(TokenIndex index) {
        this.index = index;
    }

    /** Whether tokens with a quote must be checked on their own for this key. */
    static boolean checksExits(int key) {
        return key < STRING_KEYS;
    }

    /** The tokens allowed for {@code key} (shared: do not modify). */
    long[] mask(int key) {
        return masks.computeIfAbsent(key, this::compute);
    }

    private long[] compute(int key) {
        long[] bits = new long[index.words()];
        if (key < STRING_KEYS) {
            index.walkString(key % StringLexer.STATES, key < StringLexer.STATES, bits);
        } else if (key == FREE_TEXT_START || key == FREE_TEXT) {
            for (int id = 0; id < index.vocabSize; id++) {
                byte[] b = index.bytes[id];
                if (b != null && (key == FREE_TEXT || firstNonWhitespace(b) != '{')) {
                    TokenIndex.set(bits, id);
                }
            }
        } else {
            throw new IllegalArgumentException("lexical key " + key);
        }
        return bits;
    }

    private static int firstNonWhitespace(byte[] b) {
        for (byte x : b) {
            if (!Frame.whitespace(x)) {
                return x;
            }
        }
        return -1;
    }
}
