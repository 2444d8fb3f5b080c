package dev.llama3.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llama3.model.ModelShape;
import dev.llama3.model.SyntheticModel;
import dev.llama3.sampling.SamplingOptions;
import dev.llama3.tensor.ComputePool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Sessions decoding at the same time share forward passes, and each produces exactly what it produces alone. */
class ConcurrentSessionsTest {
    @TempDir
    Path dir;

    // Nine sessions: enough for the decode steps of several sessions to be batched through the kernels' register
    // tiles (8 vectors for Q8_0/Q4_0), with remainders; the tokens must still be exactly those of each session alone.
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = SyntheticModel.WeightFormat.class, names = {"Q8_0", "Q4_0", "Q4_K_M"})
    void concurrentSessionsProduceWhatTheyProduceAlone(SyntheticModel.WeightFormat format) throws Exception {
        Path model = dir.resolve("tiny.gguf");
        try (ComputePool pool = new ComputePool(2)) {
            new SyntheticModel(ModelShape.TINY, format, 11, null).write(model, pool);
        }
        try (LlamaEngine engine = LlamaEngine.load(model, EngineOptions.builder().threads(2).batchSize(4).build())) {
            int sessions = 9;
            List<int[]> prompts = new ArrayList<>();
            List<GenerationRequest> requests = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                prompts.add(engine.tokenizer().encode("prompt number " + i + " " + "x".repeat(i * 3), true, false));
                requests.add(new GenerationRequest(SamplingOptions.builder().temperature(0.8f).seed(100 + i).build(),
                        12 + 4 * i, List.of(), Set.of()));
            }
            List<int[]> alone = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                try (Session s = engine.newSession()) {
                    alone.add(s.generate(prompts.get(i), requests.get(i), TokenListener.NONE).tokens());
                }
            }
            ExecutorService executor = Executors.newFixedThreadPool(sessions);
            try {
                for (int round = 0; round < 3; round++) {
                    List<CompletableFuture<int[]>> futures = new ArrayList<>();
                    for (int i = 0; i < sessions; i++) {
                        int k = i;
                        futures.add(CompletableFuture.supplyAsync(() -> {
                            try (Session s = engine.newSession()) {
                                return s.generate(prompts.get(k), requests.get(k), TokenListener.NONE).tokens();
                            }
                        }, executor));
                    }
                    for (int i = 0; i < sessions; i++) {
                        assertThat(futures.get(i).get()).as("session %d, round %d", i, round).containsExactly(alone.get(i));
                    }
                }
            } finally {
                executor.shutdownNow();
            }
        }
    }
}
