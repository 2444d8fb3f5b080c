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
    static final Set<GgmlType> SUPPORTED = EnumSet.of(GgmlType.F32, GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0);

    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    final String name;
    final GgmlType type;
    final int rows;
    final int cols;
    /** Q8_0 quants, Q4_0 nibbles; null otherwise. */
    final ByteArray quants;
    /** Q8_0/Q4_0 scales, or F32 weights. */
    final FloatArray floats;
    /** F16 weights. */
    final ShortArray halves;

    private DeviceMatrix(String name, GgmlType type, int rows, int cols, ByteArray quants, FloatArray floats,
            ShortArray halves) {
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
            default -> throw new IllegalArgumentException(m.name() + ": no device kernel for " + m.type());
        }
    }

    /** The arrays to upload. */
    Object[] arrays() {
        return switch (type) {
            case F32 -> new Object[] {floats};
            case F16 -> new Object[] {halves};
            default -> new Object[] {quants, floats};
        };
    }
}
