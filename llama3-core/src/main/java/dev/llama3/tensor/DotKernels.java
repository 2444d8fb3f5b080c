package dev.llama3.tensor;

import dev.llama3.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * One implementation of the row kernels (scalar or Vector API). Arguments are trusted: {@link WeightMatrix}
 * has validated types, offsets and array bounds before calling.
 */
interface DotKernels {
    /** Short human-readable description, e.g. "Vector API, 512-bit (16 float lanes)". */
    String description();

    /** Whether this implementation uses the Vector API. */
    boolean vectorized();

    /** Dequantizes {@code n} values stored from byte {@code off} into {@code dst[dstOff..)}, bit-exact to ggml. */
    void dequantize(GgmlType type, MemorySegment data, long off, int n, float[] dst, int dstOff);

    /** Dot product of the {@code n} stored values from byte {@code off} with {@code x[xOff .. xOff+n)}. */
    float dot(GgmlType type, MemorySegment data, long off, int n, float[] x, int xOff);

    /**
     * For rows {@code [rowFrom, rowTo)} of a matrix with {@code rows} rows of {@code cols} values
     * ({@code rowBytes} bytes each, starting at byte 0 of {@code data}):
     * {@code out[b*rows + r] = dot(row r, x[b*cols ..))} for every {@code b < batch}. Every result must be
     * bit-identical to {@link #dot} on the same row and vector. {@code product} is a number that only the row ranges
     * of this one product share (see {@link WeightMatrix}), so that a thread given several of them can prepare the
     * vectors once; a negative one is never shared.
     *
     * <p>The loops are tiled so that a group of rows and a group of input vectors stay in cache while they are
     * combined: a long prompt's inputs (batch x cols floats) are far larger than the caches, and streaming all of
     * them once per row would cost more than the arithmetic.
     */
    default void matmulRows(GgmlType type, MemorySegment data, long rowBytes, int cols, int rows,
                            int rowFrom, int rowTo, float[] x, int batch, float[] out, long product) {
        int rowTile = rowTile(rowBytes);
        int batchTile = batchTile(cols);
        for (int r0 = rowFrom; r0 < rowTo; r0 += rowTile) {
            int r1 = Math.min(rowTo, r0 + rowTile);
            for (int b0 = 0; b0 < batch; b0 += batchTile) {
                int b1 = Math.min(batch, b0 + batchTile);
                for (int r = r0; r < r1; r++) {
                    long off = r * rowBytes;
                    for (int b = b0; b < b1; b++) {
                        out[b * rows + r] = dot(type, data, off, cols, x, b * cols);
                    }
                }
            }
        }
    }

    /**
     * As {@link #matmulRows}, for the vectors of a prompt. Every result is the dot product of the row with the
     * vector accumulated in an order fixed per implementation and type, so it does not depend on the batch, the
     * vector's place in it or the row range; but it need not be bit-identical to {@link #dot}: an implementation may
     * use an order that is faster for many vectors and slower for one. Callers must not mix the two for vectors
     * that have to agree (the sessions of one decode batch).
     */
    default void matmulPromptRows(GgmlType type, MemorySegment data, long rowBytes, int cols, int rows,
                                  int rowFrom, int rowTo, float[] x, int batch, float[] out, long product) {
        matmulRows(type, data, rowBytes, cols, rows, rowFrom, rowTo, x, batch, out, product);
    }

    /** Rows per tile: about 64 KiB of weights (at least one row). */
    static int rowTile(long rowBytes) {
        return (int) Math.max(1, Math.min(256, (64 << 10) / rowBytes));
    }

    /** Input vectors per tile: about 128 KiB of floats, 1 to 16 vectors. */
    static int batchTile(int cols) {
        return Math.max(1, Math.min(16, (128 << 10) / (4 * cols)));
    }
}
