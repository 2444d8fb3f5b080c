package dev.llama3.model;

import dev.llama3.gguf.GgufFile;
import dev.llama3.tensor.ComputePool;
import dev.llama3.tensor.WeightMatrix;
import java.util.List;

/**
 * The Llama 3 forward pass on the CPU: RMSNorm, grouped-query attention with a KV cache, RoPE, SwiGLU, final
 * norm and logits. Processes a batch of consecutive positions of one sequence per call (a prompt chunk, or one
 * token while decoding); both give the same logits.
 */
public final class LlamaModel {
    private final LlamaConfig config;
    private final LlamaWeights weights;
    private final Rope rope;

    public LlamaModel(LlamaConfig config, LlamaWeights weights) {
        this.config = config;
        this.weights = weights;
        this.rope = new Rope(config, weights.ropeFreqFactors());
    }

    /** Reads the configuration and binds the weights of a memory-mapped GGUF file. */
    public static LlamaModel fromGguf(GgufFile gguf) {
        LlamaConfig config = LlamaConfig.fromGguf(gguf);
        return new LlamaModel(config, LlamaWeights.bind(gguf, config));
    }

    public LlamaConfig config() {
        return config;
    }

    public LlamaWeights weights() {
        return weights;
    }

    /**
     * Runs {@code count} tokens at the cache's next positions, appending their keys and values to the cache.
     *
     * @param tokens token ids, {@code tokens[from .. from+count)}
     * @param logits receives {@code vocabSize} logits of the last token, or of every token
     *     ({@code count * vocabSize}, position-major) when {@code allPositions}; may be null to skip the output layer
     */
    public void forward(ComputePool pool, ForwardState s, KvCache cache, int[] tokens, int from, int count,
            float[] logits, boolean allPositions) {
        if (count <= 0) {
            throw new IllegalArgumentException("forward needs at least one token");
        }
        if (cache.length() + count > cache.capacity()) {
            throw new ContextOverflowException(cache.length() + count, cache.capacity());
        }
        int vocab = config.vocabSize();
        for (int i = from; i < from + count; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocab) {
                throw new IllegalArgumentException("token id " + tokens[i] + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
        int done = 0;
        while (done < count) {
            int n = Math.min(s.batchCapacity, count - done);
            boolean last = done + n == count;
            float[] chunkLogits = null;
            int logitsOffset = 0;
            if (logits != null && (allPositions || last)) {
                chunkLogits = logits;
                logitsOffset = allPositions ? done * vocab : 0;
            }
            forwardChunk(pool, s, cache, tokens, from + done, n, chunkLogits, logitsOffset, allPositions);
            done += n;
        }
    }

    private void forwardChunk(ComputePool pool, ForwardState s, KvCache cache, int[] tokens, int from, int n,
            float[] logits, int logitsOffset, boolean allPositions) {
        LlamaConfig c = config;
        int dim = c.embeddingLength();
        int kvDim = c.kvDim();
        int ff = c.feedForwardLength();
        int startPos = cache.length();
        int pairs = rope.pairs();

        for (int b = 0; b < n; b++) {
            weights.tokenEmbedding().dequantizeRow(tokens[from + b], s.x, b * dim);
            rope.angles(startPos + b, s.cos, s.sin, b * pairs);
        }

        List<LlamaWeights.Layer> layers = weights.layers();
        for (int l = 0; l < layers.size(); l++) {
            LlamaWeights.Layer layer = layers.get(l);
            rmsNormRows(s.xb, s.x, layer.attentionNorm(), n, dim, c.rmsEps());
            layer.wq().matmul(pool, s.xb, n, s.q);
            layer.wk().matmul(pool, s.xb, n, s.k);
            layer.wv().matmul(pool, s.xb, n, s.v);

            float[] keyCache = cache.keys(l);
            float[] valueCache = cache.values(l);
            for (int b = 0; b < n; b++) {
                rope.apply(s.q, b * dim, c.headCount(), s.cos, s.sin, b * pairs);
                rope.apply(s.k, b * kvDim, c.headCountKv(), s.cos, s.sin, b * pairs);
                System.arraycopy(s.k, b * kvDim, keyCache, (startPos + b) * kvDim, kvDim);
                System.arraycopy(s.v, b * kvDim, valueCache, (startPos + b) * kvDim, kvDim);
            }
            attention(pool, s, keyCache, valueCache, n, startPos);

            layer.wo().matmul(pool, s.xb2, n, s.xb);
            add(s.x, s.xb, n * dim);

            rmsNormRows(s.xb, s.x, layer.ffnNorm(), n, dim, c.rmsEps());
            layer.ffnGate().matmul(pool, s.xb, n, s.hb);
            layer.ffnUp().matmul(pool, s.xb, n, s.hb2);
            swiglu(s.hb, s.hb2, n * ff);
            layer.ffnDown().matmul(pool, s.hb, n, s.xb);
            add(s.x, s.xb, n * dim);
        }
        cache.setLength(startPos + n);

        if (logits != null) {
            WeightMatrix out = weights.output();
            // One row at a time: a batch of vocabulary-sized rows would need a huge scratch buffer.
            for (int b = allPositions ? 0 : n - 1; b < n; b++) {
                rmsNorm(s.xb, 0, s.x, b * dim, weights.outputNorm(), dim, c.rmsEps());
                if (allPositions) {
                    out.matmul(pool, s.xb, 1, s.logitsRow);
                    System.arraycopy(s.logitsRow, 0, logits, logitsOffset + b * c.vocabSize(), c.vocabSize());
                } else {
                    out.matmul(pool, s.xb, 1, logits);
                }
            }
        }
    }

    /**
     * Causal grouped-query attention for the {@code n} new tokens, whose keys and values are already in the
     * cache at {@code startPos ..}. One task per (token, query head); results go to {@code s.xb2}.
     */
    private void attention(ComputePool pool, ForwardState s, float[] keyCache, float[] valueCache, int n, int startPos) {
        LlamaConfig c = config;
        int heads = c.headCount();
        int tasks = n * heads;
        int workers = Math.min(s.scores.length, tasks);
        pool.parallelFor(workers, (wFrom, wTo) -> {
            for (int w = wFrom; w < wTo; w++) {
                int taskFrom = (int) ((long) tasks * w / workers);
                int taskTo = (int) ((long) tasks * (w + 1) / workers);
                for (int t = taskFrom; t < taskTo; t++) {
                    attendOneHead(s, s.scores[w], keyCache, valueCache, t / heads, t % heads, startPos);
                }
            }
        });
    }

    private void attendOneHead(ForwardState s, float[] scores, float[] keyCache, float[] valueCache, int b, int h,
            int startPos) {
        LlamaConfig c = config;
        int headDim = c.headDim();
        int kvDim = c.kvDim();
        int qOff = b * c.embeddingLength() + h * headDim;
        int kvOff = (h / c.groupSize()) * headDim;
        int last = startPos + b;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        float max = Float.NEGATIVE_INFINITY;
        for (int t = 0; t <= last; t++) {
            float score = VectorMath.dot(s.q, qOff, keyCache, t * kvDim + kvOff, headDim) * scale;
            scores[t] = score;
            if (score > max) {
                max = score;
            }
        }
        double sum = 0;
        for (int t = 0; t <= last; t++) {
            float e = (float) Math.exp(scores[t] - max);
            scores[t] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        int outOff = b * c.embeddingLength() + h * headDim;
        java.util.Arrays.fill(s.xb2, outOff, outOff + headDim, 0f);
        for (int t = 0; t <= last; t++) {
            VectorMath.axpy(scores[t] * inv, valueCache, t * kvDim + kvOff, s.xb2, outOff, headDim);
        }
    }

    private static void rmsNormRows(float[] out, float[] x, float[] weight, int rows, int dim, float eps) {
        for (int b = 0; b < rows; b++) {
            rmsNorm(out, b * dim, x, b * dim, weight, dim, eps);
        }
    }

    /** {@code out = x / sqrt(mean(x^2) + eps) * weight}, the sum of squares accumulated in double as ggml does. */
    static void rmsNorm(float[] out, int outOff, float[] x, int xOff, float[] weight, int dim, float eps) {
        double sum = 0;
        for (int i = 0; i < dim; i++) {
            float v = x[xOff + i];
            sum += v * v;
        }
        float scale = (float) (1.0 / Math.sqrt(sum / dim + eps));
        for (int i = 0; i < dim; i++) {
            out[outOff + i] = x[xOff + i] * scale * weight[i];
        }
    }

    private static void add(float[] x, float[] delta, int n) {
        for (int i = 0; i < n; i++) {
            x[i] += delta[i];
        }
    }

    /** {@code gate = silu(gate) * up}. */
    private static void swiglu(float[] gate, float[] up, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[i];
            gate[i] = g / (1f + (float) Math.exp(-g)) * up[i];
        }
    }
}
