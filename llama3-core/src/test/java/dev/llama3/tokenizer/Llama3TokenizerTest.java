package dev.llama3.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Tokenizer behaviour on a small hand-made vocabulary (no fixtures needed). */
class Llama3TokenizerTest {

    /** 256 byte symbols, a few merged tokens, then two control tokens. */
    static Llama3Tokenizer small() {
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteLevelAlphabet.symbolOf(b)));
        }
        String sp = String.valueOf(ByteLevelAlphabet.symbolOf(' '));
        tokens.add("he");          // 256
        tokens.add("ll");          // 257
        tokens.add("hell");        // 258
        tokens.add("hello");       // 259
        tokens.add(sp + "w");      // 260
        tokens.add("<|bos|>");     // 261
        tokens.add("<|eot_id|>");  // 262
        List<String> merges = List.of("l l", "h e", "he ll", "hell o", sp + " w");
        int[] types = new int[tokens.size()];
        java.util.Arrays.fill(types, 1);
        types[261] = 3;
        types[262] = 3;
        return Llama3Tokenizer.of(tokens, merges, types, 261, 262, OptionalInt.empty(), OptionalInt.empty(), true);
    }

    @Test
    void mergesApplyByRankAndWholeWordsAreTakenDirectly() {
        Llama3Tokenizer t = small();
        assertThat(t.encode("hello")).containsExactly(259);
        assertThat(t.encode("hellhe")).containsExactly(258, 256);
        assertThat(t.encode("hello world")).containsExactly(259, 260, 'o', 'r', 'l', 'd');
        assertThat(t.encode("hello", true, false)).containsExactly(261, 259);
    }

    @Test
    void specialTokensAreOnlyParsedWhenAsked() {
        Llama3Tokenizer t = small();
        assertThat(t.encode("hi<|eot_id|>")).doesNotContain(262).startsWith('h', 'i', '<', '|');
        assertThat(t.encode("hi<|eot_id|>", false, true)).containsExactly('h', 'i', 262);
        assertThat(t.specialTokenId("<|eot_id|>")).isEqualTo(262);
        assertThat(t.findSpecialToken("hello")).isEmpty();
        assertThatThrownBy(() -> t.specialTokenId("<|nope|>")).hasMessageContaining("<|nope|>");
        assertThat(t.endOfGenerationIds()).contains(262);
    }

    @Test
    void decodeRoundTripsAnyText() {
        Llama3Tokenizer t = small();
        for (String s : List.of("", "hello world", "héllo wörld 🦙🦙", "今天天气很好", "a\u0301 e\u0308", "  \n\t x  ",
                "<|eot_id|> stays text", "1234567 89")) {
            assertThat(t.decode(t.encode(s))).isEqualTo(s);
        }
        // a lone surrogate cannot be encoded as UTF-8: it becomes U+FFFD
        assertThat(t.decode(t.encode("a\uD800b"))).isEqualTo("a\uFFFDb");
        assertThat(t.decode(new int[] {262})).isEqualTo("<|eot_id|>");
    }

    @Test
    void streamingDecoderNeverEmitsHalfACharacter() {
        Llama3Tokenizer t = small();
        String text = "🦙 llama 今天 é";
        int[] ids = t.encode(text);
        StreamingDecoder d = t.streamingDecoder();
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            String piece = d.accept(id);
            assertThat(piece).doesNotContain("\uFFFD");
            sb.append(piece);
        }
        sb.append(d.flush());
        assertThat(sb.toString()).isEqualTo(text);
        // an incomplete character at the end becomes U+FFFD on flush
        StreamingDecoder d2 = t.streamingDecoder();
        assertThat(d2.accept(0xF0)).isEmpty();
        assertThat(d2.flush()).isEqualTo("\uFFFD");
    }

    @Test
    void badVocabulariesAreRefused() {
        assertThatThrownBy(() -> Llama3Tokenizer.of(List.of(), List.of(), null, 0, 0, OptionalInt.empty(),
                OptionalInt.empty(), true)).hasMessageContaining("empty");
        assertThatThrownBy(() -> Llama3Tokenizer.of(List.of("a"), List.of(), null, 5, 0, OptionalInt.empty(),
                OptionalInt.empty(), true)).hasMessageContaining("bos_token_id");
        assertThatThrownBy(() -> small().decode(new int[] {9999})).hasMessageContaining("9999");
    }

    @Test
    void preTokenizerFollowsTheLlama3Pattern() {
        assertThat(pieces("Hello world")).containsExactly("Hello", " world");
        assertThat(pieces("I'm here, they'LL go")).containsExactly("I", "'m", " here", ",", " they", "'LL", " go");
        assertThat(pieces("1234567")).containsExactly("123", "456", "7");
        assertThat(pieces("a  b")).containsExactly("a", " ", " b");
        assertThat(pieces("x\n\n  y")).containsExactly("x", "\n\n", " ", " y");
        assertThat(pieces("end   ")).containsExactly("end", "   ");
        assertThat(pieces("...!?\n")).containsExactly("...!?\n");
        assertThat(pieces("🦙🦙 ok")).containsExactly("🦙🦙", " ok");
    }

    private static List<String> pieces(String s) {
        return Llama3PreTokenizerTest.split(s);
    }
}
