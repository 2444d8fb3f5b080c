package dev.llama3.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llama3.model.SyntheticModel;
import dev.llama3.testing.SyntheticModels;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read-only status accessors that health checks and metrics use. */
class EngineStatusTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void synthesize() throws IOException {
        model = SyntheticModels.tiny(dir.resolve("tiny.gguf"), SyntheticModel.WeightFormat.Q8_0, 5);
    }

    @Test
    void countsOpenSessionsAndTheirKvMemory() throws IOException {
        LlamaEngine engine = LlamaEngine.load(model, EngineOptions.builder().threads(1).contextLength(64).build());
        try (engine) {
            assertThat(engine.openSessions()).isZero();
            assertThat(engine.kvCacheBytesInUse()).isZero();
            Session a = engine.newSession();
            Session b = engine.newSession();
            assertThat(engine.openSessions()).isEqualTo(2);
            assertThat(engine.kvCacheBytesInUse()).isEqualTo(2 * engine.kvCacheBytesPerSession()).isPositive();
            a.close();
            a.close(); // a second close releases nothing twice
            assertThat(engine.openSessions()).isEqualTo(1);
            b.close();
            assertThat(engine.openSessions()).isZero();
            assertThat(engine.isClosed()).isFalse();
            assertThat(engine.weightTypes()).contains("Q8_0 x").contains("F32 x");
        }
        assertThat(engine.isClosed()).isTrue();
        assertThatThrownBy(engine::newSession).isInstanceOf(IllegalStateException.class);
        assertThat(engine.openSessions()).isZero();
    }
}
