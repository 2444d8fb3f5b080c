package dev.llama3.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes a stream of token ids into text piece by piece. A token may end in the middle of a UTF-8 character
 * (emoji and CJK characters are often split over two or three byte-level tokens), so the bytes of an unfinished
 * character are held back until the tokens that complete it arrive. The concatenation of everything
 * {@link #accept} and {@link #flush} return equals {@link Llama3Tokenizer#decode} of the same ids; valid UTF-8
 * never produces U+FFFD. Bytes that cannot start or continue a character are emitted as U+FFFD right away.
 *
 * <p>Not thread-safe: one decoder per generation stream.
 */
public final class StreamingDecoder {

    private final Llama3Tokenizer tokenizer;
    private byte[] pending = new byte[16];
    private int pendingLength;

    StreamingDecoder(Llama3Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /**
     * Adds one token and returns the text it completes (possibly empty).
     *
     * @throws IllegalArgumentException when {@code id} is not a token of the vocabulary
     */
    public String accept(int id) {
        byte[] piece = tokenizer.pieceBytes(id);
        if (piece.length == 0) {
            return "";
        }
        if (pendingLength + piece.length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pendingLength + piece.length, pending.length * 2));
        }
        System.arraycopy(piece, 0, pending, pendingLength, piece.length);
        pendingLength += piece.length;
        int complete = completePrefixLength(pending, pendingLength);
        if (complete == 0) {
            return "";
        }
        String text = new String(pending, 0, complete, StandardCharsets.UTF_8);
        System.arraycopy(pending, complete, pending, 0, pendingLength - complete);
        pendingLength -= complete;
        return text;
    }

    /** Returns whatever is held back (an unfinished character becomes U+FFFD) and resets the decoder. */
    public String flush() {
        String text = new String(pending, 0, pendingLength, StandardCharsets.UTF_8);
        pendingLength = 0;
        return text;
    }

    /**
     * The length of the longest prefix that does not end inside a character that later bytes could still
     * complete: everything except a trailing, so far valid, but unfinished UTF-8 sequence. Decoding stops being
     * affected by earlier bytes at a lead byte, so the prefix decodes the same alone as within the whole.
     */
    static int completePrefixLength(byte[] bytes, int length) {
        // an unfinished sequence is at most 3 bytes: a lead byte and up to two continuation bytes
        for (int start = length - 1; start >= Math.max(0, length - 3); start--) {
            int b = bytes[start] & 0xFF;
            if (b < 0x80) {
                return length; // continuation bytes after an ASCII byte are invalid, not unfinished
            }
            if (b >= 0xC0) {
                return isUnfinishedSequence(bytes, start, length) ? start : length;
            }
            // a continuation byte: keep looking for its lead byte
        }
        return length;
    }

    private static boolean isUnfinishedSequence(byte[] bytes, int start, int length) {
        int lead = bytes[start] & 0xFF;
        int needed;
        int secondMin = 0x80;
        int secondMax = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            needed = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            needed = 3;
            if (lead == 0xE0) {
                secondMin = 0xA0; // no overlong forms
            } else if (lead == 0xED) {
                secondMax = 0x9F; // no surrogates
            }
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            needed = 4;
            if (lead == 0xF0) {
                secondMin = 0x90; // no overlong forms
            } else if (lead == 0xF4) {
                secondMax = 0x8F; // nothing beyond U+10FFFF
            }
        } else {
            return false; // C0, C1, F5..FF never start a character
        }
        int available = length - start;
        if (available >= needed) {
            return false;
        }
        for (int i = 1; i < available; i++) {
            int c = bytes[start + i] & 0xFF;
            int min = i == 1 ? secondMin : 0x80;
            int max = i == 1 ? secondMax : 0xBF;
            if (c < min || c > max) {
                return false;
            }
        }
        return true;
    }
}
