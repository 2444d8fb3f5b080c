package dev.llama3.model;

/**
 * Scratch buffers for one forward pass of up to {@code batchCapacity} tokens. Allocated once per session
 * so the decode loop allocates nothing per token.
 */
public final class ForwardState {
    final int batchCapacity;
    final float[] x;
    final float[] xb;
    final float[] xb2;
    final float[] q;
    final float[] k;
    final float[] v;
    final float[] hb;
    final float[] hb2;
    final float[] cos;
    final float[] sin;
    /** Positions the attention scratch is sized for. */
    final int contextLength;
    /** Per attention worker: scores of one KV group's query heads ({@code groupSize * contextLength}). */
    final float[][] scores;
    /** Per attention worker: a block of keys or values widened from F16 ({@link GroupedAttention#blockScratch}). */
    final float[][] kvBlock;
    /** Per batch entry: its token, its sequence's cache, and its position in that sequence. */
    final int[] tokens;
    final KvCache[] caches;
    final int[] positions;
    /** The attention loop body, created by the model on first use. */
    LlamaModel.AttentionTask attentionTask;
    /** Logits of one position when every position's logits are requested. */
    final float[] logitsRow;

    public ForwardState(LlamaConfig c, int batchCapacity, int contextLength, int threads) {
        if (batchCapacity <= 0) {
            throw new IllegalArgumentException("batch capacity must be positive, got " + batchCapacity);
        }
        this.batchCapacity = batchCapacity;
        int dim = c.embeddingLength();
        x = new float[batchCapacity * dim];
        xb = new float[batchCapacity * dim];
        xb2 = new float[batchCapacity * dim];
        q = new float[batchCapacity * dim];
        k = new float[batchCapacity * c.kvDim()];
        v = new float[batchCapacity * c.kvDim()];
        hb = new float[batchCapacity * c.feedForwardLength()];
        hb2 = new float[batchCapacity * c.feedForwardLength()];
        cos = new float[batchCapacity * c.ropeDimensionCount() / 2];
        sin = new float[batchCapacity * c.ropeDimensionCount() / 2];
        if (contextLength <= 0) {
            throw new IllegalArgumentException("context length must be positive, got " + contextLength);
        }
        this.contextLength = contextLength;
        int workers = Math.max(1, threads);
        long scoreFloats = (long) c.groupSize() * contextLength;
        if (scoreFloats > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("context length " + contextLength + " is too large for the attention scratch");
        }
        scores = new float[workers][(int) scoreFloats];
        kvBlock = new float[workers][GroupedAttention.blockScratch(c.headDim())];
        logitsRow = new float[c.vocabSize()];
        tokens = new int[batchCapacity];
        caches = new KvCache[batchCapacity];
        positions = new int[batchCapacity];
    }

    public int batchCapacity() {
        return batchCapacity;
    }
}
