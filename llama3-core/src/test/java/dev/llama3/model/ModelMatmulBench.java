package dev.llama3.model;

import dev.llama3.gguf.GgufFile;
import dev.llama3.tensor.ComputePool;
import dev.llama3.tensor.WeightMatrix;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Manual benchmark (not a test): the matrix products of a real model file, one kind of matrix at a time (all layers'
 * {@code wq}, then all {@code wk}, ..., then the output matrix), as a forward pass meets them — distinct data
 * streaming from the mapped file, unlike {@code KernelBench}, whose large matrices repeat a few rows. Prints GB/s of
 * weights and the milliseconds each kind costs per token. From the repository root, after
 * {@code ./mvnw -B -ntp -q install -DskipTests -pl llama3-core}:
 * {@code java --add-modules jdk.incubator.vector
 * -cp "llama3-core/target/classes:llama3-core/target/test-classes:llama3-core/target/lib/*"
 * dev.llama3.model.ModelMatmulBench MODEL.gguf [threads] [batch] [rounds]} (defaults 2 threads, batch 1, 20 rounds;
 * {@code -Dbench.prompt=true} measures the prompt path, {@link WeightMatrix#matmulPrompt}; the weights are moved onto huge
 * pages first, as the engine does, unless {@code -Dbench.hugePages=false}).
 * This is how the slow down projection (8192-column rows) was found; see docs/performance.md.
 */
public final class ModelMatmulBench {
    private ModelMatmulBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: ModelMatmulBench MODEL.gguf [threads] [batch] [rounds]");
            System.exit(2);
        }
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        try (GgufFile gguf = GgufFile.open(Path.of(args[0])); ComputePool pool = new ComputePool(threads)) {
            LlamaWeights w = LlamaWeights.bind(gguf, LlamaConfig.fromGguf(gguf));
            // as the engine runs after its first forward pass (-Dbench.hugePages=false: from the mapped file)
            if (!"false".equals(System.getProperty("bench.hugePages")) && GgufFile.hugePagesUnavailable() == null) {
                System.out.printf("weights on huge pages: %d MiB%n", gguf.moveToHugePages(done -> { }) >> 20);
            }
            Map<String, Function<LlamaWeights.Layer, WeightMatrix>> kinds = new LinkedHashMap<>();
            kinds.put("attn_q", LlamaWeights.Layer::wq);
            kinds.put("attn_k", LlamaWeights.Layer::wk);
            kinds.put("attn_v", LlamaWeights.Layer::wv);
            kinds.put("attn_output", LlamaWeights.Layer::wo);
            kinds.put("ffn_gate", LlamaWeights.Layer::ffnGate);
            kinds.put("ffn_up", LlamaWeights.Layer::ffnUp);
            kinds.put("ffn_down", LlamaWeights.Layer::ffnDown);
            Map<String, List<WeightMatrix>> groups = new LinkedHashMap<>();
            kinds.forEach((name, get) -> {
                List<WeightMatrix> list = new ArrayList<>();
                w.layers().forEach(l -> list.add(get.apply(l)));
                groups.put(name, list);
            });
            groups.put("output", List.of(w.output()));
            System.out.printf("%s: %d threads, batch %d, %d rounds (best round shown)%n", args[0], threads, batch,
                    rounds);
            double totalMs = 0;
            Random rnd = new Random(1);
            for (Map.Entry<String, List<WeightMatrix>> e : groups.entrySet()) {
                List<WeightMatrix> ms = e.getValue();
                WeightMatrix first = ms.get(0);
                float[] x = new float[first.cols() * batch];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) rnd.nextGaussian();
                }
                float[] out = new float[first.rows() * batch];
                long bytes = 0;
                for (WeightMatrix m : ms) {
                    bytes += m.rowBytes() * m.rows();
                }
                long best = Long.MAX_VALUE;
                for (int r = 0; r < rounds; r++) {
                    long t0 = System.nanoTime();
                    for (WeightMatrix m : ms) {
                        if (Boolean.getBoolean("bench.prompt")) {
                            m.matmulPrompt(pool, x, batch, out);
                        } else {
                            m.matmul(pool, x, batch, out);
                        }
                    }
                    best = Math.min(best, System.nanoTime() - t0);
                }
                totalMs += best / 1e6;
                System.out.printf("%-12s %-5s %5d x %5d x %2d: %7.2f ms  %6.2f GB/s%n", e.getKey(), first.type(),
                        first.rows(), first.cols(), ms.size(), best / 1e6, bytes / (best / 1e9) / 1e9);
            }
            System.out.printf("all matrices: %.1f ms per forward pass of %d token(s)%n", totalMs, batch);
        }
    }
}
