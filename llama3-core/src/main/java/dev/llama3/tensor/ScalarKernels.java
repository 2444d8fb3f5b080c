package dev.llama3.tensor;

import dev.llama3.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Plain-Java kernels, used when the Vector API module is not available (or {@code -Dllama3.vector=false}).
 *
 * <p>A dot product dequantizes a chunk of the row (bit-exact, see {@link Dequantizer}) into a per-thread
 * scratch buffer and accumulates the products in double, so the result is the correctly rounded dot
 * product of the dequantized float32 row with {@code x} up to double rounding.
 */
final class ScalarKernels implements DotKernels {
    static final ScalarKernels INSTANCE = new ScalarKernels();

    /** Values dequantized per step: one K-quant super-block, eight 32-value blocks. */
    private static final int CHUNK = 256;

    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[CHUNK]);

    private ScalarKernels() {}

    @Override
    public String description() {
        return "scalar Java (no Vector API)";
    }

    @Override
    public boolean vectorized() {
        return false;
    }

    @Override
    public void dequantize(GgmlType type, MemorySegment data, long off, int n, float[] dst, int dstOff) {
        Dequantizer.dequantize(type, data, off, n, dst, dstOff);
    }

    @Override
    public float dot(GgmlType type, MemorySegment data, long off, int n, float[] x, int xOff) {
        return switch (type) {
            case F32 -> dotF32(data, off, n, x, xOff);
            default -> dotChunked(type, data, off, n, x, xOff);
        };
    }

    private static float dotF32(MemorySegment data, long off, int n, float[] x, int xOff) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += (double) data.get(Dequantizer.FLOAT_LE, off + 4L * i) * x[xOff + i];
        }
        return (float) sum;
    }

    private static float dotChunked(GgmlType type, MemorySegment data, long off, int n, float[] x, int xOff) {
        float[] w = SCRATCH.get();
        // CHUNK is a multiple of every block size, so chunks start on block boundaries.
        long chunkBytes = type.byteSize(CHUNK);
        double sum = 0;
        for (int i = 0; i < n; i += CHUNK, off += chunkBytes) {
            int len = Math.min(CHUNK, n - i);
            Dequantizer.dequantize(type, data, off, len, w, 0);
            for (int j = 0; j < len; j++) {
                sum += (double) w[j] * x[xOff + i + j];
            }
        }
        return (float) sum;
    }
}
