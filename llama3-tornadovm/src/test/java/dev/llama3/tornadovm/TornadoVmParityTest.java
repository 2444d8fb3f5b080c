package dev.llama3.tornadovm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.llama3.engine.EngineOptions;
import dev.llama3.engine.GenerationRequest;
import dev.llama3.engine.GenerationResult;
import dev.llama3.engine.LlamaEngine;
import dev.llama3.engine.Session;
import dev.llama3.sampling.SamplingOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The fixture models on the TornadoVM backend against the fixtures' exact reference and the CPU backend: last-position
 * logits of every golden prompt within the exact-reference bound (README section 3.1), every position of a prompt
 * evaluated with all logits, and a greedy generation identical to the CPU's. Runs only in a JVM started with
 * TornadoVM (surefire: {@code -Dtornadovm.test.argLine=@$TORNADOVM_HOME/tornado-argfile}); skips otherwise.
 */
class TornadoVmParityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PROMPTS = List.of("en_capital", "chat_user", "zh", "multipos64");

    private static Path fixtures() {
        String dir = System.getProperty("llama3.fixtures");
        return dir == null ? null : Path.of(dir);
    }

    private static EngineOptions options(String backend) {
        return EngineOptions.builder().threads(2).contextLength(256).batchSize(32).maxBatchSequences(4)
                .backend(backend).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny64-f32", "tiny64-f16", "tiny64-q8_0", "tiny64-q4_0", "tiny256-q4_k_m"})
    void logitsMatchTheExactReferenceAndGreedyMatchesTheCpu(String name) throws IOException {
        assumeTrue(System.getProperty("tornado.load.runtime.implementation") != null,
                "not started with TornadoVM's argfile");
        Path root = fixtures();
        assumeTrue(root != null && Files.isDirectory(root.resolve("models")), "fixtures not found");
        Path model = root.resolve("models/" + name + ".gguf");
        Path golden = root.resolve("golden/" + name);
        try (LlamaEngine gpu = LlamaEngine.load(model, options("tornadovm"));
                LlamaEngine cpu = LlamaEngine.load(model, options("cpu"))) {
            assertThat(gpu.backendName()).isEqualTo("tornadovm");
            for (String prompt : PROMPTS) {
                int[] ids = ints(JSON.readTree(golden.resolve(prompt + ".json").toFile()).get("prompt_ids"));
                float[] exact = readFloats(golden.resolve(prompt + ".exact.last.f32"));
                try (Session g = gpu.newSession(); Session c = cpu.newSession()) {
                    float[] ours = g.evaluate(ids).clone();
                    double rel = maxAbsDiff(ours, exact) / maxAbs(exact);
                    System.out.printf("tornadovm parity %s/%s: rel vs exact %.2e, rel vs cpu %.2e%n", name, prompt,
                            rel, maxAbsDiff(ours, c.evaluate(ids)) / maxAbs(exact));
                    assertThat(rel).as("%s/%s max|tornadovm - exact| / max|exact|", name, prompt)
                            .isLessThanOrEqualTo(1e-4);
                }
                try (Session g = gpu.newSession(); Session c = cpu.newSession()) {
                    GenerationRequest req = new GenerationRequest(SamplingOptions.greedy(), 24, List.of(), java.util.Set.of());
                    GenerationResult a = g.generate(ids, req, (id, text) -> true);
                    GenerationResult b = c.generate(ids, req, (id, text) -> true);
                    assertThat(a.tokens()).as("%s/%s greedy", name, prompt).containsExactly(b.tokens());
                }
            }
            // every position in one pass, and a snapshot restored into a fresh session, give the CPU's numbers
            int[] ids = ints(JSON.readTree(golden.resolve("multipos64.json").toFile()).get("prompt_ids"));
            try (Session g = gpu.newSession(); Session c = cpu.newSession()) {
                float[] all = g.evaluateAll(ids);
                float[] ref = c.evaluateAll(ids);
                assertThat(maxAbsDiff(all, ref) / maxAbs(ref)).as("%s all positions", name).isLessThanOrEqualTo(2e-4);
                try (var snap = g.snapshot(); Session r = gpu.newSession()) {
                    assertThat(r.restore(snap, 40)).isTrue();
                    float[] next = r.evaluate(new int[] {ids[40]});
                    float[] expected = java.util.Arrays.copyOfRange(ref, 40 * cpu.config().vocabSize(),
                            41 * cpu.config().vocabSize());
                    assertThat(maxAbsDiff(next, expected) / maxAbs(expected)).as("%s restored", name)
                            .isLessThanOrEqualTo(2e-4);
                }
            }
        }
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    private static float[] readFloats(Path p) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    /**
     * A model with tied embeddings (synthetic, Llama 3.2 style) looks its tokens up on the device: only ids go in, and
     * the logits and a greedy generation equal the CPU backend's.
     */
    @org.junit.jupiter.api.Test
    void tiedEmbeddingsAreLookedUpOnTheDevice(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        assumeTrue(System.getProperty("tornado.load.runtime.implementation") != null,
                "not started with TornadoVM's argfile");
        Path model = dir.resolve("tiny-tied.gguf");
        try (dev.llama3.tensor.ComputePool pool = new dev.llama3.tensor.ComputePool(1)) {
            new dev.llama3.model.SyntheticModel(dev.llama3.model.ModelShape.TINY,
                    dev.llama3.model.SyntheticModel.WeightFormat.Q8_0, 3, null).write(model, pool);
        }
        try (LlamaEngine gpu = LlamaEngine.load(model, options("tornadovm"));
                LlamaEngine cpu = LlamaEngine.load(model, options("cpu"))) {
            assertThat(gpu.model().weights().tiedEmbeddings()).isTrue();
            assertThat(gpu.backendDescription()).contains("embeddings looked up on the device");
            int[] prompt = {1, 20, 300, 45, 7};
            try (Session g = gpu.newSession(); Session c = cpu.newSession()) {
                float[] ours = g.evaluate(prompt).clone();
                float[] theirs = c.evaluate(prompt).clone();
                assertThat(maxAbsDiff(ours, theirs) / maxAbs(theirs)).isLessThan(1e-4);
            }
            var request = new dev.llama3.engine.GenerationRequest(dev.llama3.sampling.SamplingOptions.greedy(), 16,
                    List.of(), java.util.Set.of());
            try (Session g = gpu.newSession(); Session c = cpu.newSession()) {
                assertThat(g.generate(prompt, request, dev.llama3.engine.TokenListener.NONE).tokens())
                        .containsExactly(c.generate(prompt, request, dev.llama3.engine.TokenListener.NONE).tokens());
            }
        }
    }
}
