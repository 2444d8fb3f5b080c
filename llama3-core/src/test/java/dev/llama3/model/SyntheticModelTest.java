package dev.llama3.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine on models written by {@link SyntheticModel} (no fixtures needed): the forward pass agrees with a
 * float64 reference, batching changes nothing, and generation is deterministic.
 */
class SyntheticModelTest {
    /**
     * Bound on {@code max|engine - exact| / max|exact|} for an F16 cache, against a reference with an exact cache:
     * binary16 keeps 11 significant bits, so each cached key and value is off by up to 2^-11 (4.9e-4) relative;
     * at position 0 (where the attention output is the one cached value row) the logits inherit that error
     * almost unattenuated, and sharp attention on the random tiny models amplifies it further (measured up to
     * 1.5e-3 on the fixture models). Ten units of binary16 rounding. The strict check of the F16 cache is the
     * comparison with a reference that rounds its cache the same way, at the float32 bound.
     */
    static final double F16_CACHE_VS_EXACT = 10 * 0x1p-11;

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

    static Stream<Arguments> formatsAndCacheTypes() {
        return Stream.of("F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K_M").flatMap(f -> Arrays.stream(KvCacheType.values())
                .map(t -> Arguments.of(SyntheticModel.WeightFormat.valueOf(f), t)));
    }

    /**
     * Judged by the exact float64 reference (for an F16 cache to the bound of binary16 storage,
     * {@link #F16_CACHE_VS_EXACT}) and, for an F16 cache, also by a float64 reference that attends over the
     * engine's stored binary16 keys and values, to the float32 engine bound. The prompt evaluated token by token
     * must match the batched evaluation bit for bit; the same tokens as decode steps (the path of generated tokens,
     * whose products may differ from a prompt's in the last bits) must meet the exact reference's bound too.
     */
    @ParameterizedTest
    @MethodSource("formatsAndCacheTypes")
    void forwardPassMatchesFloat64Reference(SyntheticModel.WeightFormat format, KvCacheType cacheType) throws IOException {
        int[] prompt = {256 /* BOS */, 72, 101, 108, 108, 111, 32, 119, 111, 114, 108, 100, 33, 10, 65, 66, 67};
        try (LlamaEngine engine = LlamaEngine.load(model(format),
                        EngineOptions.builder().threads(2).batchSize(5).kvCacheType(cacheType).build());
                Session batched = engine.newSession();
                Session stepwise = engine.newSession();
                KvCache ownCache = new KvCache(engine.config(), prompt.length, cacheType);
                KvCache decodeCache = new KvCache(engine.config(), prompt.length, cacheType);
                ComputePool pool = new ComputePool(2)) {
            int vocab = engine.config().vocabSize();
            float[] all = batched.evaluateAll(prompt);

            // the same pass driven directly, to have its cache at hand
            float[] direct = new float[prompt.length * vocab];
            engine.model().forward(pool, new ForwardState(engine.config(), 5, prompt.length, 2), ownCache, prompt, 0,
                    prompt.length, direct, true);
            assertThat(direct).as("model.forward vs session").containsExactly(all);

            // the decode path (generated tokens; for some formats other products than a prompt's): token by token
            ForwardState decodeState = new ForwardState(engine.config(), 1, prompt.length, 2);
            float[] decoded = new float[vocab];

            ReferenceLlama exactReference = new ReferenceLlama(engine.model(), prompt.length);
            ReferenceLlama storedReference = cacheType == KvCacheType.F16
                    ? new ReferenceLlama(engine.model(), prompt.length, ownCache) : null;
            for (int p = 0; p < prompt.length; p++) {
                double[] exact = exactReference.next(prompt[p]);
                double[] sameCache = storedReference != null ? storedReference.next(prompt[p]) : exact;
                double maxAbs = 0;
                double maxExactDiff = 0;
                double maxSameCacheDiff = 0;
                float[] single = stepwise.evaluate(new int[] {prompt[p]});
                engine.model().forwardSequences(pool, decodeState, new KvCache[] {decodeCache}, new int[] {prompt[p]},
                        1, decoded);
                double maxBatchDiff = 0;
                double maxDecodeDiff = 0;
                for (int i = 0; i < vocab; i++) {
                    maxAbs = Math.max(maxAbs, Math.abs(exact[i]));
                    maxExactDiff = Math.max(maxExactDiff, Math.abs(all[p * vocab + i] - exact[i]));
                    maxSameCacheDiff = Math.max(maxSameCacheDiff, Math.abs(all[p * vocab + i] - sameCache[i]));
                    maxBatchDiff = Math.max(maxBatchDiff, Math.abs(all[p * vocab + i] - single[i]));
                    maxDecodeDiff = Math.max(maxDecodeDiff, Math.abs(decoded[i] - exact[i]));
                }
                String where = format + " with " + cacheType + " cache, position " + p;
                assertThat(maxSameCacheDiff / maxAbs).as("%s vs float64 reference over the same cache", where)
                        .isLessThan(1e-4);
                assertThat(maxExactDiff / maxAbs).as("%s vs exact float64 reference", where)
                        .isLessThan(cacheType == KvCacheType.F32 ? 1e-4 : F16_CACHE_VS_EXACT);
                assertThat(maxBatchDiff).as("%s batched vs token-by-token (bit for bit)", where).isZero();
                assertThat(maxDecodeDiff / maxAbs).as("%s decode steps vs exact float64 reference", where)
                        .isLessThan(cacheType == KvCacheType.F32 ? 1e-4 : F16_CACHE_VS_EXACT);
            }
        }
    }

    /**
     * Three threads on a model with two KV heads of two query heads each: a single decoding sequence has fewer
     * KV groups than threads, so each group is split into its query heads. Logits must be bit-identical to one
     * thread's.
     */
    @ParameterizedTest
    @EnumSource(KvCacheType.class)
    void threadCountAndHeadSplittingChangeNothing(KvCacheType cacheType) throws IOException {
        int[] prompt = {256, 72, 101, 108, 108, 111, 32, 119, 111, 114, 108, 100};
        float[][] byThreads = new float[2][];
        int[] threads = {1, 3};
        for (int i = 0; i < 2; i++) {
            try (LlamaEngine engine = LlamaEngine.load(model(SyntheticModel.WeightFormat.F32),
                            EngineOptions.builder().threads(threads[i]).batchSize(4).kvCacheType(cacheType).build());
                    Session s = engine.newSession()) {
                int vocab = engine.config().vocabSize();
                float[] out = new float[prompt.length * vocab];
                float[] first = s.evaluate(java.util.Arrays.copyOf(prompt, 6));
                System.arraycopy(first, 0, out, 5 * vocab, vocab);
                for (int p = 6; p < prompt.length; p++) {
                    System.arraycopy(s.evaluate(new int[] {prompt[p]}), 0, out, p * vocab, vocab);
                }
                byThreads[i] = out;
            }
        }
        assertThat(byThreads[1]).as("3 threads vs 1 thread, %s cache", cacheType).containsExactly(byThreads[0]);
    }

    @Test
    void closedSessionRefusesWorkAndReleasesItsCache() throws IOException {
        try (LlamaEngine engine = LlamaEngine.load(model(SyntheticModel.WeightFormat.Q8_0),
                EngineOptions.builder().threads(2).contextLength(64).kvCacheType(KvCacheType.F16).build())) {
            assertThat(engine.kvCacheBytesPerSession())
                    .isEqualTo(2L * engine.config().blockCount() * 64 * engine.config().kvDim() * 2);
            Session s = engine.newSession();
            s.evaluate(new int[] {256, 72});
            s.close();
            s.close();
            assertThatThrownBy(() -> s.evaluate(new int[] {101})).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
            assertThatThrownBy(() -> s.truncate(1)).isInstanceOf(IllegalStateException.class);
            GenerationRequest request = new GenerationRequest(SamplingOptions.greedy(), 4, List.of(), Set.of());
            assertThatThrownBy(() -> s.generate(new int[] {101}, request, (id, t) -> true))
                    .isInstanceOf(IllegalStateException.class);
            // the engine goes on serving other sessions
            try (Session other = engine.newSession()) {
                assertThat(other.evaluate(new int[] {256, 72})).hasSize(engine.config().vocabSize());
            }
        }
    }

    @Test
    void closingFromAnotherThreadCancelsARunningGeneration() throws Exception {
        try (LlamaEngine engine = LlamaEngine.load(model(SyntheticModel.WeightFormat.Q8_0),
                EngineOptions.builder().threads(2).contextLength(64).kvCacheType(KvCacheType.F16).build())) {
            Session s = engine.newSession();
            java.util.concurrent.CountDownLatch generating = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
            GenerationRequest request = new GenerationRequest(SamplingOptions.greedy(), 40, List.of(), Set.of());
            java.util.concurrent.CompletableFuture<GenerationResult> running =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> s.generate(new int[] {256, 72, 101}, request,
                            (id, t) -> {
                                generating.countDown();
                                try {
                                    closed.await();
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                                return true;
                            }));
            generating.await();
            s.close(); // while generate is inside the listener: the cache must stay valid until it returns
            closed.countDown();
            GenerationResult r = running.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(r.finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThatThrownBy(() -> s.evaluate(new int[] {101})).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
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
