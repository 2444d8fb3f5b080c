package dev.llama3.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llama3.gguf.GgufFile;
import dev.llama3.model.SyntheticModel;
import dev.llama3.testing.Fixtures;
import dev.llama3.testing.SyntheticModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CPU backend moves the weights onto huge pages after the first forward pass ({@link EngineOptions#hugePages()},
 * default on unless -Dllama3.hugePages=false):
 * the forward passes after the move give the same bits as the first one, which read the mapped file.
 */
class HugePageEngineTest {
    @TempDir
    Path dir;

    @Test
    void logitsAreTheSameBitsBeforeAndAfterTheWeightsMove() throws Exception {
        Path model = Fixtures.require("models/tiny256-q4_k_m.gguf");
        int[] prompt = IntStream.rangeClosed(1, 24).toArray();
        try (LlamaEngine engine = LlamaEngine.load(model, EngineOptions.builder().threads(2).contextLength(64)
                .hugePages(true).build())) {
            float[] first;
            try (Session s = engine.newSession()) {
                first = s.evaluate(prompt).clone();
            }
            assertThat(engine.awaitBackgroundWork(Duration.ofMinutes(1))).isTrue();
            if (GgufFile.hugePagesUnavailable() == null) {
                assertThat(engine.backendDescription()).contains("weights on huge pages");
            }
            try (Session s = engine.newSession()) {
                assertThat(s.evaluate(prompt)).containsExactly(first);
            }
        }
    }

    @Test
    void theMoveIsTurnedOffByTheOption() throws Exception {
        Path model = SyntheticModels.tiny(dir.resolve("tiny-off.gguf"), SyntheticModel.WeightFormat.Q8_0, 3);
        try (LlamaEngine engine = LlamaEngine.load(model, EngineOptions.builder().threads(1).contextLength(32)
                .hugePages(false).build()); Session s = engine.newSession()) {
            s.evaluate(new int[] {1, 2, 3});
            assertThat(engine.options().hugePages()).isFalse();
            assertThat(engine.awaitBackgroundWork(Duration.ZERO)).isTrue();
            assertThat(engine.backendDescription()).doesNotContain("huge pages");
        }
    }

    @Test
    void theMoveIsTurnedOffBySystemProperty() throws Exception {
        Path model = SyntheticModels.tiny(dir.resolve("tiny.gguf"), SyntheticModel.WeightFormat.Q8_0, 3);
        System.setProperty(LlamaEngine.HUGE_PAGES_PROPERTY, "false");
        try (LlamaEngine engine = LlamaEngine.load(model, EngineOptions.builder().threads(1).contextLength(32)
                .build()); Session s = engine.newSession()) {
            s.evaluate(new int[] {1, 2, 3});
            assertThat(engine.options().hugePages()).isFalse();
            assertThat(engine.awaitBackgroundWork(Duration.ZERO)).isTrue();
            assertThat(engine.backendDescription()).doesNotContain("huge pages");
        } finally {
            System.clearProperty(LlamaEngine.HUGE_PAGES_PROPERTY);
        }
    }
}
