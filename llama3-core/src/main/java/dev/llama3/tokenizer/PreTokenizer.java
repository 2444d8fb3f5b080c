package dev.llama3.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Llama 3's pre-tokenizer: splits text into the pieces that BPE then works on, as the regex
 * <pre>(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+</pre>
 * does, written as a scan over code points (the same approach llama.cpp takes) because {@code java.util.regex}
 * differs from the reference engines in its notion of whitespace and in how it walks surrogate pairs.
 */
final class PreTokenizer {
    private PreTokenizer() {}

    /** Splits {@code text} (given as code points) into pieces; returns the end offset of each piece. */
    static List<int[]> split(int[] cps) {
        List<int[]> pieces = new ArrayList<>();
        int n = cps.length;
        int start = 0;
        int pos = 0;
        while (pos < n) {
            int cp = cps[pos];
            int end = matchAt(cps, pos, cp);
            pieces.add(new int[] {start, end});
            pos = end;
            start = end;
        }
        return pieces;
    }

    private static int matchAt(int[] cps, int pos, int cp) {
        int n = cps.length;
        // (?i:'s|'t|'re|'ve|'m|'ll|'d)
        if (cp == '\'' && pos + 1 < n) {
            int next = lower(cps[pos + 1]);
            if (next == 's' || next == 't' || next == 'm' || next == 'd') {
                return pos + 2;
            }
            if (pos + 2 < n) {
                int next2 = lower(cps[pos + 2]);
                if ((next == 'r' && next2 == 'e') || (next == 'v' && next2 == 'e') || (next == 'l' && next2 == 'l')) {
                    return pos + 3;
                }
            }
        }
        // [^\r\n\p{L}\p{N}]?\p{L}+
        if (!(cp == '\r' || cp == '\n' || isNumber(cp))) {
            if (isLetter(cp) || (pos + 1 < n && isLetter(cps[pos + 1]))) {
                int p = pos + 1;
                while (p < n && isLetter(cps[p])) {
                    p++;
                }
                return p;
            }
        }
        // \p{N}{1,3}
        if (isNumber(cp)) {
            int p = pos;
            while (p < n && isNumber(cps[p]) && p - pos < 3) {
                p++;
            }
            return p;
        }
        // ' '?[^\s\p{L}\p{N}]+[\r\n]*
        int q = cp == ' ' ? pos + 1 : pos;
        if (q < n && isOther(cps[q])) {
            int p = q;
            while (p < n && isOther(cps[p])) {
                p++;
            }
            while (p < n && (cps[p] == '\r' || cps[p] == '\n')) {
                p++;
            }
            return p;
        }
        // whitespace: \s*[\r\n]+ | \s+(?!\S) | \s+
        int spaces = 0;
        int lastLineBreakEnd = -1;
        while (pos + spaces < n && isWhitespace(cps[pos + spaces])) {
            int c = cps[pos + spaces];
            if (c == '\r' || c == '\n') {
                lastLineBreakEnd = pos + spaces + 1;
            }
            spaces++;
        }
        if (lastLineBreakEnd > 0) {
            return lastLineBreakEnd;
        }
        if (spaces > 1 && pos + spaces < n) {
            return pos + spaces - 1; // leave the last space to start the next word
        }
        if (spaces > 0) {
            return pos + spaces;
        }
        return pos + 1;
    }

    /** Neither whitespace, letter nor number. */
    private static boolean isOther(int cp) {
        return !isWhitespace(cp) && !isLetter(cp) && !isNumber(cp);
    }

    private static int lower(int cp) {
        return Character.toLowerCase(cp);
    }

    static boolean isLetter(int cp) {
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER -> true;
            default -> false;
        };
    }

    static boolean isNumber(int cp) {
        return switch (Character.getType(cp)) {
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> true;
            default -> false;
        };
    }

    /** Unicode's White_Space property (what {@code \s} means to the reference regex engines). */
    static boolean isWhitespace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F
                || cp == 0x3000;
    }
}
