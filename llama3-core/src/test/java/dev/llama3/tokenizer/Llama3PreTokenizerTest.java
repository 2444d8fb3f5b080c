package dev.llama3.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The hand-written pre-tokenizer against an independent {@code java.util.regex} rendering of the Llama 3 split
 * pattern, with {@code \s} spelled out as the Unicode White_Space set and ASCII-only contraction casing (what
 * llama.cpp's tables and its adapted pattern use).
 */
class Llama3PreTokenizerTest {

    private static final String WS = "\\t\\n\\x0B\\f\\r\\x20\\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F"
            + "\\u205F\\u3000";
    private static final Pattern REFERENCE = Pattern.compile(
            "'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD]"
                    + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
                    + "|\\p{N}{1,3}"
                    + "| ?[^" + WS + "\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|[" + WS + "]*[\\r\\n]+"
                    + "|[" + WS + "]+(?![^" + WS + "])"
                    + "|[" + WS + "]+");

    /** Characters that exercise every branch and every class boundary. */
    private static final String[] ALPHABET = {
        "a", "b", "Z", "s", "S", "t", "T", "r", "R", "e", "E", "v", "V", "m", "M", "l", "L", "d", "D", "x",
        "0", "1", "9", "'", "'", "'", " ", " ", " ", "\t", "\n", "\r", "\u000B", "\u000C",
        ".", ",", "!", "?", "-", "_", "(", ")", "<", "|", ">", "\"", "/", "#", "@", "$",
        "\u00A0", "\u2007", "\u202F", "\u3000", "\u0085", "\u2028", "\u001C", "\u001F", "\u0000", "\u007F",
        "é", "ß", "ſ", "\u212A", "İ", "Ω", "я", "中", "国", "あ", "한", "ع", "क", "\u094D", "\u0301", "\u0300",
        "\u200D", "\u200B", "\uFEFF", "\uFFFD", "😀", "👍🏽", "𝐀", "𝟘", "𠀀", "²", "½", "Ⅻ", "①", "٣", "３", "〇",
    };

    static List<String> reference(String text) {
        List<String> words = new ArrayList<>();
        Matcher m = REFERENCE.matcher(text);
        int expectedStart = 0;
        while (m.find()) {
            assertThat(m.start()).as("reference pattern leaves no gaps").isEqualTo(expectedStart);
            words.add(m.group());
            expectedStart = m.end();
        }
        assertThat(expectedStart).isEqualTo(text.length());
        return words;
    }

    static List<String> split(String text) {
        int[] cps = text.codePoints().toArray();
        IntArray ends = new IntArray(8);
        Llama3PreTokenizer.split(cps, 0, cps.length, ends);
        List<String> words = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < ends.size(); i++) {
            assertThat(ends.get(i)).isGreaterThan(start);
            words.add(new String(cps, start, ends.get(i) - start));
            start = ends.get(i);
        }
        assertThat(start).isEqualTo(cps.length);
        return words;
    }

    @Test
    void agreesWithTheReferencePatternOnRandomText() {
        SplittableRandom random = new SplittableRandom(20240501);
        for (int round = 0; round < 20_000; round++) {
            int length = random.nextInt(1, 24);
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < length; i++) {
                b.append(ALPHABET[random.nextInt(ALPHABET.length)]);
            }
            String text = b.toString();
            assertThat(split(text)).as("split of %s", LlamaCppVectorsTest.printable(text)).isEqualTo(reference(text));
        }
    }

    @Test
    void agreesWithTheReferencePatternOnHandPickedCases() {
        List<String> cases = List.of(
                "", " ", "  ", "a", "'", "''", "'s", "'S", "'Re", "'rE", "'LL", "'lL", "'ve", "'x", "'sss",
                "don't", "DON'T", "I'm", "we'LL", "they're'", "'''s", " 's", "x's's",
                "1234567", "12 345", "१२३४", "²³⁴⁵", "3.14159", "1,000,000", "x1y22z333",
                "   leading", "trailing   ", "a  b", "a\t\tb", "a \n b", "a\n\n\nb", "a\r\n\r\nb", " \n ", "\n \n x",
                "\u00A0\u00A0x", "a\u3000b", "\u001Cx", "x\u001C\u001Cy",
                "...!!!???", " ...\n\n", "(hello)", "\"quoted\"", "<|eot_id|>",
                "e\u0301te\u0301", "नमस्ते", "😀😀 hi", "𝐀𝐁𝐂 𝟘𝟙𝟚", "中文 English 日本語", "مرحبا بالعالم");
        for (String text : cases) {
            assertThat(split(text)).as("split of %s", LlamaCppVectorsTest.printable(text)).isEqualTo(reference(text));
        }
    }

    @Test
    void supplementaryCodePointsAreSingleCharacters() {
        // three math-bold digits are one \p{N}{1,3} group although they are six UTF-16 units
        assertThat(split("𝟘𝟙𝟚𝟛")).containsExactly("𝟘𝟙𝟚", "𝟛");
        // a supplementary letter run joins with a preceding space
        assertThat(split(" 𝐀𝐁")).containsExactly(" 𝐀𝐁");
    }

    @Test
    void whitespaceIsTheUnicodeWhiteSpaceProperty() {
        assertThat(Llama3PreTokenizer.isWhitespace(0x00A0)).isTrue();
        assertThat(Llama3PreTokenizer.isWhitespace(0x2007)).isTrue();
        assertThat(Llama3PreTokenizer.isWhitespace(0x0085)).isTrue();
        assertThat(Llama3PreTokenizer.isWhitespace(0x001C)).isFalse();
        assertThat(Llama3PreTokenizer.isWhitespace(0x200B)).isFalse();
        assertThat(Llama3PreTokenizer.isNumber('²')).isTrue();
        assertThat(Llama3PreTokenizer.isLetter(0x1D400)).isTrue();
        assertThat(Llama3PreTokenizer.isLetter(0x0301)).isFalse();
    }

    @Test
    void longRunsSplitLinearly() {
        String text = " ".repeat(100_000) + "x" + "9".repeat(100_000) + "\n".repeat(1000) + "y".repeat(100_000);
        List<String> words = split(text);
        assertThat(words.get(0)).hasSize(99_999);
        assertThat(words.get(1)).isEqualTo(" x");
        assertThat(words.subList(2, 2 + 33_334)).allMatch(w -> w.chars().allMatch(c -> c == '9'));
        assertThat(String.join("", words)).isEqualTo(text);
    }
}
