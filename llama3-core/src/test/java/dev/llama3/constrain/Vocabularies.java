package dev.llama3.constrain;

import dev.llama3.gguf.GgufFile;
import dev.llama3.testing.Fixtures;
import dev.llama3.tokenizer.Llama3Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The real Llama 3 vocabulary (128,256 tokens) from the fixtures, read once; tests skip when it is absent. */
final class Vocabularies {
    private static Llama3Tokenizer real;

    private Vocabularies() {}

    static synchronized Llama3Tokenizer real() {
        Path path = Fixtures.require("models/tiny64-q4_0.gguf");
        if (real == null) {
            real = load(path);
        }
        return real;
    }

    static Llama3Tokenizer load(Path path) {
        try (GgufFile gguf = GgufFile.open(path)) {
            return Llama3Tokenizer.fromGguf(gguf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
