package dev.llama3.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llama3.gguf.GgufFile;
import dev.llama3.gguf.GgufValueType;
import dev.llama3.gguf.GgufWriter;
import dev.llama3.testing.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the tokenizer keys of a GGUF file, and the errors for files without a usable Llama 3 tokenizer. */
class TokenizerFromGgufTest {

    @TempDir
    Path dir;

    private static List<String> byteTokens() {
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteLevelAlphabet.symbolOf(b)));
        }
        tokens.add("Ġa");
        tokens.add("<|begin_of_text|>");
        tokens.add("<|end_of_text|>");
        tokens.add("<|eot_id|>");
        return tokens;
    }

    /** A minimal valid tokenizer, changed by {@code edit}. */
    private Path write(Consumer<GgufWriter> edit) throws Exception {
        List<String> tokens = byteTokens();
        int[] types = new int[tokens.size()];
        java.util.Arrays.fill(types, 1);
        types[257] = 3;
        types[258] = 3;
        types[259] = 3;
        GgufWriter w = new GgufWriter();
        w.putString("general.architecture", "llama");
        w.putString("tokenizer.ggml.model", "gpt2");
        w.putString("tokenizer.ggml.pre", "llama-bpe");
        w.putStringArray("tokenizer.ggml.tokens", tokens);
        w.putInt32Array("tokenizer.ggml.token_type", types);
        w.putStringArray("tokenizer.ggml.merges", List.of("Ġ a"));
        w.putUInt32("tokenizer.ggml.bos_token_id", 257);
        w.putUInt32("tokenizer.ggml.eos_token_id", 258);
        edit.accept(w);
        Path path = dir.resolve("t" + System.nanoTime() + ".gguf");
        w.write(path);
        return path;
    }

    private static Llama3Tokenizer read(Path path) throws Exception {
        try (GgufFile gguf = GgufFile.open(path)) {
            return Llama3Tokenizer.fromGguf(gguf);
        }
    }

    @Test
    void readsAMinimalTokenizer() throws Exception {
        Llama3Tokenizer t = read(write(w -> {}));
        assertThat(t.vocabSize()).isEqualTo(260);
        assertThat(t.encode(" a a")).containsExactly(256, 256);
        assertThat(t.bosId()).isEqualTo(257);
        assertThat(t.eosId()).isEqualTo(258);
        assertThat(t.eotId()).hasValue(259);
        assertThat(t.eomId()).isEmpty();
        assertThat(t.addBos()).isTrue();
        assertThat(t.endOfGenerationIds()).containsExactly(258, 259);
    }

    @Test
    void readsOptionalKeys() throws Exception {
        Llama3Tokenizer t = read(write(w -> w.putBool("tokenizer.ggml.add_bos_token", false)
                .putUInt32("tokenizer.ggml.eot_token_id", 258)
                .putUInt32("tokenizer.ggml.eom_token_id", 259)
                .putString("tokenizer.ggml.pre", "llama3")));
        assertThat(t.addBos()).isFalse();
        assertThat(t.eotId()).hasValue(258);
        assertThat(t.eomId()).hasValue(259);
        Llama3Tokenizer noTypes = read(write(w -> w.remove("tokenizer.ggml.token_type")));
        assertThat(noTypes.isSpecial(259)).isTrue(); // <|eot_id|> is made control even without types
        assertThat(noTypes.isSpecial(257)).isFalse();
        assertThat(noTypes.findSpecialToken("<|begin_of_text|>")).isEmpty();
    }

    @Test
    void emptyMergeListGivesByteTokens() throws Exception {
        Llama3Tokenizer t = read(write(w -> w.putArray("tokenizer.ggml.merges", GgufValueType.STRING, List.of())));
        assertThat(t.encode(" a")).containsExactly(256); // the whole word is a token
        assertThat(t.encode(" ab")).hasSize(3);
    }

    @Test
    void refusesOtherTokenizers() throws Exception {
        Path llama2 = write(w -> w.putString("tokenizer.ggml.model", "llama"));
        assertThatThrownBy(() -> read(llama2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(llama2.toString()).hasMessageContaining("tokenizer.ggml.model is 'llama'");
        Path qwen = write(w -> w.putString("tokenizer.ggml.pre", "qwen2"));
        assertThatThrownBy(() -> read(qwen)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenizer.ggml.pre is 'qwen2'").hasMessageContaining("llama-bpe");
        Path v3 = write(w -> w.putString("tokenizer.ggml.pre", "llama-v3"));
        assertThat(read(v3).vocabSize()).isEqualTo(260);
        Path gpt2 = write(w -> w.putString("tokenizer.ggml.pre", "gpt-2"));
        assertThatThrownBy(() -> read(gpt2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenizer.ggml.pre is 'gpt-2'");
    }

    @Test
    void olderFilesWithoutAPreTokenizerAreTakenAsLlama3() throws Exception {
        Llama3Tokenizer defaultPre = read(write(w -> w.putString("tokenizer.ggml.pre", "default")));
        assertThat(defaultPre.encode(" a a")).containsExactly(256, 256);
        Llama3Tokenizer noPre = read(write(w -> w.remove("tokenizer.ggml.pre")));
        assertThat(noPre.encode(" a a")).containsExactly(256, 256);
    }

    @Test
    void refusesMissingOrInconsistentKeys() throws Exception {
        for (String key : List.of("tokenizer.ggml.model", "tokenizer.ggml.tokens", "tokenizer.ggml.merges",
                "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id")) {
            Path path = write(w -> w.remove(key));
            assertThatThrownBy(() -> read(path)).as(key).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(path.toString()).hasMessageContaining(key).hasMessageContaining("missing");
        }
        Path badBos = write(w -> w.putUInt32("tokenizer.ggml.bos_token_id", 260));
        assertThatThrownBy(() -> read(badBos)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenizer.ggml.bos_token_id = 260 is outside the vocabulary");
        Path badEom = write(w -> w.putInt32("tokenizer.ggml.eom_token_id", -1));
        assertThatThrownBy(() -> read(badEom)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenizer.ggml.eom_token_id = -1");
        Path shortTypes = write(w -> w.putInt32Array("tokenizer.ggml.token_type", new int[] {1, 1}));
        assertThatThrownBy(() -> read(shortTypes)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(shortTypes.toString()).hasMessageContaining("260 tokens but 2 token types");
    }

    @Test
    void buildsTheFullVocabularyQuickly() throws Exception {
        Path path = Fixtures.require("tokenizer/ggml-vocab-llama-bpe.gguf");
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            try (GgufFile gguf = GgufFile.open(path)) {
                long t0 = System.nanoTime();
                Llama3Tokenizer t = Llama3Tokenizer.fromGguf(gguf);
                best = Math.min(best, System.nanoTime() - t0);
                assertThat(t.vocabSize()).isEqualTo(128256);
            }
        }
        // typically a few hundred ms cold on a shared 2-core machine; the bound catches pathological slowness
        assertThat(best / 1_000_000).as("ms to build the tokenizer").isLessThan(3000);
    }
}
