package dev.llama3.tornadovm;

import dev.llama3.gguf.GgmlType;
import dev.llama3.tensor.WeightMatrix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.Set;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/**
 * A weight matrix in the form the device kernels read, still quantized: F32 and F16 as they are, Q8_0 and Q4_0
 * split into their quants (int8, or packed nibbles) and float32 scales — the block's binary16 scale is decoded once
 * here because kernels can neither use {@code half} on every OpenCL device nor reinterpret bits as a float.
 */
final class DeviceMatrix {
    /** The formats the kernels run. */
    static final Set<GgmlType> SUPPORTED = EnumSet.of(GgmlType.F32, GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0,
            GgmlType.Q4_K, GgmlType.Q6_K);
    /** K-quant super-block: 256 values. */
    static final int QK_K = 256;

    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    final String name;
    final GgmlType type;
    final int rows;
    final int cols;
    /** Q8_0 and Q6_K int8 quants, Q4_0 and Q4_K nibbles (two values of one 32-block per byte); null otherwise. */
    final ByteArray quants;
    /** Q8_0/Q4_0/Q4_K scales per 32 values, Q6_K scales per 16 values, or F32 weights. */
    final FloatArray floats;
    /** Q4_K minimums per 32 values; null otherwise. */
    final FloatArray mins;
    /** F16 weights. */
    final ShortArray halves;

    private DeviceMatrix(String name, GgmlType type, int rows, int cols, ByteArray quants, FloatArray floats,
            ShortArray halves) {
        this(name, type, rows, cols, quants, floats, halves, null);
    }

    private DeviceMatrix(String name, GgmlType type, int rows, int cols, ByteArray quants, FloatArray floats,
            ShortArray halves, FloatArray mins) {
        this.mins = mins;
        this.name = name;
        this.type = type;
        this.rows = rows;
        this.cols = cols;
        this.quants = quants;
        this.floats = floats;
        this.halves = halves;
    }

    /** Bytes the device holds for a matrix of this type and shape. */
    static long deviceBytes(GgmlType type, long rows, long cols) {
        long n = rows * cols;
        return switch (type) {
            case F32 -> 4 * n;
            case F16 -> 2 * n;
            case Q8_0 -> n + 4 * (n / DeviceKernels.QK);
            case Q4_0 -> n / 2 + 4 * (n / DeviceKernels.QK);
            case Q4_K -> n / 2 + 8 * (n / DeviceKernels.QK);
            case Q6_K -> n + 4 * (n / 16);
            default -> throw new IllegalArgumentException("no device kernel for " + type);
        };
    }

    /** Repacks {@code m} (its rows are in {@code m.data()}, GGML layout) into host-side Tornado arrays. */
    static DeviceMatrix of(WeightMatrix m) {
        MemorySegment data = m.data();
        int rows = m.rows();
        int cols = m.cols();
        long n = (long) rows * cols;
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(m.name() + " has " + n + " elements, more than one device array holds");
        }
        switch (m.type()) {
            case F32 -> {
                FloatArray f = new FloatArray((int) n);
                for (int i = 0; i < n; i++) {
                    f.set(i, data.get(FLOAT_LE, 4L * i));
                }
                return new DeviceMatrix(m.name(), m.type(), rows, cols, null, f, null);
            }
            case F16 -> {
                ShortArray h = new ShortArray((int) n);
                for (int i = 0; i < n; i++) {
                    h.set(i, data.get(SHORT_LE, 2L * i));
                }
                return new DeviceMatrix(m.name(), m.type(), rows, cols, null, null, h);
            }
            case Q8_0 -> {
                int blocks = (int) (n / DeviceKernels.QK);
                ByteArray q = new ByteArray((int) n);
                FloatArray d = new FloatArray(blocks);
                for (int b = 0; b < blocks; b++) {
                    long at = 34L * b;
                    d.set(b, Float.float16ToFloat(data.get(SHORT_LE, at)));
                    for (int j = 0; j < DeviceKernels.QK; j++) {
                        q.set(b * DeviceKernels.QK + j, data.get(ValueLayout.JAVA_BYTE, at + 2 + j));
                    }
                }
                return new DeviceMatrix(m.name(), m.type(), rows, cols, q, d, null);
            }
            case Q4_0 -> {
                int blocks = (int) (n / DeviceKernels.QK);
                ByteArray q = new ByteArray((int) (n / 2));
                FloatArray d = new FloatArray(blocks);
                for (int b = 0; b < blocks; b++) {
                    long at = 18L * b;
                    d.set(b, Float.float16ToFloat(data.get(SHORT_LE, at)));
                    for (int j = 0; j < DeviceKernels.QK / 2; j++) {
                        q.set(b * DeviceKernels.QK / 2 + j, data.get(ValueLayout.JAVA_BYTE, at + 2 + j));
                    }
                }
                return new DeviceMatrix(m.name(), m.type(), rows, cols, q, d, null);
            }
            case Q4_K -> {
                return q4k(m, data, rows, cols, (int) n);
            }
            case Q6_K -> {
                return q6k(m, data, rows, cols, (int) n);
            }
            default -> throw new IllegalArgumentException(m.name() + ": no device kernel for " + m.type());
        }
    }

    /**
     * Q4_K (super-blocks of 256: f16 d and dmin, 12 bytes of 6-bit scales and minimums for 8 sub-blocks of 32, 128 bytes
     * of nibbles) as nibbles per 32-block (byte j = value j | value j + 16 << 4, as Q4_0) with each sub-block's float
     * scale {@code d * sc} and minimum {@code dmin * m}: value = scale * q - min, q in 0..15, exactly as GGML decodes.
     */
    private static DeviceMatrix q4k(WeightMatrix m, MemorySegment data, int rows, int cols, int n) {
        int superBlocks = n / QK_K;
        ByteArray q = new ByteArray(n / 2);
        FloatArray scales = new FloatArray(n / DeviceKernels.QK);
        FloatArray mins = new FloatArray(n / DeviceKernels.QK);
        int[] values = new int[DeviceKernels.QK];
        for (int sb = 0; sb < superBlocks; sb++) {
            long at = 144L * sb;
            float d = Float.float16ToFloat(data.get(SHORT_LE, at));
            float dmin = Float.float16ToFloat(data.get(SHORT_LE, at + 2));
            int[] sc = new int[12];
            for (int i = 0; i < 12; i++) {
                sc[i] = data.get(ValueLayout.JAVA_BYTE, at + 4 + i) & 0xFF;
            }
            for (int j = 0; j < 8; j++) {
                int scale;
                int min;
                if (j < 4) {
                    scale = sc[j] & 63;
                    min = sc[j + 4] & 63;
                } else {
                    scale = (sc[j + 4] & 0x0F) | ((sc[j - 4] >> 6) << 4);
                    min = (sc[j + 4] >> 4) | ((sc[j] >> 6) << 4);
                }
                int block = sb * 8 + j;
                scales.set(block, d * scale);
                mins.set(block, dmin * min);
                // group j / 2 of 64 values: its 32 bytes hold sub-block j in the low nibbles (even j) or high ones
                long qs = at + 16 + 32L * (j / 2);
                for (int l = 0; l < DeviceKernels.QK; l++) {
                    int b = data.get(ValueLayout.JAVA_BYTE, qs + l) & 0xFF;
                    values[l] = (j % 2 == 0) ? (b & 0x0F) : (b >> 4);
                }
                for (int l = 0; l < DeviceKernels.QK / 2; l++) {
                    q.set(block * (DeviceKernels.QK / 2) + l, (byte) (values[l] | (values[l + 16] << 4)));
                }
            }
        }
        return new DeviceMatrix(m.name(), m.type(), rows, cols, q, scales, null, mins);
    }

    /**
     * Q6_K (super-blocks of 256: 128 bytes of low 4 bits, 64 of high 2 bits, 16 int8 scales, f16 d) as one int8 per
     * value ({@code q - 32}, in -32..31) with a float scale {@code d * sc} per 16 values, exactly as GGML decodes.
     */
    private static DeviceMatrix q6k(WeightMatrix m, MemorySegment data, int rows, int cols, int n) {
        int superBlocks = n / QK_K;
        ByteArray q = new ByteArray(n);
        FloatArray scales = new FloatArray(n / 16);
        for (int sb = 0; sb < superBlocks; sb++) {
            long at = 210L * sb;
            float d = Float.float16ToFloat(data.get(SHORT_LE, at + 208));
            for (int i = 0; i < 16; i++) {
                scales.set(sb * 16 + i, d * data.get(ValueLayout.JAVA_BYTE, at + 192 + i));
            }
            int out = sb * QK_K;
            for (int half = 0; half < 2; half++) {
                long ql = at + 64L * half;
                long qh = at + 128 + 32L * half;
                int y = out + 128 * half;
                for (int l = 0; l < 32; l++) {
                    int lo0 = data.get(ValueLayout.JAVA_BYTE, ql + l) & 0xFF;
                    int lo1 = data.get(ValueLayout.JAVA_BYTE, ql + l + 32) & 0xFF;
                    int hi = data.get(ValueLayout.JAVA_BYTE, qh + l) & 0xFF;
                    q.set(y + l, (byte) (((lo0 & 0x0F) | ((hi & 3) << 4)) - 32));
                    q.set(y + l + 32, (byte) (((lo1 & 0x0F) | (((hi >> 2) & 3) << 4)) - 32));
                    q.set(y + l + 64, (byte) (((lo0 >> 4) | (((hi >> 4) & 3) << 4)) - 32));
                    q.set(y + l + 96, (byte) (((lo1 >> 4) | (((hi >> 6) & 3) << 4)) - 32));
                }
            }
        }
        return new DeviceMatrix(m.name(), m.type(), rows, cols, q, scales, null);
    }

    /** The arrays to upload. */
    Object[] arrays() {
        return switch (type) {
            case F32 -> new Object[] {floats};
            case F16 -> new Object[] {halves};
            case Q4_K -> new Object[] {quants, floats, mins};
            default -> new Object[] {quants, floats};
        };
    }
}
