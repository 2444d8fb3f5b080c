package dev.llama3.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llama3.gguf.GgufFile;
import dev.llama3.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * BPE merging: small hand-made vocabularies for the rules (rank order, leftmost ties, whole-word lookup, rules that
 * leave the vocabulary), and the real Llama 3 vocabulary against a deliberately naive reference (re-scan every
 * adjacent pair after each merge) on many random texts.
 */
class BytePairEncoderTest {

    /** A byte-level vocabulary: the 256 byte symbols (ids 0..255 in byte order), then {@code extra} tokens. */
    private static Llama3Tokenizer tiny(List<String> extra, List<String> merges) {
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteLevelAlphabet.symbolOf(b)));
        }
        tokens.addAll(extra);
        tokens.add("<|bos|>");
        int[] types = new int[tokens.size()];
        java.util.Arrays.fill(types, 1);
        types[types.length - 1] = 3;
        return Llama3Tokenizer.of(tokens, merges, types, tokens.size() - 1, tokens.size() - 1, OptionalInt.empty(),
                OptionalInt.empty(), true);
    }

    @Test
    void lowestRankMergesFirst() {
        // 256 "ab", 257 "bc", 258 "abc"; "b c" outranks "a b", so "abc" = "a" + "bc", which has no rule
        Llama3Tokenizer t = tiny(List.of("ab", "bc", "abcd"), List.of("b c", "a b"));
        assertThat(t.encode("abc")).containsExactly('a', 257);
        Llama3Tokenizer u = tiny(List.of("ab", "bc", "abcd"), List.of("a b", "b c"));
        assertThat(u.encode("abc")).containsExactly(256, 'c');
    }

    @Test
    void equalRanksMergeLeftmostFirst() {
        // "aaa" with the single rule "a a": the left pair merges, the right 'a' stays
        Llama3Tokenizer t = tiny(List.of("aa"), List.of("a a"));
        assertThat(t.encode("aaa")).containsExactly(256, 'a');
        assertThat(t.encode("aaaa")).containsExactly(256, 256);
    }

    @Test
    void mergedSymbolsMergeFurther() {
        Llama3Tokenizer t = tiny(List.of("aa", "aaaa"), List.of("a a", "aa aa"));
        assertThat(t.encode("aaaaa")).containsExactly(257, 'a');
    }

    @Test
    void aWordThatIsATokenIsTakenWhole() {
        // "abc" is a token but no rules build it: llama.cpp's ignore_merges takes it anyway
        Llama3Tokenizer t = tiny(List.of("abc"), List.of());
        assertThat(t.encode("abc")).containsExactly(256);
        assertThat(t.encode("abcd")).containsExactly('a', 'b', 'c', 'd');
    }

    @Test
    void firstOfDuplicateRulesWins() {
        Llama3Tokenizer t = tiny(List.of("ab", "bc"), List.of("b c", "a b", "b c"));
        assertThat(t.encode("abc")).containsExactly('a', 257);
    }

    @Test
    void rulesWhoseResultIsNotATokenStillApply() {
        // "x y" makes "xy" (not a token), then "xy z" makes "xyz" (a token)
        Llama3Tokenizer t = tiny(List.of("xyz"), List.of("x y", "xy z"));
        assertThat(t.encode("xyzz")).containsExactly(256, 'z');
        // a final symbol that is not a token falls back to its ASCII characters, as in llama.cpp
        assertThat(t.encode("xyw")).containsExactly('x', 'y', 'w');
    }

    @Test
    void malformedRulesAreIgnored() {
        Llama3Tokenizer t = tiny(List.of("ab"), List.of("ab", "", " a", "a ", "a b"));
        assertThat(t.encode("ab")).containsExactly(256);
        assertThat(t.encode("abab")).containsExactly(256, 256);
    }

    @Test
    void spaceAndNewlineUseTheirByteSymbols() {
        Llama3Tokenizer t = tiny(List.of("Ġa"), List.of("Ġ a"));
        assertThat(t.encode(" a")).containsExactly(256);
        assertThat(t.encode("\n")).containsExactly('\n');
        assertThat(t.decode(new int[] {256, '\n'})).isEqualTo(" a\n");
    }

    /** Naive BPE: after every merge, re-scan all adjacent pairs for the lowest rank (leftmost on ties). */
    private static List<String> naiveBpe(String symbols, Map<String, Integer> ranks, Map<String, Integer> vocab) {
        List<String> parts = new ArrayList<>();
        if (vocab.containsKey(symbols)) {
            parts.add(symbols);
            return parts;
        }
        symbols.chars().forEach(c -> parts.add(String.valueOf((char) c)));
        while (true) {
            int best = -1;
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < parts.size(); i++) {
                Integer rank = ranks.get(parts.get(i) + " " + parts.get(i + 1));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                    best = i;
                }
            }
            if (best < 0) {
                return parts;
            }
            parts.set(best, parts.get(best) + parts.remove(best + 1));
        }
    }

    @Test
    void realVocabularyAgreesWithNaiveReference() throws Exception {
        Llama3Tokenizer tokenizer = TokenizerFixtures.llamaBpeVocab();
        Map<String, Integer> ranks = new HashMap<>();
        Map<String, Integer> vocab = new HashMap<>();
        try (GgufFile gguf = GgufFile.open(Fixtures.require("tokenizer/ggml-vocab-llama-bpe.gguf"))) {
            List<String> merges = gguf.getStringArray("tokenizer.ggml.merges");
            for (int i = 0; i < merges.size(); i++) {
                ranks.putIfAbsent(merges.get(i), i);
            }
            List<String> tokens = gguf.getStringArray("tokenizer.ggml.tokens");
            for (int i = 0; i < tokens.size(); i++) {
                vocab.put(tokens.get(i), i);
            }
        }
        String corpus = Files.readString(Fixtures.require("tokenizer/ggml-vocab-llama-bpe.gguf.inp"),
                StandardCharsets.UTF_8).replace("__ggml_vocab_test__", "")
                + " Tokenization of the Zürich straße, naïve café, Ελληνικά, русский язык, עברית, हिन्दी, ไทย, "
                + "한국어, 日本語のテキスト, 中文分词测试, emoji 🦙🚀👩‍💻🇫🇷, numbers 1234567890 ٠١٢٣ ½ ², "
                + "code: for (int i = 0; i < n; i++) { sum += a[i]; } // comment\n\t\tindent  \r\n"
                + " supercalifragilisticexpialidocious antidisestablishmentarianism Pneumonoultramicroscopic";
        int[] cps = corpus.codePoints().toArray();
        SplittableRandom random = new SplittableRandom(42);
        for (int round = 0; round < 3000; round++) {
            StringBuilder b = new StringBuilder();
            int pieces = random.nextInt(1, 4);
            for (int p = 0; p < pieces; p++) {
                int start = random.nextInt(cps.length);
                int len = random.nextInt(1, 40);
                b.append(new String(cps, start, Math.min(len, cps.length - start)));
                if (random.nextInt(4) == 0) {
                    b.appendCodePoint(random.nextInt(0x20, 0x3000));
                }
            }
            String text = Llama3Tokenizer.replaceLoneSurrogates(b.toString());
            List<Integer> expected = new ArrayList<>();
            for (String word : Llama3PreTokenizerTest.split(text)) {
                StringBuilder symbols = new StringBuilder();
                for (byte x : word.getBytes(StandardCharsets.UTF_8)) {
                    symbols.append(ByteLevelAlphabet.symbolOf(x));
                }
                for (String part : naiveBpe(symbols.toString(), ranks, vocab)) {
                    assertThat(vocab).as("merged part %s is a token", part).containsKey(part);
                    expected.add(vocab.get(part));
                }
            }
            assertThat(tokenizer.encode(text)).as("tokens of %s", LlamaCppVectorsTest.printable(text))
                    .containsExactly(expected.stream().mapToInt(Integer::intValue).toArray());
            assertThat(tokenizer.decode(tokenizer.encode(text))).isEqualTo(text);
        }
    }
}
