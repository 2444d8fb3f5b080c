package dev.llama3.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llama3.model.KvCacheType;
import dev.llama3.model.ModelShape;
import dev.llama3.model.SyntheticModel;
import dev.llama3.sampling.SamplingOptions;
import dev.llama3.tensor.ComputePool;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Snapshots, restore and prefix reuse give exactly what evaluating from scratch gives. */
class PrefixReuseTest {
    @TempDir
    static Path dir;
    static LlamaEngine engine;

    @BeforeAll
    static void load() throws IOException {
        Path model = dir.resolve("tiny.gguf");
        try (ComputePool pool = new ComputePool(2)) {
            new SyntheticModel(ModelShape.TINY, SyntheticModel.WeightFormat.Q8_0, 11, null).write(model, pool);
        }
        engine = LlamaEngine.load(model, EngineOptions.builder().threads(2).contextLength(256).build());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static int[] tokens(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = r.nextInt(engine.config().vocabSize());
        }
        return t;
    }

    static int[] concat(int[] a, int[] b) {
        int[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    static GenerationResult greedy(Session s, int[] prompt) {
        return s.generate(prompt, new GenerationRequest(SamplingOptions.greedy(), 12, List.of(), Set.of()),
                TokenListener.NONE);
    }

    @ParameterizedTest
    @EnumSource(KvCacheType.class)
    void restoredContextContinuesBitForBitLikeAColdOne(KvCacheType type) throws IOException {
        try (LlamaEngine e = LlamaEngine.load(engine.gguf().path(),
                EngineOptions.builder().threads(2).contextLength(128).kvCacheType(type).build());
                Session warm = e.newSession();
                Session cold = e.newSession();
                Session restored = e.newSession()) {
            int[] prefix = tokens(40, 1);
            int[] rest = tokens(7, 2);
            warm.evaluate(prefix);
            try (KvSnapshot snapshot = warm.snapshot()) {
                assertThat(snapshot.length()).isEqualTo(40);
                assertThat(restored.restore(snapshot, 33)).isTrue();
                assertThat(restored.position()).isEqualTo(33);
                assertThat(restored.tokens()).containsExactly(java.util.Arrays.copyOf(prefix, 33));
                float[] fromRestored = restored.evaluate(concat(java.util.Arrays.copyOfRange(prefix, 33, 40), rest)).clone();
                float[] fromCold = cold.evaluate(concat(prefix, rest)).clone();
                assertThat(fromRestored).containsExactly(fromCold);
            }
        }
    }

    @Test
    void secondTurnOfAConversationPrefillsOnlyTheNewTokensAndMatchesAColdRunTokenForToken() {
        BoundedPrefixCache cache = new BoundedPrefixCache(64 << 20);
        int[] turn1 = tokens(30, 3);
        int[] generated1;
        try (Session s = engine.newSession()) {
            int[] todo = s.reusePrefix(turn1, cache);
            assertThat(todo).hasSize(30); // nothing cached yet
            generated1 = greedy(s, todo).tokens();
            cache.put(s.snapshot());
        }
        // the next turn: the whole conversation so far, the reply, and a new user message
        int[] turn2 = concat(concat(turn1, generated1), tokens(9, 4));
        GenerationResult cached;
        GenerationResult cold;
        try (Session s = engine.newSession()) {
            int[] todo = s.reusePrefix(turn2, cache);
            // the snapshot holds the prompt and every generated token but the last (never evaluated)
            assertThat(todo).hasSize(turn2.length - (turn1.length + generated1.length - 1));
            cached = greedy(s, todo);
        }
        try (Session s = engine.newSession()) {
            cold = greedy(s, turn2);
        }
        assertThat(cached.tokens()).containsExactly(cold.tokens());
        assertThat(cached.promptTokens()).isEqualTo(10);
        cache.close();
    }

    @Test
    void aSessionKeepsTheSharedPartOfItsOwnContext() {
        try (Session s = engine.newSession()) {
            int[] a = tokens(20, 5);
            s.evaluate(a);
            int[] b = concat(java.util.Arrays.copyOf(a, 12), tokens(5, 6));
            int[] todo = s.reusePrefix(b, null);
            assertThat(todo).hasSize(5);
            assertThat(s.position()).isEqualTo(12);
            // a prompt equal to the context still leaves its last token to evaluate (its logits are needed)
            s.evaluate(todo);
            assertThat(s.reusePrefix(b, null)).hasSize(1);
        }
    }

    @Test
    void evictionUnderASmallByteBoundClosesTheEldestSnapshots() {
        long one;
        try (Session s = engine.newSession()) {
            s.evaluate(tokens(16, 7));
            try (KvSnapshot probe = s.snapshot()) {
                one = probe.bytes();
            }
        }
        BoundedPrefixCache cache = new BoundedPrefixCache(3 * one);
        List<KvSnapshot> made = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            try (Session s = engine.newSession()) {
                s.evaluate(tokens(16, 100 + i));
                KvSnapshot snap = s.snapshot();
                made.add(snap);
                cache.put(snap);
            }
        }
        assertThat(cache.size()).isEqualTo(3);
        assertThat(cache.bytes()).isLessThanOrEqualTo(3 * one);
        assertThat(made.subList(0, 2)).allMatch(KvSnapshot::isClosed);
        assertThat(made.subList(2, 5)).noneMatch(KvSnapshot::isClosed);
        // a closed snapshot cannot be restored; the session is left empty and usable
        try (Session s = engine.newSession()) {
            assertThat(s.restore(made.get(0), 8)).isFalse();
            assertThat(s.position()).isZero();
        }
        cache.close();
        assertThat(made).allMatch(KvSnapshot::isClosed);
    }

    @Test
    void concurrentSessionsSharingOnePrefixEachGetTheColdResult() throws Exception {
        BoundedPrefixCache cache = new BoundedPrefixCache(64 << 20);
        int[] system = tokens(24, 8);
        try (Session s = engine.newSession()) {
            s.evaluate(system);
            cache.put(s.snapshot());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<int[][]>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int[] prompt = concat(system, tokens(6, 200 + i));
                results.add(pool.submit(() -> {
                    int[] a;
                    int[] b;
                    try (Session s = engine.newSession()) {
                        int[] todo = s.reusePrefix(prompt, cache);
                        assertThat(todo).hasSize(6);
                        a = greedy(s, todo).tokens();
                    }
                    try (Session s = engine.newSession()) {
                        b = greedy(s, prompt).tokens();
                    }
                    return new int[][] {a, b};
                }));
            }
            for (Future<int[][]> f : results) {
                int[][] ab = f.get();
                assertThat(ab[0]).containsExactly(ab[1]);
            }
        } finally {
            pool.shutdownNow();
            cache.close();
        }
    }

    @Test
    void snapshotsOfAnotherEngineOrOfAnEmptyContextAreRefused() throws IOException {
        try (LlamaEngine other = LlamaEngine.load(engine.gguf().path(), EngineOptions.builder().threads(1).build());
                Session s = other.newSession();
                Session mine = engine.newSession()) {
            assertThatThrownBy(s::snapshot).isInstanceOf(IllegalStateException.class).hasMessageContaining("empty");
            s.evaluate(tokens(4, 9));
            try (KvSnapshot foreign = s.snapshot()) {
                assertThatThrownBy(() -> mine.restore(foreign, 2)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("another engine");
            }
        }
    }
}
