package dev.llama3.model;

import dev.llama3.tensor.Kernels;
import java.lang.foreign.MemorySegment;

/**
 * The inner loops of attention over cached keys and values, in two implementations: Vector API
 * ({@code VectorAttentionKernels}) and scalar ({@link ScalarAttentionKernels}). Rows are {@code n} consecutive
 * values; a block of {@code count} rows is {@code count * n} consecutive values. Segment offsets are in bytes and
 * address little-endian float32 values. Arguments are trusted: {@link Attention} computes them from the cache's
 * own layout.
 *
 * <p>The Vector API implementation is only loaded (reflectively) when {@link Kernels#vectorized()} says the
 * tensor kernels use it, so a JVM without {@code --add-modules jdk.incubator.vector} (or with
 * {@code -Dllama3.vector=false}) never touches a Vector API class.
 */
interface AttentionKernels {
    /** {@code scores[sOff + r] = dot(q[qOff .. qOff+n), row r) * scale} for each of {@code count} rows. */
    void dotRows(float[] q, int qOff, float[] rows, int rowsOff, int n, int count, float scale, float[] scores, int sOff);

    /** As {@link #dotRows(float[], int, float[], int, int, int, float, float[], int)} with float32 rows in a segment. */
    void dotRows(float[] q, int qOff, MemorySegment rows, long rowsOff, int n, int count, float scale,
            float[] scores, int sOff);

    /** {@code out[outOff .. outOff+n) += p[pOff + r] * row r}, rows added in order {@code r = 0 .. count-1}. */
    void accumulateRows(float[] p, int pOff, float[] rows, int rowsOff, int n, int count, float[] out, int outOff);

    /** As {@link #accumulateRows(float[], int, float[], int, int, int, float[], int)} with float32 rows in a segment. */
    void accumulateRows(float[] p, int pOff, MemorySegment rows, long rowsOff, int n, int count, float[] out, int outOff);

    /**
     * Replaces {@code x[off .. off+n)} by its softmax: {@code e_t = exp(x_t - max)} in float, summed in double (as
     * ggml), then {@code e_t * (float) (1 / sum)}. Implementations may differ in the last bits of {@code exp}.
     */
    void softmax(float[] x, int off, int n);

    /**
     * {@code gate[i] = silu(gate[i]) * up[i]} for {@code i < n}, {@code silu(g) = g / (1 + exp(-g))} (the feed-forward
     * gate). Every element goes through the same operations wherever it lies, so a batch entry's result does not
     * depend on its place in the batch. Implementations may differ in the last bits of {@code exp}.
     */
    void swiglu(float[] gate, float[] up, int n);

    /** Widens {@code n} little-endian binary16 values at byte {@code off} to {@code dst[dstOff ..)}, exactly. */
    void halfToFloat(MemorySegment src, long off, int n, float[] dst, int dstOff);

    /** Whether this implementation uses the Vector API. */
    boolean vectorized();

    /** The implementation matching the tensor kernels: Vector API when they use it, scalar otherwise. */
    static AttentionKernels active() {
        return Holder.ACTIVE;
    }

    /** The scalar implementation (tests compare it with {@link #active()}). */
    static AttentionKernels scalar() {
        return ScalarAttentionKernels.INSTANCE;
    }

    final class Holder {
        private static final String VECTOR_CLASS = "dev.llama3.model.VectorAttentionKernels";
        static final AttentionKernels ACTIVE = select();

        private Holder() {}

        private static AttentionKernels select() {
            if (!Kernels.vectorized()) {
                return ScalarAttentionKernels.INSTANCE;
            }
            try {
                return (AttentionKernels) Class.forName(VECTOR_CLASS).getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                // the tensor kernels loaded the Vector API, so this is unexpected; stay correct, if slow
                org.slf4j.LoggerFactory.getLogger(AttentionKernels.class)
                        .warn("Attention kernels: Vector API unusable ({}); using scalar code", e.toString());
                return ScalarAttentionKernels.INSTANCE;
            }
        }
    }
}
