package dev.llama3.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * GPT-2's reversible mapping between bytes and printable characters, in which byte-level BPE vocabularies
 * spell their tokens: printable Latin-1 bytes map to themselves, the other 68 bytes to U+0100 onwards.
 */
final class ByteSymbols {
    private static final char[] SYMBOL = new char[256];
    private static final int[] BYTE = new int[512];

    static {
        java.util.Arrays.fill(BYTE, -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            SYMBOL[b] = (char) (printable ? b : next++);
            BYTE[SYMBOL[b]] = b;
        }
    }

    private ByteSymbols() {}

    static char symbol(int b) {
        return SYMBOL[b];
    }

    /** The bytes a token spelled in byte symbols stands for; characters outside the mapping keep their UTF-8. */
    static byte[] decode(String spelled) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(spelled.length());
        for (int i = 0; i < spelled.length(); i++) {
            char c = spelled.charAt(i);
            int b = c < BYTE.length ? BYTE[c] : -1;
            if (b >= 0) {
                out.write(b);
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }
}
