package dev.llama3.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llama3.constrain.Constraint;
import dev.llama3.constrain.JsonConstraints;
import dev.llama3.constrain.JsonSchema;
import dev.llama3.constrain.ToolChoice;
import dev.llama3.model.ModelShape;
import dev.llama3.model.SyntheticModel;
import dev.llama3.sampling.SamplingOptions;
import dev.llama3.tensor.ComputePool;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Session.generate with a constraint, on a tiny random-weight model with a byte-level vocabulary. */
class ConstrainedGenerationTest {
    @TempDir
    static Path dir;
    static Path model;

    static final String SCHEMA = """
            {"type":"object","properties":{"ok":{"type":"boolean"},"n":{"type":"integer"},
             "tag":{"enum":["a","b"]}},"required":["ok","n","tag"],"additionalProperties":false}""";

    @BeforeAll
    static void synthesize() throws IOException {
        model = dir.resolve("tiny.gguf");
        try (ComputePool pool = new ComputePool(2)) {
            new SyntheticModel(ModelShape.TINY, SyntheticModel.WeightFormat.Q4_0, 5, null).write(model, pool);
        }
    }

    @Test
    void outputMatchesTheSchemaAndEndsWithStop() throws IOException {
        try (LlamaEngine engine = LlamaEngine.load(model, EngineOptions.builder().threads(1).build());
                Session s = engine.newSession()) {
            JsonSchema schema = JsonSchema.parse(SCHEMA);
            Constraint constraint = JsonConstraints.forSchema(engine.tokenizer(), schema);
            for (int seed = 0; seed < 4; seed++) {
                s.reset();
                GenerationRequest request = new GenerationRequest(
                        SamplingOptions.builder().temperature(1f).seed(seed).build(), 200, List.of(), Set.of())
                        .withConstraint(constraint);
                List<Integer> seen = new ArrayList<>();
                GenerationResult r = s.generate(new int[] {256, 72}, request, (id, text) -> seen.add(id));
                if (r.finishReason() == FinishReason.STOP) {
                    assertThat(schema.validate(r.text())).as(r.text()).isEmpty();
                    // no end-of-generation token in the output
                    assertThat(java.util.Arrays.stream(r.tokens()).boxed().toList())
                            .doesNotContainAnyElementsOf(engine.tokenizer().endOfGenerationIds());
                } else {
                    assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
                    assertThat(r.tokens()).hasSize(200);
                }
            }
        }
    }

    @Test
    void completeOutputWithNothingAllowedNextStopsGeneration() throws IOException {
        try (LlamaEngine engine = LlamaEngine.load(model, EngineOptions.builder().threads(1).build());
                Session s = engine.newSession()) {
            // greedy; stop tokens empty: the constraint alone ends generation (at an end token or when nothing fits)
            Constraint constraint = JsonConstraints.forSchema(engine.tokenizer(),
                    JsonSchema.parse("{\"enum\":[\"yes\",\"no\"]}"));
            GenerationResult r = s.generate(new int[] {256, 72},
                    new GenerationRequest(SamplingOptions.greedy(), 50, List.of(), Set.of()).withConstraint(constraint),
                    TokenListener.NONE);
            assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(r.text().strip()).isIn("\"yes\"", "\"no\"");
        }
    }

    @Test
    void toolCallsRequiredProduceACall() throws IOException {
        try (LlamaEngine engine = LlamaEngine.load(model, EngineOptions.builder().threads(1).build());
                Session s = engine.newSession()) {
            JsonSchema params = JsonSchema.parse("{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"boolean\"}},"
                    + "\"required\":[\"x\"],\"additionalProperties\":false}");
            Constraint constraint = JsonConstraints.forToolCalls(engine.tokenizer(), Map.of("f", params),
                    ToolChoice.REQUIRED);
            GenerationResult r = s.generate(new int[] {256, 72},
                    new GenerationRequest(SamplingOptions.builder().temperature(0.7f).seed(1).build(), 300, List.of(),
                            engine.tokenizer().endOfGenerationIds()).withConstraint(constraint), TokenListener.NONE);
            assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(r.text().replaceAll("\\s", "")).matches("\\{\"name\":\"f\",\"parameters\":\\{\"x\":(true|false)}}");
        }
    }

    @Test
    void unconstrainedRequestsAreUnchanged() throws IOException {
        try (LlamaEngine engine = LlamaEngine.load(model, EngineOptions.builder().threads(1).build());
                Session s = engine.newSession()) {
            GenerationRequest plain = new GenerationRequest(SamplingOptions.greedy(), 10, List.of(), Set.of());
            assertThat(plain.constraint()).isNull();
            GenerationResult a = s.generate(new int[] {256, 72}, plain, TokenListener.NONE);
            s.reset();
            GenerationResult b = s.generate(new int[] {256, 72}, plain.withConstraint(null), TokenListener.NONE);
            assertThat(a.tokens()).containsExactly(b.tokens());
            assertThat(a.finishReason()).isEqualTo(FinishReason.LENGTH);
        }
    }
}
