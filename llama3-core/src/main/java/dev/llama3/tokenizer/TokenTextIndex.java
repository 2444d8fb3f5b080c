package dev.llama3.tokenizer;

/**
 * Finds a token id by its text without allocating: lookups take a string region, a {@code char[]} region, or the
 * concatenation of two regions of one string (a merge rule "left right" names its result as left + right). An
 * open-addressing table of ids, hashed like {@link String#hashCode} over the characters. As in llama.cpp, a text
 * that occurs twice maps to its later id. Immutable once built.
 */
final class TokenTextIndex {

    private final String[] texts;
    /** id + 1 per slot; 0 = empty. */
    private final int[] slots;
    private final int shift;
    private final int mask;

    TokenTextIndex(String[] texts) {
        this.texts = texts;
        int capacity = Integer.highestOneBit(Math.max(4, texts.length) * 4 - 1) << 1; // load factor <= 1/4
        slots = new int[capacity];
        mask = capacity - 1;
        shift = 32 - Integer.numberOfTrailingZeros(capacity);
        for (int id = 0; id < texts.length; id++) {
            String text = texts[id];
            int slot = slotOf(text.hashCode());
            while (slots[slot] != 0 && !texts[slots[slot] - 1].equals(text)) {
                slot = (slot + 1) & mask;
            }
            slots[slot] = id + 1;
        }
    }

    private int slotOf(int hash) {
        return (hash * 0x9E3779B9) >>> shift;
    }

    /** The id of the token whose text is {@code text}, or -1. */
    int idOf(String text) {
        return idOf(text, 0, text.length());
    }

    /** The id of the token whose text is {@code s[from, to)}, or -1. */
    int idOf(String s, int from, int to) {
        return idOfConcat(s, from, to, to, to);
    }

    /** The id of the token whose text is {@code s[from1, to1) + s[from2, to2)}, or -1. */
    int idOfConcat(String s, int from1, int to1, int from2, int to2) {
        int h = 0;
        for (int i = from1; i < to1; i++) {
            h = 31 * h + s.charAt(i);
        }
        for (int i = from2; i < to2; i++) {
            h = 31 * h + s.charAt(i);
        }
        int length = (to1 - from1) + (to2 - from2);
        for (int slot = slotOf(h); slots[slot] != 0; slot = (slot + 1) & mask) {
            String t = texts[slots[slot] - 1];
            if (t.length() == length && t.regionMatches(0, s, from1, to1 - from1)
                    && t.regionMatches(to1 - from1, s, from2, to2 - from2)) {
                return slots[slot] - 1;
            }
        }
        return -1;
    }

    /** The id of the token whose text is {@code chars[from, to)}, or -1. */
    int idOf(char[] chars, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + chars[i];
        }
        int length = to - from;
        for (int slot = slotOf(h); slots[slot] != 0; slot = (slot + 1) & mask) {
            String t = texts[slots[slot] - 1];
            if (t.length() == length && equalsRegion(t, chars, from)) {
                return slots[slot] - 1;
            }
        }
        return -1;
    }

    private static boolean equalsRegion(String t, char[] chars, int from) {
        for (int i = 0; i < t.length(); i++) {
            if (t.charAt(i) != chars[from + i]) {
                return false;
            }
        }
        return true;
    }
}
