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
     * bit-identical to {@link #dot} on the same row and vector.
     */
    default void matmulRows(GgmlType type, MemorySegment data, long rowBytes, int cols, int rows,
                            int rowFrom, int rowTo, float[] x, int batch, float[] out) {
        for (int r = rowFrom; r < rowTo; r++) {
            long off = r * rowBytes;
            for (int b = 0; b < batch; b++) {
                out[b * rows + r] = dot(type, data, off, cols, x, b * cols);
            }
        }
    }
}
