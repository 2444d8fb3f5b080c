package dev.llama3.testing;

import dev.llama3.model.ModelShape;
import dev.llama3.model.SyntheticModel;
import dev.llama3.tensor.ComputePool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Models for the starter's tests. {@link #tiny()} is a synthetic Llama 3 model (tiny shape, random weights,
 * byte-level vocabulary with Llama 3's special tokens) written once per test JVM in milliseconds, so everything
 * that needs a model runs on a fresh clone. {@link #fixtureTiny64()} has the real 128K Llama 3 vocabulary and skips
 * the test when the fixtures are absent.
 */
public final class TestModels {
    private static Path tiny;

    private TestModels() {}

    public static synchronized Path tiny() {
        if (tiny == null) {
            try {
                Path dir = Files.createTempDirectory("llama3-starter-test");
                Path file = dir.resolve("tiny-q8_0.gguf");
                try (ComputePool pool = new ComputePool(2)) {
                    new SyntheticModel(ModelShape.TINY, SyntheticModel.WeightFormat.Q8_0, 11, null).write(file, pool);
                }
                file.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
                tiny = file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tiny;
    }

    /** The fixtures' tiny64-q8_0.gguf (real Llama 3 vocabulary, random weights), or a skipped test. */
    public static Path fixtureTiny64() {
        return Fixtures.require("models/tiny64-q8_0.gguf");
    }
}
