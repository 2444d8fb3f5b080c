package dev.llama3.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The public API on the real Llama 3 vocabularies: special tokens, round trips, stress inputs, errors. */
class Llama3TokenizerApiTest {

    /** The README's example: with special parsing off, {@code <|eot_id|>} is seven ordinary tokens. */
    private static final int[] EOT_AS_TEXT = {27, 91, 68, 354, 851, 91, 29};

    @Test
    void specialTokenTextIsPlainTextUnlessParsingIsRequested() {
        Llama3Tokenizer t = TokenizerFixtures.tiny64Vocab();
        assertThat(t.encode("<|eot_id|>")).containsExactly(EOT_AS_TEXT);
        assertThat(t.encode("<|eot_id|>", false, false)).containsExactly(EOT_AS_TEXT);
        assertThat(t.encode("<|eot_id|>", false, true)).containsExactly(128009);
        assertThat(t.encode("<|eot_id|>", true, true)).containsExactly(128000, 128009);
        assertThat(t.decode(EOT_AS_TEXT)).isEqualTo("<|eot_id|>");
    }

    @Test
    void specialParsingSplitsAroundTokens() {
        Llama3Tokenizer t = TokenizerFixtures.tiny64Vocab();
        int[] ids = t.encode("a<|eot_id|><|eot_id|>b<|start_header_id|>", false, true);
        int[] a = t.encode("a");
        int[] b = t.encode("b");
        assertThat(ids).containsExactly(a[0], 128009, 128009, b[0], 128006);
        // a half-written special token is text
        assertThat(t.encode("<|eot_id|", false, true)).containsExactly(t.encode("<|eot_id|"));
        assertThat(t.decode(ids)).isEqualTo("a<|eot_id|><|eot_id|>b<|start_header_id|>");
    }

    @Test
    void specialTokenLookups() {
        Llama3Tokenizer t = TokenizerFixtures.tiny64Vocab();
        assertThat(t.vocabSize()).isEqualTo(128256);
        assertThat(t.specialTokenId("<|begin_of_text|>")).isEqualTo(128000);
        assertThat(t.specialTokenId("<|eot_id|>")).isEqualTo(128009);
        assertThat(t.specialTokenId("<|eom_id|>")).isEqualTo(128008);
        assertThat(t.specialTokenId("<|python_tag|>")).isEqualTo(128010);
        assertThat(t.findSpecialToken("<|start_header_id|>")).hasValue(128006);
        assertThat(t.findSpecialToken("hello")).isEmpty();
        assertThatThrownBy(() -> t.specialTokenId("the")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'the' is not a special token");
        assertThat(t.isSpecial(128009)).isTrue();
        assertThat(t.isControl(128255)).isTrue();
        assertThat(t.isSpecial(791)).isFalse();
        assertThat(t.isControl(791)).isFalse();
        assertThat(t.bosId()).isEqualTo(128000);
        assertThat(t.eosId()).isEqualTo(128009);
        assertThat(t.eotId()).hasValue(128009);
        assertThat(t.eomId()).hasValue(128008);
        assertThat(t.addBos()).isTrue();
        assertThat(t.endOfGenerationIds()).containsExactly(128001, 128008, 128009);
    }

    @Test
    void llama30NamesHaveNoEom() {
        Llama3Tokenizer t = TokenizerFixtures.llamaBpeVocab();
        assertThat(t.eosId()).isEqualTo(128001);
        assertThat(t.eotId()).hasValue(128009);
        assertThat(t.eomId()).isEmpty();
        assertThat(t.findSpecialToken("<|eom_id|>")).isEmpty();
        assertThat(t.endOfGenerationIds()).containsExactly(128001, 128009);
    }

    @Test
    void bosIsAddedOnlyWhenAsked() {
        Llama3Tokenizer t = TokenizerFixtures.tiny64Vocab();
        assertThat(t.encode("", true, false)).containsExactly(128000);
        assertThat(t.encode("", false, false)).isEmpty();
        assertThat(t.encode("")).isEmpty();
        assertThat(t.encode("Hello", true, false)).containsExactly(128000, 9906);
    }

    @Test
    void piecesAndBytes() {
        Llama3Tokenizer t = TokenizerFixtures.tiny64Vocab();
        assertThat(t.piece(22691)).isEqualTo(" Hello");
        assertThat(t.token(22691)).isEqualTo("ĠHello");
        assertThat(t.token(128009)).isEqualTo("<|eot_id|>");
        assertThat(t.piece(128009)).isEqualTo("<|eot_id|>");
        assertThat(t.tokenBytes(128009)).isEqualTo("<|eot_id|>".getBytes(StandardCharsets.UTF_8));
        assertThat(t.tokenBytes(198)).containsExactly('\n');
        // byte tokens 0..255 hold single bytes; the high ones are not characters on their own
        int[] high = t.encode("é"); // C3 A9
        byte[] bytes = new byte[0];
        for (int id : high) {
            bytes = concat(bytes, t.tokenBytes(id));
        }
        assertThat(bytes).isEqualTo("é".getBytes(StandardCharsets.UTF_8));
        // a fresh copy each time
        t.tokenBytes(198)[0] = 'x';
        assertThat(t.tokenBytes(198)).containsExactly('\n');
    }

    @Test
    void partialCharactersDecodeAsReplacement() {
        Llama3Tokenizer t = TokenizerFixtures.tiny64Vocab();
        String llama = "🦙";
        int[] ids = t.encode(llama);
        assertThat(ids.length).isGreaterThan(1);
        assertThat(t.piece(ids[0])).contains("\uFFFD");
        assertThat(t.decode(ids)).isEqualTo(llama);
        assertThat(t.decode(Arrays.copyOf(ids, ids.length - 1))).endsWith("\uFFFD");
    }

    @Test
    void roundTripsManyStrings() {
        Llama3Tokenizer t = TokenizerFixtures.tiny64Vocab();
        List<String> samples = List.of(
                "Hello, world!", "  leading and trailing  ", "\n\n\ttabs\tand\nnewlines\r\n", "",
                "😀😃😄 👩‍👩‍👧‍👦 🇯🇵 👍🏽", "今天天气很好，我们一起去公园散步吧。", "日本語とカタカナ", "한국어 텍스트",
                "e\u0301 a\u0300 o\u0308 \u0915\u094D\u0937", "Ελληνικά русский עברית العربية हिन्दी ไทย",
                "mixed: abc123中文😀é\u0301", "1234567890123456789012345", "3.14159265358979323846",
                "I'm you're he's we'll they'd I've DON'T O'Neil rock'n'roll ''' 'S", "<|eot_id|><|begin_of_text|>",
                "\u0000\u0001\u001F\u007F\u0085\u00A0\u2028\uFEFF", "\uFFFD\uFFFE\uFFFF", "𝐀𝐁𝐂 𝟘𝟙𝟚 𠀀𠀁",
                " ".repeat(1000), "\n".repeat(300), "\t \n \r ".repeat(50), "9".repeat(1000),
                "a".repeat(5000), "ab".repeat(3000), "!?".repeat(2000), "😀".repeat(500));
        for (String s : samples) {
            assertThat(t.decode(t.encode(s))).as("round trip of %s", LlamaCppVectorsTest.printable(s)).isEqualTo(s);
            assertThat(t.decode(t.encode(s, true, false))).isEqualTo("<|begin_of_text|>" + s);
        }
    }

    @Test
    void roundTripsRandomCodePoints() {
        Llama3Tokenizer t = TokenizerFixtures.tiny64Vocab();
        SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 2000; round++) {
            StringBuilder b = new StringBuilder();
            int n = random.nextInt(0, 30);
            for (int i = 0; i < n; i++) {
                int cp = switch (random.nextInt(5)) {
                    case 0 -> random.nextInt(0, 0x80);
                    case 1 -> random.nextInt(0x80, 0x800);
                    case 2 -> random.nextInt(0x800, 0xD800);
                    case 3 -> random.nextInt(0xE000, 0x10000);
                    default -> random.nextInt(0x10000, 0x110000);
                };
                b.appendCodePoint(cp);
            }
            String s = b.toString();
            assertThat(t.decode(t.encode(s))).as("round trip of %s", LlamaCppVectorsTest.printable(s)).isEqualTo(s);
        }
    }

    @Test
    void loneSurrogatesBecomeReplacementCharacters() {
        Llama3Tokenizer t = TokenizerFixtures.tiny64Vocab();
        assertThat(t.decode(t.encode("a\uD800b"))).isEqualTo("a\uFFFDb");
        assertThat(t.decode(t.encode("\uDC00"))).isEqualTo("\uFFFD");
        assertThat(t.decode(t.encode("x\uD83D"))).isEqualTo("x\uFFFD");
        assertThat(t.decode(t.encode("\uDE00\uD83D"))).isEqualTo("\uFFFD\uFFFD"); // reversed pair
        assertThat(t.encode("a\uD800b")).containsExactly(t.encode("a\uFFFDb"));
        assertThat(Llama3Tokenizer.replaceLoneSurrogates("ok 😀")).isSameAs("ok 😀".intern()).isEqualTo("ok 😀");
    }

    @Test
    void stressInputsMatchTheirPieces() {
        Llama3Tokenizer t = TokenizerFixtures.tiny64Vocab();
        // numbers go in groups of three digits from the left, each group tokenized alone
        assertThat(t.encode("1234567")).containsExactly(concat(t.encode("123"), t.encode("456"), t.encode("7")));
        // a long whitespace run before a word leaves its last space to the word
        int[] spaces = t.encode("      word");
        assertThat(spaces).containsExactly(concat(t.encode("     "), t.encode(" word")));
        // contractions are their own words in any ASCII case
        assertThat(t.encode("DON'T")).containsExactly(concat(t.encode("DON"), t.encode("'T")));
        assertThat(t.encode("we'LL")).containsExactly(concat(t.encode("we"), t.encode("'LL")));
        // letters of all scripts form one word; digits split them
        assertThat(t.encode("abc123中文")).containsExactly(concat(t.encode("abc"), t.encode("123"), t.encode("中文")));
        assertThat(t.decode(t.encode("x".repeat(100_000)))).hasSize(100_000);
    }

    @Test
    void userDefinedTokensAreMatchedWithoutSpecialParsing() {
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteLevelAlphabet.symbolOf(b)));
        }
        tokens.add("<tool>");   // 256 user-defined
        tokens.add("<|ctl|>");  // 257 control
        tokens.add("<unk>");    // 258 unknown
        int[] types = new int[tokens.size()];
        Arrays.fill(types, 1);
        types[256] = 4;
        types[257] = 3;
        types[258] = 2;
        Llama3Tokenizer t = Llama3Tokenizer.of(tokens, List.of(), types, 257, 257, OptionalInt.empty(),
                OptionalInt.empty(), false);
        assertThat(t.encode("a<tool>b")).containsExactly('a', 256, 'b');
        assertThat(t.encode("<|ctl|><unk>")).hasSize("<|ctl|><unk>".length());
        assertThat(t.encode("<|ctl|><unk>", false, true)).containsExactly(257, 258);
        assertThat(t.isSpecial(256)).isTrue();
        assertThat(t.isControl(256)).isFalse();
        assertThat(t.specialTokenId("<tool>")).isEqualTo(256);
        assertThat(t.decode(new int[] {256, 257, 258})).isEqualTo("<tool><|ctl|><unk>");
        assertThat(t.eotId()).isEmpty();
        assertThat(t.endOfGenerationIds()).containsExactly(257);
        assertThat(t.addBos()).isFalse();
    }

    @Test
    void longerSpecialTokensAreMatchedFirst() {
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteLevelAlphabet.symbolOf(b)));
        }
        tokens.add("<a>");      // 256
        tokens.add("x<a>y");    // 257
        int[] types = new int[tokens.size()];
        Arrays.fill(types, 1);
        types[256] = 3;
        types[257] = 3;
        Llama3Tokenizer t = Llama3Tokenizer.of(tokens, List.of(), types, 256, 256, OptionalInt.empty(),
                OptionalInt.empty(), true);
        assertThat(t.encode("<a>x<a>y<a>", false, true)).containsExactly(256, 257, 256);
    }

    @Test
    void eotNamedTokensAreControlEvenWhenTheFileSaysNormal() {
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteLevelAlphabet.symbolOf(b)));
        }
        tokens.add("<|eot_id|>");
        int[] types = new int[tokens.size()];
        Arrays.fill(types, 1);
        Llama3Tokenizer t = Llama3Tokenizer.of(tokens, List.of(), types, 0, 0, OptionalInt.empty(),
                OptionalInt.empty(), true);
        assertThat(t.isControl(256)).isTrue();
        assertThat(t.eotId()).hasValue(256);
        assertThat(t.endOfGenerationIds()).containsExactly(0, 256);
        assertThat(t.encode("<|eot_id|>", false, true)).containsExactly(256);
    }

    @Test
    void invalidIdsAndArgumentsAreRefused() {
        Llama3Tokenizer t = TokenizerFixtures.tiny64Vocab();
        assertThatThrownBy(() -> t.decode(new int[] {1, 128256})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("128256").hasMessageContaining("outside the vocabulary");
        assertThatThrownBy(() -> t.piece(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.tokenBytes(200_000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.isSpecial(-5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.streamingDecoder().accept(128256)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.encode(null)).isInstanceOf(NullPointerException.class);
        List<String> tokens = List.of("a", "b");
        assertThatThrownBy(() -> Llama3Tokenizer.of(tokens, List.of(), null, 2, 0, OptionalInt.empty(),
                OptionalInt.empty(), true)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BOS");
        assertThatThrownBy(() -> Llama3Tokenizer.of(tokens, List.of(), null, 0, -1, OptionalInt.empty(),
                OptionalInt.empty(), true)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("EOS");
        assertThatThrownBy(() -> Llama3Tokenizer.of(tokens, List.of(), null, 0, 0, OptionalInt.of(9),
                OptionalInt.empty(), true)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("EOT");
        assertThatThrownBy(() -> Llama3Tokenizer.of(tokens, List.of(), new int[] {1}, 0, 0, OptionalInt.empty(),
                OptionalInt.empty(), true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 tokens but 1 token types");
        assertThatThrownBy(() -> Llama3Tokenizer.of(List.of(), List.of(), null, 0, 0, OptionalInt.empty(),
                OptionalInt.empty(), true)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }

    @Test
    void concurrentEncodingGivesTheSameResults() throws Exception {
        Llama3Tokenizer t = TokenizerFixtures.tiny64Vocab();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            texts.add("Line " + i + ": the quick brown fox 😀 " + "中文".repeat(i % 5) + " jumps " + i * 7919);
        }
        List<int[]> expected = texts.stream().map(t::encode).toList();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                results.add(pool.submit(() -> {
                    for (int r = 0; r < 5; r++) {
                        for (int i = 0; i < texts.size(); i++) {
                            if (!Arrays.equals(t.encode(texts.get(i)), expected.get(i))) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get()).isTrue();
            }
        }
    }

    @Test
    void encodesThousandsOfLinesQuickly() {
        Llama3Tokenizer t = TokenizerFixtures.tiny64Vocab();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            lines.add("{\"prompt\": \"Question " + i + ": what is the capital of country number " + i * 31
                    + "? Answer in one word, please.\", \"tags\": [\"geo\", \"test\"]}");
        }
        lines.forEach(t::encode); // warm-up
        long t0 = System.nanoTime();
        long tokens = 0;
        for (String line : lines) {
            tokens += t.encode(line).length;
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(tokens).isGreaterThan(3000 * 20);
        // typically well under 100 ms; the bound only catches pathological slowness on a busy machine
        assertThat(ms).as("ms to encode 3000 lines").isLessThan(3000);
    }

    static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
