package dev.llama3.tokenizer;

/**
 * Splits text into the words that BPE merges within, exactly like the Llama 3 pre-tokenizer regex
 *
 * <pre>
 * (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
 * </pre>
 *
 * <p>It is a hand-written state machine over code points that follows llama.cpp's
 * {@code unicode_regex_split_custom_llama3} branch for branch, rather than {@code java.util.regex}, whose
 * {@code \s}, case folding and lookahead differ in small ways. Definitions (the same as llama.cpp's tables):
 * <ul>
 *   <li>letter {@code \p{L}}: general categories Lu, Ll, Lt, Lm, Lo;</li>
 *   <li>number {@code \p{N}}: Nd, Nl, No (so {@code ²}, {@code Ⅻ}, {@code ①} are numbers too);</li>
 *   <li>whitespace {@code \s}: the 25 code points with the Unicode White_Space property (not U+001C..U+001F,
 *       which Java's {@code Character.isWhitespace} would include, but including U+0085, U+00A0, U+2007 and
 *       U+202F, which it would not);</li>
 *   <li>the contractions are case-insensitive in ASCII only ({@code 'S}, {@code 'Ll}, ...), which is what
 *       llama.cpp's lower-casing amounts to for these letters.</li>
 * </ul>
 * A code point beyond the BMP counts as one character. The input must not contain lone surrogates (the
 * tokenizer replaces them with U+FFFD first).
 */
final class Llama3PreTokenizer {

    private static final byte LETTER = 1;
    private static final byte NUMBER = 2;
    private static final byte WHITESPACE = 4;

    /** Classes of the BMP, computed once (64 KiB); supplementary code points are classified on the fly. */
    private static final byte[] BMP_CLASSES = new byte[0x10000];

    private static final int[] WHITESPACE_CODE_POINTS = {
        0x0009, 0x000A, 0x000B, 0x000C, 0x000D, 0x0020, 0x0085, 0x00A0, 0x1680,
        0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A,
        0x2028, 0x2029, 0x202F, 0x205F, 0x3000,
    };

    static {
        for (int c = 0; c < 0x10000; c++) {
            BMP_CLASSES[c] = categoryClass(c);
        }
        for (int c : WHITESPACE_CODE_POINTS) {
            BMP_CLASSES[c] |= WHITESPACE;
        }
    }

    private Llama3PreTokenizer() {}

    private static byte categoryClass(int cp) {
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER -> LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            default -> 0;
        };
    }

    private static int classOf(int cp) {
        return cp < 0x10000 ? BMP_CLASSES[cp] : categoryClass(cp);
    }

    static boolean isLetter(int cp) {
        return (classOf(cp) & LETTER) != 0;
    }

    static boolean isNumber(int cp) {
        return (classOf(cp) & NUMBER) != 0;
    }

    static boolean isWhitespace(int cp) {
        return (classOf(cp) & WHITESPACE) != 0;
    }

    private static boolean isCrOrLf(int cp) {
        return cp == '\r' || cp == '\n';
    }

    private static int asciiLower(int cp) {
        return cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp;
    }

    /**
     * Appends to {@code wordEnds} the exclusive end index of every word of {@code cps[from, to)}, in order; the
     * first word starts at {@code from}, each next one where the previous ended. Every code point belongs to
     * exactly one word and no word is empty.
     */
    static void split(int[] cps, int from, int to, IntArray wordEnds) {
        int pos = from;
        while (pos < to) {
            int cp = cps[pos];
            int cls = classOf(cp);

            // (?i:'s|'t|'re|'ve|'m|'ll|'d)
            if (cp == '\'' && pos + 1 < to) {
                int next = asciiLower(cps[pos + 1]);
                if (next == 's' || next == 't' || next == 'm' || next == 'd') {
                    pos += 2;
                    wordEnds.add(pos);
                    continue;
                }
                if (pos + 2 < to) {
                    int nextNext = asciiLower(cps[pos + 2]);
                    if ((next == 'r' && nextNext == 'e') || (next == 'v' && nextNext == 'e')
                            || (next == 'l' && nextNext == 'l')) {
                        pos += 3;
                        wordEnds.add(pos);
                        continue;
                    }
                }
            }

            // [^\r\n\p{L}\p{N}]?\p{L}+
            if (!isCrOrLf(cp) && (cls & NUMBER) == 0) {
                if ((cls & LETTER) != 0 || (pos + 1 < to && isLetter(cps[pos + 1]))) {
                    pos++;
                    while (pos < to && isLetter(cps[pos])) {
                        pos++;
                    }
                    wordEnds.add(pos);
                    continue;
                }
            }

            // \p{N}{1,3}
            if ((cls & NUMBER) != 0) {
                int groupStart = pos;
                while (pos < to && isNumber(cps[pos])) {
                    pos++;
                    if (pos - groupStart == 3) {
                        wordEnds.add(pos);
                        groupStart = pos;
                    }
                }
                if (pos > groupStart) {
                    wordEnds.add(pos);
                }
                continue;
            }

            // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
            int first = cp == ' ' ? pos + 1 : pos;
            if (first < to && classOf(cps[first]) == 0) {
                pos = first + 1;
                while (pos < to && classOf(cps[pos]) == 0) {
                    pos++;
                }
                while (pos < to && isCrOrLf(cps[pos])) {
                    pos++;
                }
                wordEnds.add(pos);
                continue;
            }

            int whitespaces = 0;
            int afterLastCrOrLf = -1;
            while (pos + whitespaces < to && isWhitespace(cps[pos + whitespaces])) {
                if (isCrOrLf(cps[pos + whitespaces])) {
                    afterLastCrOrLf = pos + whitespaces + 1;
                }
                whitespaces++;
            }
            // \s*[\r\n]+
            if (afterLastCrOrLf >= 0) {
                pos = afterLastCrOrLf;
                wordEnds.add(pos);
                continue;
            }
            // \s+(?!\S): leave the last whitespace to prefix the following word
            if (whitespaces > 1 && pos + whitespaces < to) {
                pos += whitespaces - 1;
                wordEnds.add(pos);
                continue;
            }
            // \s+
            if (whitespaces > 0) {
                pos += whitespaces;
                wordEnds.add(pos);
                continue;
            }

            // nothing matched (cannot happen for this regex, kept for parity): a one-code-point word
            pos++;
            wordEnds.add(pos);
        }
    }
}
