package dev.llama3.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llama3.gguf.GgufFile;
import dev.llama3.gguf.GgufWriter;
import dev.llama3.testing.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Invalid settings fail startup, and {@link Llama3FailureAnalyzer} explains each one: which property, which value,
 * what is wrong and what to write instead.
 */
class Llama3FailureAnalysisTest {

    @TempDir
    Path dir;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(Llama3AutoConfiguration.class));

    private FailureAnalysis analyze(String... properties) {
        FailureAnalysis[] analysis = new FailureAnalysis[1];
        this.runner.withPropertyValues(properties).run(context -> {
            assertThat(context).hasFailed();
            analysis[0] = new Llama3FailureAnalyzer().analyze(context.getStartupFailure());
        });
        assertThat(analysis[0]).as("analysis of %s", String.join(", ", properties)).isNotNull();
        return analysis[0];
    }

    private String model() {
        return "spring.ai.llama3.model.path=" + TestModels.tiny();
    }

    @Test
    void missingModelPath() {
        FailureAnalysis a = analyze();
        assertThat(a.getDescription()).contains("spring.ai.llama3.model.path").contains("unset")
                .contains("no model file is configured");
        assertThat(a.getAction()).contains("Set spring.ai.llama3.model.path to a Llama 3 GGUF file")
                .contains("spring.ai.model.chat");
    }

    @Test
    void modelFileDoesNotExist() {
        Path missing = this.dir.resolve("missing.gguf");
        FailureAnalysis a = analyze("spring.ai.llama3.model.path=" + missing);
        assertThat(a.getDescription()).contains("spring.ai.llama3.model.path").contains("no file at " + missing);
        assertThat(a.getAction()).contains("Fix the path");
    }

    @Test
    void modelPathIsADirectory() {
        FailureAnalysis a = analyze("spring.ai.llama3.model.path=" + this.dir);
        assertThat(a.getDescription()).contains("is a directory");
        assertThat(a.getAction()).contains("GGUF file itself");
    }

    @Test
    void modelFileIsNotGguf() throws IOException {
        Path junk = Files.writeString(this.dir.resolve("notes.gguf"), "these are not weights");
        FailureAnalysis a = analyze("spring.ai.llama3.model.path=" + junk);
        assertThat(a.getDescription()).contains("spring.ai.llama3.model.path").contains(junk.toString())
                .contains("not a valid GGUF file");
        assertThat(a.getAction()).contains("GGUF format");
    }

    @Test
    void modelFileIsGgufButNotALlamaModel() throws IOException {
        // A well-formed GGUF with the model's metadata and tokenizer but no tensors.
        Path out = this.dir.resolve("no-tensors.gguf");
        try (GgufFile gguf = GgufFile.open(TestModels.tiny())) {
            new GgufWriter().putAll(gguf).write(out);
        }
        FailureAnalysis a = analyze("spring.ai.llama3.model.path=" + out);
        assertThat(a.getDescription()).contains("spring.ai.llama3.model.path").contains("cannot be loaded");
        assertThat(a.getAction()).contains("Llama 3 family model");
    }

    @Test
    void unknownBackendListsTheValidOnes() {
        FailureAnalysis a = analyze(model(), "spring.ai.llama3.backend=gpu");
        assertThat(a.getDescription()).contains("spring.ai.llama3.backend").contains("'gpu'");
        assertThat(a.getAction()).isEqualTo("Set spring.ai.llama3.backend to one of: auto, cpu, tornadovm.");
    }

    @Test
    void tornadoVmBackendThatCannotRunNamesTheMissingPiece() {
        // the test classpath's tornadovm provider is a fake reporting the runtime missing (Llama3BackendSelectionTest)
        FailureAnalysis a = analyze(model(), "spring.ai.llama3.backend=tornadovm");
        assertThat(a.getDescription()).contains("spring.ai.llama3.backend").contains("tornadovm")
                .contains("runtime is missing");
        assertThat(a.getAction()).contains("cpu");
    }

    @Test
    void nonNumericThreads() {
        FailureAnalysis a = analyze(model(), "spring.ai.llama3.threads=many");
        assertThat(a.getDescription()).contains("spring.ai.llama3.threads").contains("'many'")
                .contains("a whole number");
        assertThat(a.getAction()).contains("Set spring.ai.llama3.threads to a whole number");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            threads                  | 0    | at least 1
            threads                  | -4   | at least 1
            context-length           | -1   | cannot be negative
            batch-size               | 0    | at least 1
            batch-size               | -64  | at least 1
            max-batch-sequences      | 0    | at least one conversation
            chat.temperature         | -0.5 | finite number >= 0
            chat.top-p               | 0    | (0, 1]
            chat.top-p               | 1.5  | (0, 1]
            chat.top-k               | -1   | cannot be negative
            chat.min-p               | 2    | [0, 1]
            chat.max-tokens          | 0    | at least one token
            chat.repetition-penalty  | 0    | finite number > 0
            """)
    void outOfRangeValues(String property, String value, String problem) {
        FailureAnalysis a = analyze(model(), "spring.ai.llama3." + property + "=" + value);
        assertThat(a.getDescription()).contains("spring.ai.llama3." + property).contains("'" + value)
                .contains(problem);
        assertThat(a.getAction()).startsWith("Update spring.ai.llama3." + property);
    }

    @Test
    void emptyStopSequence() {
        FailureAnalysis a = analyze(model(), "spring.ai.llama3.chat.stop[0]=END", "spring.ai.llama3.chat.stop[1]=");
        assertThat(a.getDescription()).contains("spring.ai.llama3.chat.stop[1]").contains("empty stop sequence");
    }

    @Test
    void otherFailuresAreLeftToOtherAnalyzers() {
        assertThat(new Llama3FailureAnalyzer().analyze(new IllegalStateException("unrelated"))).isNull();
    }
}
