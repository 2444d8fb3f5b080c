package dev.llama3.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Streaming decoding: whole characters only, and the same text as decoding everything at once. */
class StreamingDecoderTest {

    private static List<String> stream(Llama3Tokenizer t, int[] ids) {
        StreamingDecoder d = t.streamingDecoder();
        List<String> out = new ArrayList<>();
        for (int id : ids) {
            out.add(d.accept(id));
        }
        out.add(d.flush());
        return out;
    }

    @Test
    void charactersSplitAcrossTokensComeOutWhole() {
        Llama3Tokenizer t = TokenizerFixtures.tiny64Vocab();
        for (String text : List.of("今天天气很好，我们一起去公园散步吧。人工智能正在改变世界。", "🦙 llamas 🚀🚀 👩‍💻 🇫🇷",
                "naïve café — “quotes” …", "𝐀𝐁𝐂 𠀀𠀁 \uD83E\uDD99")) {
            int[] ids = t.encode(text);
            List<String> pieces = stream(t, ids);
            assertThat(String.join("", pieces)).isEqualTo(t.decode(ids)).isEqualTo(text);
            assertThat(pieces).noneMatch(p -> p.contains("\uFFFD"));
            // nothing is held back at the end of valid text
            assertThat(pieces.getLast()).isEmpty();
            // no piece ends or starts in the middle of a surrogate pair
            assertThat(pieces).allMatch(p -> Llama3Tokenizer.replaceLoneSurrogates(p).equals(p));
        }
    }

    @Test
    void emojiSplitOverByteTokensIsHeldBackUntilComplete() {
        Llama3Tokenizer t = TokenizerFixtures.tiny64Vocab();
        byte[] llama = "🦙".getBytes(StandardCharsets.UTF_8); // F0 9F A6 99
        int[] byteTokens = new int[llama.length];
        for (int i = 0; i < llama.length; i++) {
            byteTokens[i] = byteToken(t, llama[i]);
        }
        StreamingDecoder d = t.streamingDecoder();
        assertThat(d.accept(byteTokens[0])).isEmpty();
        assertThat(d.accept(byteTokens[1])).isEmpty();
        assertThat(d.accept(byteTokens[2])).isEmpty();
        assertThat(d.accept(byteTokens[3])).isEqualTo("🦙");
        assertThat(d.flush()).isEmpty();
    }

    @Test
    void unfinishedCharacterAtTheEndIsFlushedAsReplacement() {
        Llama3Tokenizer t = TokenizerFixtures.tiny64Vocab();
        StreamingDecoder d = t.streamingDecoder();
        assertThat(d.accept(t.encode("a")[0])).isEqualTo("a");
        assertThat(d.accept(byteToken(t, (byte) 0xE4))).isEmpty();
        assertThat(d.flush()).isEqualTo("\uFFFD");
        // the decoder is reusable after flush
        assertThat(d.accept(t.encode("b")[0])).isEqualTo("b");
    }

    @Test
    void invalidBytesAreNotHeldBack() {
        Llama3Tokenizer t = TokenizerFixtures.tiny64Vocab();
        StreamingDecoder d = t.streamingDecoder();
        assertThat(d.accept(byteToken(t, (byte) 0x80))).isEqualTo("\uFFFD"); // stray continuation byte
        assertThat(d.accept(byteToken(t, (byte) 0xFF))).isEqualTo("\uFFFD"); // never valid
        // a lead byte waits, and is released as soon as the next byte shows the sequence is malformed
        int[][] malformed = {{0xE0, 0x80}, {0xED, 0xA0}, {0xF4, 0x90}, {0xC3, 0x41}};
        for (int[] pair : malformed) {
            int lead = byteToken(t, (byte) pair[0]);
            int second = byteToken(t, (byte) pair[1]);
            assertThat(d.accept(lead)).isEmpty();
            assertThat(d.accept(second)).isEqualTo(t.decode(new int[] {lead, second})).contains("\uFFFD");
        }
        assertThat(d.flush()).isEmpty();
    }

    @Test
    void specialTokensStreamAsTheirText() {
        Llama3Tokenizer t = TokenizerFixtures.tiny64Vocab();
        StreamingDecoder d = t.streamingDecoder();
        assertThat(d.accept(byteToken(t, (byte) 0xE4))).isEmpty();
        // a special token interrupts the character: the unfinished byte becomes U+FFFD, as in decode()
        String out = d.accept(128009) + d.flush();
        assertThat(out).isEqualTo(t.decode(new int[] {byteToken(t, (byte) 0xE4), 128009}))
                .isEqualTo("\uFFFD<|eot_id|>");
    }

    @Test
    void concatenationEqualsDecodeForRandomTokenSequences() {
        Llama3Tokenizer t = TokenizerFixtures.tiny64Vocab();
        SplittableRandom random = new SplittableRandom(99);
        for (int round = 0; round < 5000; round++) {
            int n = random.nextInt(1, 12);
            int[] ids = new int[n];
            for (int i = 0; i < n; i++) {
                ids[i] = switch (random.nextInt(4)) {
                    case 0 -> random.nextInt(0, 256);     // single-byte tokens, mostly partial characters
                    case 1 -> random.nextInt(100_000, 128_000); // many CJK and other multi-byte pieces
                    case 2 -> random.nextInt(128_000, 128_256); // special tokens
                    default -> random.nextInt(0, 128_256);
                };
            }
            assertThat(String.join("", stream(t, ids))).as("stream of %s", java.util.Arrays.toString(ids))
                    .isEqualTo(t.decode(ids));
        }
    }

    @Test
    void completePrefixLengthKeepsOnlyValidUnfinishedTails() {
        assertThat(StreamingDecoder.completePrefixLength(bytes(0x61, 0xF0, 0x9F), 3)).isEqualTo(1);
        assertThat(StreamingDecoder.completePrefixLength(bytes(0x61, 0xF0, 0x9F, 0xA6), 4)).isEqualTo(1);
        assertThat(StreamingDecoder.completePrefixLength(bytes(0xF0, 0x9F, 0xA6, 0x99), 4)).isEqualTo(4);
        assertThat(StreamingDecoder.completePrefixLength(bytes(0xC3), 1)).isEqualTo(0);
        assertThat(StreamingDecoder.completePrefixLength(bytes(0xC3, 0xA9), 2)).isEqualTo(2);
        assertThat(StreamingDecoder.completePrefixLength(bytes(0xF0, 0x80), 2)).isEqualTo(2); // overlong: invalid
        assertThat(StreamingDecoder.completePrefixLength(bytes(0xF4, 0x90), 2)).isEqualTo(2); // > U+10FFFF: invalid
        assertThat(StreamingDecoder.completePrefixLength(bytes(0xC0), 1)).isEqualTo(1);
        assertThat(StreamingDecoder.completePrefixLength(bytes(0x61, 0x80, 0x80), 3)).isEqualTo(3);
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    /** The vocabulary's single-byte token for {@code b}. */
    private static int byteToken(Llama3Tokenizer t, byte b) {
        for (int id = 0; id < 256; id++) {
            byte[] piece = t.tokenBytes(id);
            if (piece.length == 1 && piece[0] == b) {
                return id;
            }
        }
        throw new AssertionError("no token for byte " + (b & 0xFF));
    }

    @Test
    void worksWithAnyVocabulary() {
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteLevelAlphabet.symbolOf(b)));
        }
        Llama3Tokenizer t = Llama3Tokenizer.of(tokens, List.of(), null, 0, 0, OptionalInt.empty(), OptionalInt.empty(),
                true);
        int[] ids = t.encode("héllo wörld 😀");
        assertThat(String.join("", stream(t, ids))).isEqualTo("héllo wörld 😀");
    }
}
