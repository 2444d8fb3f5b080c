package dev.llama3.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llama3.engine.EngineOptions;
import dev.llama3.engine.FinishReason;
import dev.llama3.engine.GenerationRequest;
import dev.llama3.engine.GenerationResult;
import dev.llama3.engine.LlamaEngine;
import dev.llama3.engine.Session;
import dev.llama3.sampling.SamplingOptions;
import dev.llama3.tensor.ComputePool;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The engine on models written by {@link SyntheticModel} (no fixtures needed): the forward pass agrees with a
 * float64 reference, batching changes nothing, and generation is deterministic.
 */
class SyntheticModelTest {
    @TempDir
    static Path dir;

    static Path model(SyntheticModel.WeightFormat format) throws IOException {
        Path file = dir.resolve("tiny-" + format + ".gguf");
        if (!file.toFile().exists()) {
            try (ComputePool pool = new ComputePool(2)) {
                new SyntheticModel(ModelShape.TINY, format, 7, null).write(file, pool);
            }
        }
        return file;
    }

    @ParameterizedTest
    @EnumSource(value = SyntheticModel.WeightFormat.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K_M"})
    void forwardPassMatchesFloat64Reference(SyntheticModel.WeightFormat format) throws IOException {
        int[] prompt = {256 /* BOS */, 72, 101, 108, 108, 111, 32, 119, 111, 114, 108, 100, 33, 10, 65, 66, 67};
        try (LlamaEngine engine = LlamaEngine.load(model(format), EngineOptions.builder().threads(2).batchSize(5).build());
                Session batched = engine.newSession();
                Session stepwise = engine.newSession()) {
            int vocab = engine.config().vocabSize();
            ReferenceLlama reference = new ReferenceLlama(engine.model(), prompt.length);
            float[] all = batched.evaluateAll(prompt);
            for (int p = 0; p < prompt.length; p++) {
                double[] exact = reference.next(prompt[p]);
                double maxAbs = 0;
                double maxDiff = 0;
                float[] single = stepwise.evaluate(new int[] {prompt[p]});
                double maxBatchDiff = 0;
                for (int i = 0; i < vocab; i++) {
                    maxAbs = Math.max(maxAbs, Math.abs(exact[i]));
                    maxDiff = Math.max(maxDiff, Math.abs(all[p * vocab + i] - exact[i]));
                    maxBatchDiff = Math.max(maxBatchDiff, Math.abs(all[p * vocab + i] - single[i]));
                }
                assertThat(maxDiff / maxAbs).as("%s position %d vs float64 reference", format, p).isLessThan(1e-4);
                assertThat(maxBatchDiff / maxAbs).as("%s position %d batched vs token-by-token", format, p).isLessThan(1e-5);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = SyntheticModel.WeightFormat.class, names = {"Q8_0", "Q4_0"})
    void seededGenerationIsDeterministicAndStops(SyntheticModel.WeightFormat format) throws IOException {
        try (LlamaEngine engine = LlamaEngine.load(model(format), EngineOptions.builder().threads(2).build())) {
            SamplingOptions sampling = SamplingOptions.builder().temperature(0.9f).seed(99).build();
            GenerationRequest request = new GenerationRequest(sampling, 20, List.of(), Set.of());
            int[] prompt = engine.tokenizer().encode("Hello", true, false);
            GenerationResult first;
            GenerationResult second;
            try (Session s = engine.newSession()) {
                first = s.generate(prompt, request, (id, t) -> true);
            }
            try (Session s = engine.newSession()) {
                second = s.generate(prompt, request, (id, t) -> true);
            }
            assertThat(first.tokens()).hasSize(20).containsExactly(second.tokens());
            assertThat(first.finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(first.text()).isEqualTo(engine.tokenizer().decode(first.tokens()));

            // a listener that returns false stops after that token
            try (Session s = engine.newSession()) {
                GenerationResult stopped = s.generate(prompt, request, (id, t) -> false);
                assertThat(stopped.tokens()).hasSize(1);
                assertThat(stopped.finishReason()).isEqualTo(FinishReason.CANCELLED);
            }
            // a stop token ends generation without being part of the output
            int firstToken = first.tokens()[0];
            try (Session s = engine.newSession()) {
                GenerationResult r = s.generate(prompt, new GenerationRequest(sampling, 20, List.of(), Set.of(firstToken)),
                        (id, t) -> true);
                assertThat(r.tokens()).isEmpty();
                assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
            }
        }
    }
}
