package dev.llama3.model;

import java.lang.foreign.MemorySegment;

/**
 * Causal attention of consecutive query heads that share one KV head (grouped-query attention), over one
 * sequence's cached keys and values.
 *
 * <p>Keys and values are walked in blocks of rows; each block is read from the cache once and used for every
 * query head of the group while it sits in the L1 cache, so the group's heads together cost one pass over the
 * cache instead of one pass each (the cache traffic is what decoding time goes to at long contexts). F16 blocks
 * are widened into a float scratch block first, F32 blocks are read in place.
 *
 * <p>Numerics, per query head: {@code score_t = dot(q, k_t) * (1/sqrt(headDim))} in float, softmax with the
 * maximum subtracted, {@code exp} per score in float summed in double (as ggml), probabilities
 * {@code e_t * (float) (1/sum)}, then {@code out = sum_t p_t v_t}. The order of every sum depends only on the
 * number of positions attended to (blocks always start at position 0), so a position gives the same output
 * whichever batch, thread or query-head subgroup it is computed in.
 */
final class GroupedAttention {
    /** Scratch values per block of rows (8 KiB of floats: an L1-sized tile). */
    static final int BLOCK_VALUES = 2048;

    private GroupedAttention() {}

    /** Rows per block for heads of {@code headDim} values. */
    static int blockRows(int headDim) {
        return Math.max(1, BLOCK_VALUES / headDim);
    }

    /** Scratch floats {@link #attend} needs in {@code block}. */
    static int blockScratch(int headDim) {
        return blockRows(headDim) * headDim;
    }

    /**
     * Attends {@code heads} consecutive query heads to positions {@code 0 .. last} of {@code kvHead} in
     * {@code layer} of {@code cache}.
     *
     * @param q query vectors, head {@code j} at {@code q[qOff + j*headDim ..)}
     * @param scores scratch of at least {@code heads * (last + 1)} floats
     * @param block scratch of at least {@link #blockScratch(int)} floats
     * @param out receives head {@code j}'s output at {@code out[outOff + j*headDim ..)}
     */
    static void attend(AttentionKernels k, KvCache cache, int layer, int kvHead, int headDim, float[] q, int qOff,
            int heads, int last, float[] scores, float[] block, float[] out, int outOff) {
        MemorySegment seg = cache.data();
        long keys = cache.keyOffset(layer, kvHead);
        long values = cache.valueOffset(layer, kvHead);
        long rowBytes = cache.rowBytes();
        boolean half = cache.type() == KvCacheType.F16;
        int rows = last + 1;
        int blockRows = blockRows(headDim);
        float scale = (float) (1.0 / Math.sqrt(headDim));

        for (int t0 = 0; t0 < rows; t0 += blockRows) {
            int count = Math.min(blockRows, rows - t0);
            long at = keys + t0 * rowBytes;
            if (half) {
                k.halfToFloat(seg, at, count * headDim, block, 0);
                for (int j = 0; j < heads; j++) {
                    k.dotRows(q, qOff + j * headDim, block, 0, headDim, count, scale, scores, j * rows + t0);
                }
            } else {
                for (int j = 0; j < heads; j++) {
                    k.dotRows(q, qOff + j * headDim, seg, at, headDim, count, scale, scores, j * rows + t0);
                }
            }
        }

        for (int j = 0; j < heads; j++) {
            k.softmax(scores, j * rows, rows);
        }

        java.util.Arrays.fill(out, outOff, outOff + heads * headDim, 0f);
        for (int t0 = 0; t0 < rows; t0 += blockRows) {
            int count = Math.min(blockRows, rows - t0);
            long at = values + t0 * rowBytes;
            if (half) {
                k.halfToFloat(seg, at, count * headDim, block, 0);
                for (int j = 0; j < heads; j++) {
                    k.accumulateRows(scores, j * rows + t0, block, 0, headDim, count, out, outOff + j * headDim);
                }
            } else {
                for (int j = 0; j < heads; j++) {
                    k.accumulateRows(scores, j * rows + t0, seg, at, headDim, count, out, outOff + j * headDim);
                }
            }
        }
    }
}
