package dev.llama3.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llama3.model.ContextOverflowException;
import dev.llama3.model.SyntheticModel;
import dev.llama3.sampling.SamplingOptions;
import dev.llama3.testing.SyntheticModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void synthesize() throws IOException {
        model = SyntheticModels.tiny(dir.resolve("tiny.gguf"), SyntheticModel.WeightFormat.Q4_0, 3);
    }

    @Test
    void promptLongerThanTheContextIsRefusedClearly() throws IOException {
        try (LlamaEngine engine = LlamaEngine.load(model, EngineOptions.builder().threads(1).contextLength(8).build());
                Session s = engine.newSession()) {
            int[] prompt = new int[9];
            assertThatThrownBy(() -> s.evaluate(prompt)).isInstanceOf(ContextOverflowException.class)
                    .hasMessageContaining("9 tokens").hasMessageContaining("8");
            assertThat(s.position()).isZero();
            // generation stops at the end of the context with LENGTH
            GenerationResult r = s.generate(new int[] {256, 72}, new GenerationRequest(SamplingOptions.greedy(), 100,
                    List.of(), Set.of()), TokenListener.NONE);
            assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(r.tokens()).hasSize(7);
        }
    }

    @Test
    void decodeStepsFollowTheGeneratedPathAndStopAtTheEndOfTheContext() throws IOException {
        try (LlamaEngine engine = LlamaEngine.load(model, EngineOptions.builder().threads(1).contextLength(8).build());
                Session generated = engine.newSession();
                Session stepped = engine.newSession()) {
            int[] prompt = {256, 72, 101};
            GenerationResult r = generated.generate(prompt, new GenerationRequest(SamplingOptions.greedy(), 4,
                    List.of(), Set.of()), TokenListener.NONE);
            // the same greedy choices, fed back by hand as decode steps
            float[] logits = stepped.evaluate(prompt);
            for (int i = 0; i < r.tokens().length; i++) {
                int best = 0;
                for (int t = 1; t < logits.length; t++) {
                    if (logits[t] > logits[best]) {
                        best = t;
                    }
                }
                assertThat(best).as("step %d", i).isEqualTo(r.tokens()[i]);
                logits = stepped.decode(best);
            }
            assertThat(stepped.position()).isEqualTo(7);
            stepped.decode(1);
            assertThatThrownBy(() -> stepped.decode(1)).isInstanceOf(ContextOverflowException.class);
            assertThatThrownBy(() -> stepped.decode(100_000)).isInstanceOf(IllegalArgumentException.class);
            assertThat(stepped.position()).isEqualTo(8);
        }
    }

    @Test
    void badTokenIdsAreRefused() throws IOException {
        try (LlamaEngine engine = LlamaEngine.load(model, EngineOptions.builder().threads(1).build());
                Session s = engine.newSession()) {
            assertThatThrownBy(() -> s.evaluate(new int[] {1, 100_000})).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("100000");
        }
    }

    @Test
    void cancelFromAnotherThreadStopsGeneration() throws Exception {
        try (LlamaEngine engine = LlamaEngine.load(model, EngineOptions.builder().threads(1).contextLength(2048).build());
                Session s = engine.newSession()) {
            CountDownLatch started = new CountDownLatch(1);
            AtomicInteger count = new AtomicInteger();
            Thread canceller = Thread.ofPlatform().start(() -> {
                try {
                    started.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                s.cancel();
            });
            GenerationResult r = s.generate(new int[] {256, 72}, new GenerationRequest(
                    SamplingOptions.builder().temperature(1f).seed(1).build(), 2000, List.of(), Set.of()), (id, t) -> {
                        count.incrementAndGet();
                        started.countDown();
                        return true;
                    });
            canceller.join();
            assertThat(r.finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(r.tokens().length).isLessThan(2000).isEqualTo(count.get());
        }
    }

    @Test
    void closedEngineRefusesWork() throws IOException {
        LlamaEngine engine = LlamaEngine.load(model, EngineOptions.builder().threads(1).build());
        Session s = engine.newSession();
        engine.close();
        engine.close();
        assertThatThrownBy(() -> s.evaluate(new int[] {1})).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(engine::newSession).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void missingModelFileIsNamed() {
        Path nope = dir.resolve("absent.gguf");
        assertThatThrownBy(() -> LlamaEngine.load(nope, EngineOptions.defaults()))
                .isInstanceOf(java.io.FileNotFoundException.class).hasMessageContaining("absent.gguf");
    }
}
