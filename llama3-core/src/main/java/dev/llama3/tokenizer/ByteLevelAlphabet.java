package dev.llama3.tokenizer;

import java.util.Arrays;

/**
 * GPT-2's reversible byte-to-character mapping ({@code bytes_to_unicode}): byte-level BPE vocabularies store
 * every token as a string of these 256 characters, one per byte of the token's UTF-8 text. Printable Latin-1
 * bytes ({@code '!'..'~'}, {@code '¡'..'¬'}, {@code '®'..'ÿ'}) map to themselves; the other 68 bytes (controls,
 * space, DEL, NBSP, soft hyphen, ...) map in byte order to U+0100, U+0101, ... so that no token contains
 * whitespace or control characters. For example the space byte becomes {@code 'Ġ'} (U+0120) and the newline
 * byte {@code 'Ċ'} (U+010A).
 */
final class ByteLevelAlphabet {

    private static final char[] BYTE_TO_CHAR = new char[256];
    /** Indexed by character; -1 where the character is not one of the 256 symbols. All symbols are below U+0144. */
    private static final short[] CHAR_TO_BYTE = new short[0x144];

    static {
        Arrays.fill(CHAR_TO_BYTE, (short) -1);
        int next = 0x100;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) next++;
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = (short) b;
        }
    }

    private ByteLevelAlphabet() {}

    /** The symbol that stands for byte {@code b} (0..255). */
    static char symbolOf(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte that symbol {@code c} stands for, or -1 when {@code c} is not a byte symbol. */
    static int byteOf(int c) {
        return c >= 0 && c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }
}
