package dev.llama3.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llama3.backend.BackendUnavailableException;
import dev.llama3.model.SyntheticModel;
import dev.llama3.testing.SyntheticModels;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link EngineOptions#backend()} reaches the backend selection; results do not depend on how cpu was chosen. */
class BackendChoiceTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void synthesize() throws IOException {
        model = SyntheticModels.tiny(dir.resolve("tiny.gguf"), SyntheticModel.WeightFormat.Q4_0, 7);
    }

    @Test
    void autoAndCpuRunTheSameForwardPass() throws IOException {
        float[] auto;
        try (LlamaEngine e = LlamaEngine.load(model, EngineOptions.builder().threads(1).contextLength(32).build());
                Session s = e.newSession()) {
            assertThat(e.options().backend()).isEqualTo("auto");
            assertThat(e.backendName()).isEqualTo("cpu");
            assertThat(e.backendDescription()).contains("threads");
            auto = s.evaluate(new int[] {1, 2, 3}).clone();
        }
        try (LlamaEngine e = LlamaEngine.load(model,
                EngineOptions.builder().threads(1).contextLength(32).backend(" CPU ").build());
                Session s = e.newSession()) {
            assertThat(e.options().backend()).isEqualTo("cpu");
            assertThat(s.evaluate(new int[] {1, 2, 3})).containsExactly(auto);
        }
    }

    @Test
    void anUnavailableBackendFailsTheLoadAndNamesIt() {
        assertThatThrownBy(() -> LlamaEngine.load(model,
                EngineOptions.builder().threads(1).contextLength(32).backend("tornadovm").build()))
                .isInstanceOf(BackendUnavailableException.class).hasMessageContaining("tornadovm");
    }

    @Test
    void theDefaultBackendComesFromASystemProperty() {
        System.setProperty(EngineOptions.BACKEND_PROPERTY, "cpu");
        try {
            assertThat(EngineOptions.defaults().backend()).isEqualTo("cpu");
        } finally {
            System.clearProperty(EngineOptions.BACKEND_PROPERTY);
        }
        assertThat(EngineOptions.defaults().backend()).isEqualTo("auto");
        assertThatThrownBy(() -> EngineOptions.builder().backend(" ").build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
