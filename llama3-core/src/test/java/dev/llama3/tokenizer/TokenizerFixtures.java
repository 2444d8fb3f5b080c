package dev.llama3.tokenizer;

import dev.llama3.gguf.GgufFile;
import dev.llama3.testing.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;

/** Tokenizers read from the shared fixture GGUFs, built once per JVM (skips the test when a file is absent). */
final class TokenizerFixtures {
    private static final Map<String, Llama3Tokenizer> CACHE = new ConcurrentHashMap<>();

    private TokenizerFixtures() {}

    /** The Llama 3.0-named vocabulary of llama.cpp's test vectors. */
    static Llama3Tokenizer llamaBpeVocab() {
        return load("tokenizer/ggml-vocab-llama-bpe.gguf");
    }

    /** The Llama 3.1-named vocabulary of the tiny models. */
    static Llama3Tokenizer tiny64Vocab() {
        return load("models/tiny64-f32.gguf");
    }

    static Llama3Tokenizer load(String relative) {
        Path path = Fixtures.require(relative);
        return CACHE.computeIfAbsent(relative, r -> {
            try (GgufFile gguf = GgufFile.open(path)) {
                return Llama3Tokenizer.fromGguf(gguf);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
