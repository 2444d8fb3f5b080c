package dev.llama3.tensor;

import dev.llama3.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A 2-D GGUF weight tensor viewed in place: {@code rows} rows of {@code cols} values, row-major, one row per
 * output (GGML {@code ne = [cols, rows]}). Nothing is copied; the data stays in the (memory-mapped) segment.
 *
 * <p>Instances are immutable and safe to use from many threads at once.
 */
public final class WeightMatrix {
    /** The GGML types this class can compute with. */
    public static final Set<GgmlType> SUPPORTED_TYPES = java.util.Collections.unmodifiableSet(EnumSet.of(
            GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0,
            GgmlType.Q5_1, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K,
            GgmlType.IQ4_NL, GgmlType.IQ4_XS));

    /** Below this many multiply-adds a matmul runs on the calling thread: handing off would cost more. */
    private static final long PARALLEL_THRESHOLD = 1 << 15;

    /** A thread that is not the owner of any confined segment: used to reject thread-confined data up front. */
    private static final Thread OTHER_THREAD = Thread.ofPlatform().unstarted(() -> { });

    /** Rows are handed to the pool's threads in groups of this many, the row count of the kernels' register tiles. */
    private static final int ROW_GROUP = 4;

    private static final ThreadLocal<MatmulTask> TASKS = ThreadLocal.withInitial(MatmulTask::new);
    /**
     * Numbers the products, so that the kernels know which row ranges belong to the same one (a thread given several
     * copies the vectors once for all of them, see VectorKernels).
     */
    private static final AtomicLong PRODUCTS = new AtomicLong();

    private final String name;
    private final GgmlType type;
    private final MemorySegment data;
    private final int rows;
    private final int cols;
    private final long rowBytes;
    private final DotKernels kernels;

    private WeightMatrix(String name, GgmlType type, MemorySegment data, int rows, int cols, long rowBytes,
                         DotKernels kernels) {
        this.name = name;
        this.type = type;
        this.data = data;
        this.rows = rows;
        this.cols = cols;
        this.rowBytes = rowBytes;
        this.kernels = kernels;
    }

    /**
     * A view of {@code data} as a {@code rows x cols} matrix of {@code type}.
     *
     * @throws UnsupportedTensorTypeException when the type is not in {@link #SUPPORTED_TYPES}
     * @throws IllegalArgumentException when the shape does not fit the type's blocks or the data size, or the data
     *     cannot be read from other threads (a segment of a confined arena)
     */
    public static WeightMatrix of(String name, GgmlType type, MemorySegment data, int rows, int cols) {
        return of(name, type, data, rows, cols, Kernels.active());
    }

    /** As {@link #of(String, GgmlType, MemorySegment, int, int)}, with explicit kernels (tests). */
    static WeightMatrix of(String name, GgmlType type, MemorySegment data, int rows, int cols, DotKernels kernels) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, () -> "type of tensor '" + name + "'");
        Objects.requireNonNull(data, () -> "data of tensor '" + name + "'");
        if (!SUPPORTED_TYPES.contains(type)) {
            throw new UnsupportedTensorTypeException(name, type);
        }
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + rows + " x " + cols
                    + " must have at least one row and one column");
        }
        if (cols % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "': row length " + cols
                    + " is not a multiple of the " + type + " block size " + type.blockSize());
        }
        long rowBytes = type.byteSize(cols);
        long expected = rowBytes * rows;
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException("tensor '" + name + "': " + type + " " + rows + " x " + cols
                    + " needs " + expected + " bytes (" + rowBytes + " per row) but the data has " + data.byteSize());
        }
        if (!data.isAccessibleBy(OTHER_THREAD)) {
            throw new IllegalArgumentException("tensor '" + name + "': the data segment is confined to one thread, but"
                    + " matmul reads it from the compute pool's threads (use a shared, global or automatic arena)");
        }
        if (!data.isNative() && !(data.heapBase().orElse(null) instanceof byte[])) {
            throw new IllegalArgumentException("tensor '" + name
                    + "': heap memory segments must be backed by a byte[] (use a mapped, native or byte[] segment)");
        }
        return new WeightMatrix(name, type, data, rows, cols, rowBytes, kernels);
    }

    public String name() {
        return name;
    }

    public GgmlType type() {
        return type;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Bytes per stored row. */
    public long rowBytes() {
        return rowBytes;
    }

    /** The underlying data. */
    public MemorySegment data() {
        return data;
    }

    /** Writes row {@code row}, dequantized exactly as ggml does, to {@code dst[dstOff .. dstOff+cols)}. */
    public void dequantizeRow(int row, float[] dst, int dstOff) {
        checkRow(row);
        Objects.checkFromIndexSize(dstOff, cols, dst.length);
        kernels.dequantize(type, data, row * rowBytes, cols, dst, dstOff);
    }

    /** The dot product of row {@code row} with {@code x[xOff .. xOff+cols)}, accumulated in float32 or better. */
    public float dotRow(int row, float[] x, int xOff) {
        checkRow(row);
        Objects.checkFromIndexSize(xOff, cols, x.length);
        return kernels.dot(type, data, row * rowBytes, cols, x, xOff);
    }

    /**
     * {@code out[b*rows + r] = dot(row r, x[b*cols .. b*cols+cols))} for {@code b} in {@code [0, batch)},
     * parallel over rows with {@code pool}. Each result equals {@link #dotRow} on the same row and vector, bit for
     * bit. {@code x} and {@code out} may be longer than needed and must not overlap.
     */
    public void matmul(ComputePool pool, float[] x, int batch, float[] out) {
        matmul(pool, x, batch, out, false);
    }

    /**
     * As {@link #matmul}, for the vectors of a prompt: each result depends only on the row and the vector (not on
     * the batch, the vector's place in it or the thread count), but may differ from {@link #dotRow} in the last
     * bits, because for some types a faster order of the same float32 arithmetic serves many vectors (Q8_0, Q4_0,
     * Q4_K and Q6_K with 512-bit vectors multiply weights unpacked to float32; see docs/performance.md). A sequence's
     * prompt tokens go through this method and its decoded tokens through {@link #matmul}, so a session decoding
     * alone and the same session batched with others still agree bit for bit.
     */
    public void matmulPrompt(ComputePool pool, float[] x, int batch, float[] out) {
        matmul(pool, x, batch, out, true);
    }

    private void matmul(ComputePool pool, float[] x, int batch, float[] out, boolean prompt) {
        Objects.requireNonNull(pool, "pool");
        if (batch < 0) {
            throw new IllegalArgumentException("batch " + batch + " < 0");
        }
        if ((long) batch * cols > x.length) {
            throw new IllegalArgumentException("tensor '" + name + "': x has " + x.length + " floats, batch "
                    + batch + " x " + cols + " needed");
        }
        if ((long) batch * rows > out.length) {
            throw new IllegalArgumentException("tensor '" + name + "': out has " + out.length + " floats, batch "
                    + batch + " x " + rows + " needed");
        }
        if (batch == 0) {
            return;
        }
        long product = PRODUCTS.incrementAndGet();
        if ((long) rows * cols * batch < PARALLEL_THRESHOLD || pool.threads() == 1) {
            if (prompt) {
                kernels.matmulPromptRows(type, data, rowBytes, cols, rows, 0, rows, x, batch, out, product);
            } else {
                kernels.matmulRows(type, data, rowBytes, cols, rows, 0, rows, x, batch, out, product);
            }
            return;
        }
        MatmulTask task = TASKS.get();
        if (task.matrix != null) {
            task = new MatmulTask(); // re-entered on this thread (a task calling matmul): do not clobber
        }
        task.matrix = this;
        task.prompt = prompt;
        task.x = x;
        task.batch = batch;
        task.out = out;
        task.product = product;
        try {
            pool.parallelFor((rows + ROW_GROUP - 1) / ROW_GROUP, task);
        } finally {
            task.matrix = null;
            task.x = null;
            task.out = null;
        }
    }

    private void checkRow(int row) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("tensor '" + name + "': row " + row + " outside [0, " + rows + ")");
        }
    }

    @Override
    public String toString() {
        return "WeightMatrix[" + name + ", " + type + ", " + rows + " x " + cols + "]";
    }

    /** A reusable (per calling thread) task, so that matmul does not allocate a lambda per call. */
    private static final class MatmulTask implements ComputePool.RangeTask {
        WeightMatrix matrix;
        boolean prompt;
        float[] x;
        int batch;
        float[] out;
        long product;

        @Override
        public void run(int from, int to) {
            WeightMatrix m = matrix;
            int rowFrom = from * ROW_GROUP;
            int rowTo = Math.min(m.rows, to * ROW_GROUP);
            if (prompt) {
                m.kernels.matmulPromptRows(m.type, m.data, m.rowBytes, m.cols, m.rows, rowFrom, rowTo, x, batch, out,
                        product);
            } else {
                m.kernels.matmulRows(m.type, m.data, m.rowBytes, m.cols, m.rows, rowFrom, rowTo, x, batch, out,
                        product);
            }
        }
    }
}
