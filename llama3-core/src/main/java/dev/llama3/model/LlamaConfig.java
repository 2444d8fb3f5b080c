package dev.llama3.model;

import dev.llama3.gguf.GgufFile;
import dev.llama3.gguf.GgufTensorInfo;

/**
 * Hyper-parameters of a Llama-architecture model, read from the {@code llama.*} GGUF metadata.
 *
 * @param embeddingLength model width ({@code n_embd})
 * @param blockCount number of transformer blocks
 * @param headCount query heads
 * @param headCountKv key/value heads (grouped-query attention when smaller than {@code headCount})
 * @param feedForwardLength hidden width of the SwiGLU feed-forward network
 * @param rmsEps epsilon of RMSNorm, as the float32 value stored in the file
 * @param ropeBase RoPE frequency base ({@code rope.freq_base}, 500000 for Llama 3)
 * @param ropeDimensionCount number of rotated dimensions per head
 * @param ropeFreqScale linear RoPE scaling ({@code 1 / rope.scaling.factor} for "linear" scaling, else 1)
 * @param contextLength the context length the model was trained for
 * @param vocabSize number of tokens (rows of the embedding matrix)
 */
public record LlamaConfig(
        int embeddingLength,
        int blockCount,
        int headCount,
        int headCountKv,
        int feedForwardLength,
        float rmsEps,
        float ropeBase,
        int ropeDimensionCount,
        float ropeFreqScale,
        int contextLength,
        int vocabSize) {

    public LlamaConfig {
        requirePositive("embedding_length", embeddingLength);
        requirePositive("block_count", blockCount);
        requirePositive("attention.head_count", headCount);
        requirePositive("attention.head_count_kv", headCountKv);
        requirePositive("feed_forward_length", feedForwardLength);
        requirePositive("context_length", contextLength);
        requirePositive("vocab_size", vocabSize);
        if (embeddingLength % headCount != 0) {
            throw new IllegalArgumentException("llama.embedding_length " + embeddingLength
                    + " is not a multiple of llama.attention.head_count " + headCount);
        }
        if (headCount % headCountKv != 0) {
            throw new IllegalArgumentException("llama.attention.head_count " + headCount
                    + " is not a multiple of llama.attention.head_count_kv " + headCountKv);
        }
        int headDim = embeddingLength / headCount;
        if (ropeDimensionCount <= 0 || ropeDimensionCount > headDim || ropeDimensionCount % 2 != 0) {
            throw new IllegalArgumentException("llama.rope.dimension_count " + ropeDimensionCount
                    + " must be even and within the head dimension " + headDim);
        }
        if (!(rmsEps > 0) || !(ropeBase > 0) || !(ropeFreqScale > 0)) {
            throw new IllegalArgumentException("invalid RMSNorm epsilon / RoPE base / RoPE scale: "
                    + rmsEps + " / " + ropeBase + " / " + ropeFreqScale);
        }
    }

    private static void requirePositive(String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("llama." + key + " must be positive, got " + value);
        }
    }

    /** Dimension of one attention head. */
    public int headDim() {
        return embeddingLength / headCount;
    }

    /** Width of the key and value projections ({@code headCountKv * headDim}). */
    public int kvDim() {
        return headCountKv * headDim();
    }

    /** Query heads sharing one key/value head. */
    public int groupSize() {
        return headCount / headCountKv;
    }

    /** Reads the configuration of a {@code general.architecture = llama} GGUF file. */
    public static LlamaConfig fromGguf(GgufFile gguf) {
        String arch = gguf.findString("general.architecture").orElse("(missing)");
        if (!arch.equals("llama")) {
            throw new IllegalArgumentException(gguf.path() + ": general.architecture is '" + arch
                    + "', only 'llama' models (Llama 3, 3.1, 3.2, 3.3, Llama Guard) are supported");
        }
        int dim = intKey(gguf, "llama.embedding_length");
        int heads = intKey(gguf, "llama.attention.head_count");
        int kvHeads = (int) gguf.findLong("llama.attention.head_count_kv").orElse(heads);
        int headDim = heads > 0 ? dim / heads : 0;
        int vocab = (int) gguf.findLong("llama.vocab_size").orElseGet(() -> vocabFromTensors(gguf));
        float freqScale = 1f;
        String scaling = gguf.findString("llama.rope.scaling.type").orElse("none");
        if (scaling.equals("linear")) {
            double factor = gguf.findDouble("llama.rope.scaling.factor").orElse(1.0);
            freqScale = (float) (1.0 / factor);
        } else if (!scaling.equals("none") && !scaling.equals("llama3")) {
            throw new IllegalArgumentException(gguf.path() + ": llama.rope.scaling.type '" + scaling
                    + "' is not supported (supported: none, linear, llama3 via rope_freqs)");
        }
        return new LlamaConfig(
                dim,
                intKey(gguf, "llama.block_count"),
                heads,
                kvHeads,
                intKey(gguf, "llama.feed_forward_length"),
                (float) gguf.findDouble("llama.attention.layer_norm_rms_epsilon").orElse(1e-5),
                (float) gguf.findDouble("llama.rope.freq_base").orElse(10000.0),
                (int) gguf.findLong("llama.rope.dimension_count").orElse(headDim),
                freqScale,
                (int) gguf.findLong("llama.context_length").orElse(2048),
                vocab);
    }

    private static int vocabFromTensors(GgufFile gguf) {
        GgufTensorInfo embd = gguf.tensor("token_embd.weight");
        if (embd != null && embd.shape().length == 2) {
            return Math.toIntExact(embd.shape()[1]);
        }
        if (gguf.has("tokenizer.ggml.tokens")) {
            return gguf.getStringArray("tokenizer.ggml.tokens").size();
        }
        throw new IllegalArgumentException(gguf.path()
                + ": cannot determine the vocabulary size (no llama.vocab_size, token_embd.weight or tokenizer.ggml.tokens)");
    }

    private static int intKey(GgufFile gguf, String key) {
        if (!gguf.has(key)) {
            throw new IllegalArgumentException(gguf.path() + ": required metadata key '" + key + "' is missing");
        }
        long v = gguf.getLong(key);
        if (v <= 0 || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(gguf.path() + ": metadata key '" + key + "' has invalid value " + v);
        }
        return (int) v;
    }
}
