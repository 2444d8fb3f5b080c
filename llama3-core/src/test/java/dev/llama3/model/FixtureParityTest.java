package dev.llama3.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llama3.engine.EngineOptions;
import dev.llama3.engine.LlamaEngine;
import dev.llama3.engine.Session;
import dev.llama3.testing.Fixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Logit parity with the fixtures' references (fixtures README section 3): the exact float64 reference for every
 * model, llama.cpp's logits for F32/F16 exactly and for quantized models statistically; greedy continuations;
 * every position of the 64-token prompt; batched vs token-by-token evaluation. Every model runs with both KV
 * cache types: the references were made with a float32 cache (README 2.2), so an F16 cache is held to the
 * looser bound of binary16 storage ({@link SyntheticModelTest#F16_CACHE_VS_EXACT}; the synthetic-model test
 * holds it to the float32 bound against a reference that attends over the engine's stored values).
 */
class FixtureParityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PROMPTS = List.of("en_capital", "chat_user", "zh", "multipos64");

    private static final List<String> MODELS =
            List.of("tiny64-f32", "tiny64-f16", "tiny64-q8_0", "tiny64-q4_0", "tiny256-q4_k_m");

    /** Exact-reference bound for a float32 engine (README 3.1). */
    private static final double VS_EXACT_REL = 1e-4;

    static Stream<Arguments> modelsAndCacheTypes() {
        return MODELS.stream().flatMap(m -> Arrays.stream(KvCacheType.values()).map(t -> Arguments.of(m, t)));
    }

    /** Bound on the relative difference from a reference made with a float32 KV cache. */
    private static double bound(KvCacheType cacheType, double float32Bound) {
        return cacheType == KvCacheType.F32 ? float32Bound : Math.max(float32Bound, SyntheticModelTest.F16_CACHE_VS_EXACT);
    }

    @ParameterizedTest
    @MethodSource("modelsAndCacheTypes")
    void lastPositionLogitsAndGreedyMatchReferences(String modelName, KvCacheType cacheType) throws IOException {
        Path modelFile = Fixtures.require("models/" + modelName + ".gguf");
        Path golden = Fixtures.require("golden/" + modelName);
        JsonNode tolerance = JSON.readTree(golden.resolve("index.json").toFile()).get("tolerance").get("recommended");
        boolean exactFormat = modelName.endsWith("f32") || modelName.endsWith("f16");
        double vsExact = bound(cacheType, VS_EXACT_REL);
        try (LlamaEngine engine = LlamaEngine.load(modelFile,
                EngineOptions.builder().threads(2).contextLength(256).kvCacheType(cacheType).build())) {
            for (String prompt : PROMPTS) {
                JsonNode cpp = JSON.readTree(golden.resolve(prompt + ".json").toFile());
                JsonNode exact = JSON.readTree(golden.resolve(prompt + ".exact.json").toFile());
                int[] ids = ints(cpp.get("prompt_ids"));
                float[] exactLast = readFloats(golden.resolve(prompt + ".exact.last.f32"));
                float[] cppLast = readFloats(golden.resolve(prompt + ".last.f32"));
                String where = modelName + "/" + prompt + " (" + cacheType + " cache)";

                try (Session session = engine.newSession()) {
                    float[] ours = session.evaluate(ids).clone();

                    // 1. exact reference: relative error and argmax outside near-ties
                    double maxAbsExact = maxAbs(exactLast);
                    System.out.printf("parity %s: rel vs exact %.2e, rel vs llama.cpp %.2e, RMS/std vs llama.cpp %.2e%n",
                            where, maxAbsDiff(ours, exactLast) / maxAbsExact, maxAbsDiff(ours, cppLast) / maxAbs(cppLast),
                            rmsDiff(ours, cppLast) / std(cppLast));
                    assertThat(maxAbsDiff(ours, exactLast) / maxAbsExact)
                            .as("%s: max|engine - exact| / max|exact|", where).isLessThanOrEqualTo(vsExact);
                    double exactGap = exact.get("last").get("gap12").asDouble();
                    if (exactGap > 2 * vsExact * maxAbsExact) {
                        assertThat(argmax(ours)).as("%s: argmax vs exact", where).isEqualTo(exact.get("last").get("argmax").asInt());
                    }

                    // 2./3. llama.cpp
                    if (exactFormat) {
                        assertThat(maxAbsDiff(ours, cppLast) / maxAbs(cppLast))
                                .as("%s: rel vs llama.cpp", where)
                                .isLessThanOrEqualTo(bound(cacheType, tolerance.get("vs_llamacpp_rel").asDouble()));
                        assertThat(argmax(ours)).as("%s: argmax vs llama.cpp", where).isEqualTo(cpp.get("last").get("argmax").asInt());
                    } else {
                        assertThat(rmsDiff(ours, cppLast) / std(cppLast)).as("%s: RMS/std vs llama.cpp", where)
                                .isLessThanOrEqualTo(tolerance.get("vs_llamacpp_pos_rms_rel_std").asDouble());
                        assertThat(overlap(topK(ours, 10), topK(cppLast, 10))).as("%s: top-10 overlap vs llama.cpp", where)
                                .isGreaterThanOrEqualTo(tolerance.get("top10_overlap_min_vs_llamacpp").asInt());
                        if (gap12(cppLast) > tolerance.get("top1_gap_llamacpp").asDouble()) {
                            assertThat(argmax(ours)).as("%s: argmax vs llama.cpp", where).isEqualTo(argmax(cppLast));
                        }
                    }

                    // greedy continuation, token by token after the batched prompt
                    List<Integer> greedy = greedy(session, ours, exact.get("greedy").get("n_gen").asInt());
                    double exactThreshold = 2 * vsExact * maxAbsExact;
                    assertPrefixEqual(where + " greedy vs exact", greedy, exact.get("greedy").get("steps"), exactThreshold);
                    if (exactFormat) {
                        assertPrefixEqual(where + " greedy vs llama.cpp", greedy, cpp.get("greedy").get("steps"),
                                cacheType == KvCacheType.F32 ? tolerance.get("top1_gap_llamacpp").asDouble()
                                        : Math.max(tolerance.get("top1_gap_llamacpp").asDouble(), exactThreshold));
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("modelsAndCacheTypes")
    void everyPositionOfTheLongPromptMatchesAndBatchingChangesNothing(String modelName, KvCacheType cacheType)
            throws IOException {
        Path modelFile = Fixtures.require("models/" + modelName + ".gguf");
        Path golden = Fixtures.require("golden/" + modelName);
        JsonNode tolerance = JSON.readTree(golden.resolve("index.json").toFile()).get("tolerance").get("recommended");
        JsonNode cpp = JSON.readTree(golden.resolve("multipos64.json").toFile());
        JsonNode exact = JSON.readTree(golden.resolve("multipos64.exact.json").toFile());
        int[] ids = ints(cpp.get("prompt_ids"));
        double vsExact = bound(cacheType, VS_EXACT_REL);
        try (LlamaEngine engine = LlamaEngine.load(modelFile,
                        EngineOptions.builder().threads(2).contextLength(128).batchSize(24).kvCacheType(cacheType).build());
                Session batched = engine.newSession();
                Session stepwise = engine.newSession()) {
            int vocab = engine.config().vocabSize();
            float[] all = batched.evaluateAll(ids);
            int agree = 0;
            for (int p = 0; p < ids.length; p++) {
                float[] row = java.util.Arrays.copyOfRange(all, p * vocab, (p + 1) * vocab);
                String where = modelName + " multipos64 position " + p + " (" + cacheType + " cache)";
                JsonNode ex = exact.get("per_position").get(p);
                double scale = Math.max(Math.abs(ex.get("max").asDouble()), maxAbs(row));
                for (JsonNode pair : ex.get("top10")) {
                    assertThat(Math.abs(row[pair.get(0).asInt()] - pair.get(1).asDouble()) / scale)
                            .as("%s: exact logit of token %d", where, pair.get(0).asInt()).isLessThanOrEqualTo(vsExact);
                }
                if (ex.get("gap12").asDouble() > 2 * vsExact * scale) {
                    assertThat(argmax(row)).as("%s: argmax vs exact", where).isEqualTo(ex.get("argmax").asInt());
                }
                JsonNode lc = cpp.get("per_position").get(p);
                // with an F16 cache, a llama.cpp near-tie (gap within twice its error bound) may go either way
                double cppGap = lc.get("top10").get(0).get(1).asDouble() - lc.get("top10").get(1).get(1).asDouble();
                boolean nearTie = cacheType != KvCacheType.F32 && cppGap <= 2 * vsExact * scale;
                if (argmax(row) == lc.get("argmax").asInt() || nearTie) {
                    agree++;
                }
                Set<Integer> cppTop = new HashSet<>();
                lc.get("top10").forEach(pair -> cppTop.add(pair.get(0).asInt()));
                assertThat(overlap(topK(row, 10), cppTop)).as("%s: top-10 overlap vs llama.cpp", where)
                        .isGreaterThanOrEqualTo(tolerance.get("top10_overlap_min_vs_llamacpp").asInt());

                // the same token evaluated alone after the previous ones
                float[] single = stepwise.evaluate(new int[] {ids[p]});
                assertThat(maxAbsDiff(single, row) / maxAbs(row)).as("%s: batched vs token-by-token", where)
                        .isLessThanOrEqualTo(1e-5);
                assertThat(argmax(single)).as("%s: batched vs token-by-token argmax", where).isEqualTo(argmax(row));
            }
            System.out.printf("parity %s multipos64: top-1 agreement with llama.cpp %d/%d%n", modelName, agree, ids.length);
            assertThat(agree / (double) ids.length).as("%s: top-1 agreement with llama.cpp", modelName)
                    .isGreaterThanOrEqualTo(tolerance.get("top1_agreement_min_vs_llamacpp").asDouble());
        }
    }

    /** Greedy steps: the first uses the prompt's logits, each next one feeds the chosen token back as a decode step. */
    private static List<Integer> greedy(Session session, float[] first, int steps) {
        List<Integer> out = new ArrayList<>();
        float[] logits = first;
        for (int i = 0; i < steps; i++) {
            int next = argmax(logits);
            out.add(next);
            if (i + 1 < steps) {
                logits = session.decode(next); // a generated token: the decode path
            }
        }
        return out;
    }

    /** Compares greedy ids up to the first reference step whose top1-top2 gap is at or below {@code threshold}. */
    private static void assertPrefixEqual(String what, List<Integer> ours, JsonNode steps, double threshold) {
        for (int k = 0; k < steps.size(); k++) {
            JsonNode top5 = steps.get(k).get("top5");
            double gap = top5.get(0).get(1).asDouble() - top5.get(1).get(1).asDouble();
            if (gap <= threshold) {
                return;
            }
            assertThat(ours.get(k)).as("%s: step %d", what, k).isEqualTo(steps.get(k).get("id").asInt());
        }
    }

    static float[] readFloats(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[buf.remaining() / 4];
        buf.asFloatBuffer().get(out);
        return out;
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    static double gap12(float[] v) {
        int a = argmax(v);
        float second = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < v.length; i++) {
            if (i != a && v[i] > second) {
                second = v[i];
            }
        }
        return v[a] - second;
    }

    static double maxAbs(float[] v) {
        double m = 0;
        for (float f : v) {
            m = Math.max(m, Math.abs(f));
        }
        return m;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    static double rmsDiff(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s / a.length);
    }

    static double std(float[] v) {
        double mean = 0;
        for (float f : v) {
            mean += f;
        }
        mean /= v.length;
        double s = 0;
        for (float f : v) {
            s += (f - mean) * (f - mean);
        }
        return Math.sqrt(s / v.length);
    }

    static Set<Integer> topK(float[] v, int k) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (x, y) -> Float.compare(v[y], v[x]));
        Set<Integer> out = new HashSet<>();
        for (int i = 0; i < k; i++) {
            out.add(idx[i]);
        }
        return out;
    }

    static int overlap(Set<Integer> a, Set<Integer> b) {
        Set<Integer> s = new HashSet<>(a);
        s.retainAll(b);
        return s.size();
    }
}
