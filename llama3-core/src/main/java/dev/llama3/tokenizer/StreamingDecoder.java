package dev.llama3.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns generated tokens into text as they arrive without ever emitting half a UTF-8 character: bytes of an
 * incomplete character are held until the token that completes it. Not thread-safe; one per generation.
 */
public final class StreamingDecoder {
    private final Llama3Tokenizer tokenizer;
    private byte[] pending = new byte[16];
    private int size;

    StreamingDecoder(Llama3Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Adds one token; returns the text completed by it (possibly empty). */
    public String accept(int id) {
        byte[] bytes = tokenizer.tokenBytesShared(id);
        if (size + bytes.length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, size + bytes.length));
        }
        System.arraycopy(bytes, 0, pending, size, bytes.length);
        size += bytes.length;
        int complete = completePrefix(pending, size);
        if (complete == 0) {
            return "";
        }
        String text = new String(pending, 0, complete, StandardCharsets.UTF_8);
        System.arraycopy(pending, complete, pending, 0, size - complete);
        size -= complete;
        return text;
    }

    /** The held-back bytes at the end of generation; invalid or incomplete sequences become U+FFFD. */
    public String flush() {
        String text = new String(pending, 0, size, StandardCharsets.UTF_8);
        size = 0;
        return text;
    }

    /**
     * Length of the longest prefix that does not end inside a UTF-8 character that later bytes could complete.
     * Invalid bytes are not held back: they decode to U+FFFD right away.
     */
    static int completePrefix(byte[] b, int len) {
        // look back at most 3 bytes for the lead byte of the last character
        for (int back = 1; back <= Math.min(3, len); back++) {
            int v = b[len - back] & 0xFF;
            if ((v & 0xC0) == 0x80) {
                continue; // continuation byte: keep looking for the lead
            }
            int need = v >= 0xF0 && v <= 0xF4 ? 4 : v >= 0xE0 ? 3 : v >= 0xC2 && v < 0xE0 ? 2 : 1;
            if (v >= 0xF5) {
                need = 1; // never valid
            }
            return need > back ? len - back : len;
        }
        return len;
    }
}
