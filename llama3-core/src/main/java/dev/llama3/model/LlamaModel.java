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
    private final AttentionKernels attentionKernels = AttentionKernels.active();

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

    /** Rotated pairs per head (RoPE): {@code rope.dimension_count / 2}. */
    public int ropePairs() {
        return rope.pairs();
    }

    /**
     * The RoPE cosines and sines of position {@code pos}, exactly as this forward pass uses them ({@link #ropePairs()}
     * entries each, at {@code off}), for backends that keep a table of them on a device.
     */
    public void ropeAngles(int pos, float[] cos, float[] sin, int off) {
        rope.angles(pos, cos, sin, off);
    }

    /**
     * Runs the feed-forward gate ({@code silu(gate) * up}) {@code calls} times on a scratch row of up to
     * {@code values} values, so that the JIT compiles it before a real forward pass needs it. Until then its vector
     * code runs in C1's code, which boxes every vector: a cold JVM's 16-token prompt of the 1B shape spent about
     * 0.4 s there (docs/performance.md, "2026-12-07 early morning"). Called by the kernel warm-up while the engine loads.
     */
    public void warmUpGate(int calls, int values) {
        int n = Math.min(values, config.feedForwardLength());
        float[] gate = new float[n];
        float[] up = new float[n];
        for (int k = 0; k < calls; k++) {
            for (int i = 0; i < n; i++) { // a spread of positive and negative values, as real gates have
                gate[i] = (i % 64 - 32) * 0.25f;
                up[i] = 1f;
            }
            attentionKernels.swiglu(gate, up, n);
        }
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
        forward(pool, s, cache, tokens, from, count, logits, 0, allPositions);
    }

    /**
     * As {@link #forward(ComputePool, ForwardState, KvCache, int[], int, int, float[], boolean)}, with every
     * position's logits written from {@code logitsOffset} on (prompts evaluated in several calls).
     */
    public void forward(ComputePool pool, ForwardState s, KvCache cache, int[] tokens, int from, int count,
            float[] logits, int logitsOffset, boolean allPositions) {
        if (count <= 0) {
            throw new IllegalArgumentException("forward needs at least one token");
        }
        cache.ensureOpen();
        if (cache.length() + count > cache.capacity()) {
            throw new ContextOverflowException(cache.length() + count, cache.capacity());
        }
        checkScratch(s, cache.length() + count);
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
            for (int b = 0; b < n; b++) {
                s.caches[b] = cache;
                s.positions[b] = cache.length() + b;
                s.tokens[b] = tokens[from + done + b];
            }
            LogitRows rows = logits == null ? LogitRows.NONE
                    : allPositions ? LogitRows.ALL : last ? LogitRows.LAST : LogitRows.NONE;
            forwardBatch(pool, s, n, logits, allPositions ? logitsOffset + done * vocab : 0, rows, true);
            cache.setLength(cache.length() + n);
            done += n;
        }
    }

    /**
     * Advances several independent sequences by one token each in a single pass: entry {@code b} appends
     * {@code tokens[b]} to {@code caches[b]} (all distinct). Weights are streamed once for all entries, which is
     * what makes concurrent decoding cheaper than one sequence after another.
     *
     * @param logits receives {@code n * vocabSize} logits, entry-major
     */
    public void forwardSequences(ComputePool pool, ForwardState s, KvCache[] caches, int[] tokens, int n, float[] logits) {
        if (n <= 0 || n > s.batchCapacity) {
            throw new IllegalArgumentException("batch of " + n + " sequences; capacity is " + s.batchCapacity);
        }
        int vocab = config.vocabSize();
        for (int b = 0; b < n; b++) {
            if (tokens[b] < 0 || tokens[b] >= vocab) {
                throw new IllegalArgumentException("token id " + tokens[b] + " is outside the vocabulary [0, " + vocab + ")");
            }
            caches[b].ensureOpen();
            if (caches[b].length() + 1 > caches[b].capacity()) {
                throw new ContextOverflowException(caches[b].length() + 1, caches[b].capacity());
            }
            checkScratch(s, caches[b].length() + 1);
            for (int other = 0; other < b; other++) {
                if (caches[other] == caches[b]) {
                    throw new IllegalArgumentException("a sequence appears twice in one batch");
                }
            }
            s.caches[b] = caches[b];
            s.positions[b] = caches[b].length();
            s.tokens[b] = tokens[b];
        }
        forwardBatch(pool, s, n, logits, 0, LogitRows.ALL, false);
        for (int b = 0; b < n; b++) {
            caches[b].setLength(caches[b].length() + 1);
        }
    }

    /** The attention scratch holds scores for {@code s.contextLength} positions. */
    private static void checkScratch(ForwardState s, int positions) {
        if (positions > s.contextLength) {
            throw new IllegalArgumentException("sequence of " + positions + " positions exceeds the forward state's "
                    + "context length " + s.contextLength);
        }
    }

    /** Which batch entries need logits. */
    private enum LogitRows { NONE, LAST, ALL }

    /**
     * One pass over {@code n} batch entries described by {@code s.tokens}, {@code s.caches} and {@code s.positions}.
     * Every entry's key and value are written to its cache before attention, so entries of the same sequence at
     * consecutive positions see each other causally.
     *
     * @param prompt whether the entries are prompt tokens: their products go through
     *     {@link WeightMatrix#matmulPrompt}, decode steps through {@link WeightMatrix#matmul}
     */
    private void forwardBatch(ComputePool pool, ForwardState s, int n, float[] logits, int logitsOffset, LogitRows rows,
                              boolean prompt) {
        LlamaConfig c = config;
        int dim = c.embeddingLength();
        int kvDim = c.kvDim();
        int ff = c.feedForwardLength();
        int pairs = rope.pairs();

        for (int b = 0; b < n; b++) {
            weights.tokenEmbedding().dequantizeRow(s.tokens[b], s.x, b * dim);
            rope.angles(s.positions[b], s.cos, s.sin, b * pairs);
        }

        List<LlamaWeights.Layer> layers = weights.layers();
        for (int l = 0; l < layers.size(); l++) {
            LlamaWeights.Layer layer = layers.get(l);
            rmsNormRows(s.xb, s.x, layer.attentionNorm(), n, dim, c.rmsEps());
            multiply(layer.wq(), pool, s.xb, n, s.q, prompt);
            multiply(layer.wk(), pool, s.xb, n, s.k, prompt);
            multiply(layer.wv(), pool, s.xb, n, s.v, prompt);

            for (int b = 0; b < n; b++) {
                rope.apply(s.q, b * dim, c.headCount(), s.cos, s.sin, b * pairs);
                rope.apply(s.k, b * kvDim, c.headCountKv(), s.cos, s.sin, b * pairs);
                s.caches[b].store(l, s.positions[b], s.k, b * kvDim, s.v, b * kvDim);
            }
            attention(pool, s, l, n);

            multiply(layer.wo(), pool, s.xb2, n, s.xb, prompt);
            add(s.x, s.xb, n * dim);

            rmsNormRows(s.xb, s.x, layer.ffnNorm(), n, dim, c.rmsEps());
            multiply(layer.ffnGate(), pool, s.xb, n, s.hb, prompt);
            multiply(layer.ffnUp(), pool, s.xb, n, s.hb2, prompt);
            attentionKernels.swiglu(s.hb, s.hb2, n * ff);
            multiply(layer.ffnDown(), pool, s.hb, n, s.xb, prompt);
            add(s.x, s.xb, n * dim);
        }

        if (rows != LogitRows.NONE) {
            WeightMatrix out = weights.output();
            if (rows == LogitRows.LAST) {
                rmsNorm(s.xb, 0, s.x, (n - 1) * dim, weights.outputNorm(), dim, c.rmsEps());
                multiply(out, pool, s.xb, 1, logits, prompt);
            } else {
                rmsNormRows(s.xb, s.x, weights.outputNorm(), n, dim, c.rmsEps());
                if (logitsOffset == 0) {
                    multiply(out, pool, s.xb, n, logits, prompt);
                } else {
                    // later prompt chunks: one row at a time into the scratch row, then copied into place
                    for (int b = 0; b < n; b++) {
                        System.arraycopy(s.xb, b * dim, s.xb2, 0, dim);
                        multiply(out, pool, s.xb2, 1, s.logitsRow, prompt);
                        System.arraycopy(s.logitsRow, 0, logits, logitsOffset + b * c.vocabSize(), c.vocabSize());
                    }
                }
            }
        }
    }

    private static void multiply(WeightMatrix m, ComputePool pool, float[] x, int n, float[] out, boolean prompt) {
        if (prompt) {
            m.matmulPrompt(pool, x, n, out);
        } else {
            m.matmul(pool, x, n, out);
        }
    }

    /**
     * Causal grouped-query attention for the {@code n} batch entries, whose keys and values are already in their
     * caches; results go to {@code s.xb2}. One task per (entry, KV head): the group's query heads are attended
     * together, so each cached key and value row is read once per group rather than once per query head. When
     * that gives fewer tasks than threads (one sequence decoding, few KV heads), each group is split into
     * subgroups of query heads until every thread has work. Tasks are dealt round-robin to the workers, which
     * balances a prompt chunk (later entries attend to more positions).
     */
    private void attention(ComputePool pool, ForwardState s, int layer, int n) {
        LlamaConfig c = config;
        int kvHeads = c.headCountKv();
        int group = c.groupSize();
        int threads = s.scores.length;
        int split = 1;
        while ((long) n * kvHeads * split < threads && split < group) {
            do {
                split++;
            } while (group % split != 0);
        }
        AttentionTask task = s.attentionTask;
        if (task == null || task.model != this) {
            task = new AttentionTask(this, s);
            s.attentionTask = task;
        }
        task.layer = layer;
        task.split = split;
        task.tasks = n * kvHeads * split;
        task.workers = Math.min(threads, task.tasks);
        pool.parallelFor(task.workers, task);
    }

    /** The attention loop body, reused from one layer and token to the next (no lambda allocated per call). */
    static final class AttentionTask implements ComputePool.RangeTask {
        final LlamaModel model;
        final ForwardState s;
        int layer;
        int split;
        int tasks;
        int workers;

        AttentionTask(LlamaModel model, ForwardState s) {
            this.model = model;
            this.s = s;
        }

        @Override
        public void run(int wFrom, int wTo) {
            LlamaConfig c = model.config;
            int kvHeads = c.headCountKv();
            int perSplit = c.groupSize() / split;
            for (int w = wFrom; w < wTo; w++) {
                for (int t = w; t < tasks; t += workers) {
                    int b = t / (kvHeads * split);
                    int rest = t % (kvHeads * split);
                    model.attendGroup(s, w, layer, b, rest / split, (rest % split) * perSplit, perSplit);
                }
            }
        }
    }

    /**
     * Query heads {@code kvHead*groupSize + first ..} ({@code count} of them) of entry {@code b}, with worker
     * {@code w}'s scratch.
     */
    private void attendGroup(ForwardState s, int w, int layer, int b, int kvHead, int first, int count) {
        LlamaConfig c = config;
        int headDim = c.headDim();
        int off = b * c.embeddingLength() + (kvHead * c.groupSize() + first) * headDim;
        GroupedAttention.attend(attentionKernels, s.caches[b], layer, kvHead, headDim, s.q, off, count,
                s.positions[b], s.scores[w], s.kvBlock[w], s.xb2, off);
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
}
