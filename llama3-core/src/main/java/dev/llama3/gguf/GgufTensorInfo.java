package dev.llama3.gguf;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor of a GGUF file.
 *
 * @param name     the tensor's name, unique within its file
 * @param shape    dimensions in GGML order: {@code shape[0]} ({@code ne0}) is the contiguous row
 *                 length; 1 to 4 dimensions
 * @param type     the element type
 * @param offset   absolute byte offset of the tensor's data in the file
 * @param byteSize bytes of data
 */
public record GgufTensorInfo(String name, long[] shape, GgmlType type, long offset, long byteSize) {

    public GgufTensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        shape = shape.clone();
        if (shape.length == 0) {
            throw new IllegalArgumentException("tensor " + name + " has no dimensions");
        }
    }

    /** A copy of the dimensions (GGML order). */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Dimension {@code i} (GGML order), 1 for {@code i >= rank()} as in ggml. */
    public long dim(int i) {
        return i < shape.length ? shape[i] : 1;
    }

    /** Total number of elements. Overflow is refused when files are read, so this cannot wrap. */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Elements per row: {@code shape[0]}. */
    public long rowLength() {
        return shape[0];
    }

    /** Number of rows: the product of {@code shape[1..]} (1 for a vector). */
    public long rowCount() {
        long n = 1;
        for (int i = 1; i < shape.length; i++) {
            n *= shape[i];
        }
        return n;
    }

    /** Bytes of one row: {@code rowLength / blockSize * blockBytes}. */
    public long rowBytes() {
        return type.byteSize(shape[0]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t
                && name.equals(t.name)
                && Arrays.equals(shape, t.shape)
                && type == t.type
                && offset == t.offset
                && byteSize == t.byteSize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(shape), type, offset, byteSize);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(shape) + " @" + offset + " (" + byteSize + " bytes)";
    }
}
