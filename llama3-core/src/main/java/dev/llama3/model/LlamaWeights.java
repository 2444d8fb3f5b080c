package dev.llama3.model;

import dev.llama3.gguf.GgmlType;
import dev.llama3.gguf.GgufFile;
import dev.llama3.gguf.GgufTensorInfo;
import dev.llama3.tensor.UnsupportedTensorTypeException;
import dev.llama3.tensor.WeightMatrix;
import java.util.ArrayList;
import java.util.List;

/**
 * The tensors of a Llama model, bound by their GGUF names. Matrices stay in their quantized form in the
 * memory-mapped file; only the small 1-D norm vectors are copied to the heap.
 */
public final class LlamaWeights {

    /** One transformer block. */
    public record Layer(
            float[] attentionNorm,
            WeightMatrix wq,
            WeightMatrix wk,
            WeightMatrix wv,
            WeightMatrix wo,
            float[] ffnNorm,
            WeightMatrix ffnGate,
            WeightMatrix ffnUp,
            WeightMatrix ffnDown) {}

    private final WeightMatrix tokenEmbedding;
    private final float[] outputNorm;
    private final WeightMatrix output;
    private final boolean tiedEmbeddings;
    private final float[] ropeFreqFactors;
    private final List<Layer> layers;

    private LlamaWeights(WeightMatrix tokenEmbedding, float[] outputNorm, WeightMatrix output, boolean tied,
            float[] ropeFreqFactors, List<Layer> layers) {
        this.tokenEmbedding = tokenEmbedding;
        this.outputNorm = outputNorm;
        this.output = output;
        this.tiedEmbeddings = tied;
        this.ropeFreqFactors = ropeFreqFactors;
        this.layers = List.copyOf(layers);
    }

    public WeightMatrix tokenEmbedding() {
        return tokenEmbedding;
    }

    public float[] outputNorm() {
        return outputNorm;
    }

    /** The output projection; the token embedding matrix itself when the model has tied embeddings. */
    public WeightMatrix output() {
        return output;
    }

    public boolean tiedEmbeddings() {
        return tiedEmbeddings;
    }

    /** Llama 3.1 RoPE frequency factors ({@code rope_freqs.weight}), or null when the model has none. */
    public float[] ropeFreqFactors() {
        return ropeFreqFactors;
    }

    public List<Layer> layers() {
        return layers;
    }

    /** Binds every tensor the forward pass needs, checking names, shapes and types. */
    public static LlamaWeights bind(GgufFile gguf, LlamaConfig c) {
        Binder b = new Binder(gguf);
        int dim = c.embeddingLength();
        int kvDim = c.kvDim();
        int ff = c.feedForwardLength();
        WeightMatrix embd = b.matrix("token_embd.weight", dim, c.vocabSize());
        float[] outNorm = b.vector("output_norm.weight", dim);
        boolean tied = gguf.tensor("output.weight") == null;
        WeightMatrix out = tied ? embd : b.matrix("output.weight", dim, c.vocabSize());
        float[] ropeFreqs = gguf.tensor("rope_freqs.weight") == null
                ? null
                : b.vector("rope_freqs.weight", c.ropeDimensionCount() / 2);
        List<Layer> layers = new ArrayList<>(c.blockCount());
        for (int i = 0; i < c.blockCount(); i++) {
            String p = "blk." + i + ".";
            layers.add(new Layer(
                    b.vector(p + "attn_norm.weight", dim),
                    b.matrix(p + "attn_q.weight", dim, dim),
                    b.matrix(p + "attn_k.weight", dim, kvDim),
                    b.matrix(p + "attn_v.weight", dim, kvDim),
                    b.matrix(p + "attn_output.weight", dim, dim),
                    b.vector(p + "ffn_norm.weight", dim),
                    b.matrix(p + "ffn_gate.weight", dim, ff),
                    b.matrix(p + "ffn_up.weight", dim, ff),
                    b.matrix(p + "ffn_down.weight", ff, dim)));
        }
        return new LlamaWeights(embd, outNorm, out, tied, ropeFreqs, layers);
    }

    /** Looks tensors up by name and turns them into matrices or float vectors, with messages that name them. */
    private record Binder(GgufFile gguf) {

        GgufTensorInfo require(String name) {
            GgufTensorInfo t = gguf.tensor(name);
            if (t == null) {
                throw new IllegalArgumentException(gguf.path() + ": required tensor '" + name + "' is missing");
            }
            return t;
        }

        /** A matrix with GGML shape [cols, rows] (one stored row per output). */
        WeightMatrix matrix(String name, int cols, int rows) {
            GgufTensorInfo t = require(name);
            if (!WeightMatrix.SUPPORTED_TYPES.contains(t.type())) {
                throw new UnsupportedTensorTypeException(name, gguf.path() + ": tensor '" + name + "' has type "
                        + t.type() + ", which this engine cannot compute with (supported: " + WeightMatrix.SUPPORTED_TYPES + ")");
            }
            long[] ne = t.shape();
            if (ne.length != 2 || ne[0] != cols || ne[1] != rows) {
                throw new IllegalArgumentException(gguf.path() + ": tensor '" + name + "' has shape "
                        + java.util.Arrays.toString(ne) + ", expected [" + cols + ", " + rows + "]");
            }
            try {
                return WeightMatrix.of(name, t.type(), gguf.data(t), rows, cols);
            } catch (UnsupportedTensorTypeException e) {
                throw new UnsupportedTensorTypeException(name, gguf.path() + ": " + e.getMessage());
            }
        }

        float[] vector(String name, int length) {
            GgufTensorInfo t = require(name);
            if (t.elementCount() != length || t.shape().length != 1) {
                throw new IllegalArgumentException(gguf.path() + ": tensor '" + name + "' has shape "
                        + java.util.Arrays.toString(t.shape()) + ", expected [" + length + "]");
            }
            if (t.type() != GgmlType.F32 && t.type() != GgmlType.F16 && t.type() != GgmlType.BF16) {
                throw new UnsupportedTensorTypeException(name, gguf.path() + ": tensor '" + name + "' has type "
                        + t.type() + "; 1-D tensors must be F32, F16 or BF16");
            }
            float[] v = new float[length];
            WeightMatrix.of(name, t.type(), gguf.data(t), 1, length).dequantizeRow(0, v, 0);
            return v;
        }
    }
}
