package dev.llama3.gguf;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a GGUF v3 file: metadata of every value type (nested arrays included) and tensors, laid
 * out as ggml does: the data section and every tensor start at a multiple of
 * {@code general.alignment} (32 when unset), gaps padded with zeros.
 *
 * <p>Putting a key that is already present replaces its value in place. Tensor data comes from a
 * byte array, a memory segment, or a {@link TensorData} callback that streams it, so large models
 * can be written without holding them on the heap. Invalid input (a value outside its type's
 * range, a wrong data size, a duplicate tensor name, ...) is refused with
 * {@link IllegalArgumentException} when it is added.
 */
public final class GgufWriter {

    /** Streams a tensor's bytes; must write exactly the tensor's byte size. */
    @FunctionalInterface
    public interface TensorData {
        void writeTo(OutputStream out) throws IOException;
    }

    private record PendingTensor(String name, GgmlType type, long[] shape, long byteSize, Object data) {}

    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final Map<String, PendingTensor> tensors = new LinkedHashMap<>();

    public GgufWriter put(String key, GgufValue value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        String problem = GgufValue.unencodable(key);
        if (problem != null) {
            throw new IllegalArgumentException("key: " + problem);
        }
        if (key.equals(GgufParser.ALIGNMENT_KEY)) {
            checkAlignment(value);
        }
        metadata.put(key, value);
        return this;
    }

    public GgufWriter putString(String key, String value) {
        return put(key, GgufValue.string(value));
    }

    public GgufWriter putBool(String key, boolean value) {
        return put(key, GgufValue.bool(value));
    }

    public GgufWriter putUInt8(String key, int value) {
        return put(key, GgufValue.uint8(value));
    }

    public GgufWriter putInt8(String key, int value) {
        return put(key, GgufValue.int8(value));
    }

    public GgufWriter putUInt16(String key, int value) {
        return put(key, GgufValue.uint16(value));
    }

    public GgufWriter putInt16(String key, int value) {
        return put(key, GgufValue.int16(value));
    }

    public GgufWriter putUInt32(String key, long value) {
        return put(key, GgufValue.uint32(value));
    }

    public GgufWriter putInt32(String key, int value) {
        return put(key, GgufValue.int32(value));
    }

    /** UINT64 from its raw 64 bits. */
    public GgufWriter putUInt64(String key, long value) {
        return put(key, GgufValue.uint64(value));
    }

    public GgufWriter putInt64(String key, long value) {
        return put(key, GgufValue.int64(value));
    }

    public GgufWriter putFloat32(String key, float value) {
        return put(key, GgufValue.float32(value));
    }

    public GgufWriter putFloat64(String key, double value) {
        return put(key, GgufValue.float64(value));
    }

    /** An array: elements boxed as {@link GgufValue} documents, {@link GgufArray}s when nested. */
    public GgufWriter putArray(String key, GgufValueType elementType, List<?> elements) {
        return put(key, GgufValue.array(elementType, elements));
    }

    public GgufWriter putStringArray(String key, List<String> values) {
        return putArray(key, GgufValueType.STRING, values);
    }

    public GgufWriter putInt32Array(String key, int[] values) {
        long[] v = new long[values.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = values[i];
        }
        return put(key, new GgufValue(GgufValueType.ARRAY,
                new GgufArray(GgufValueType.INT32, new PackedList.Longs(GgufValueType.INT32, v))));
    }

    public GgufWriter putFloat32Array(String key, float[] values) {
        return put(key, new GgufValue(GgufValueType.ARRAY,
                new GgufArray(GgufValueType.FLOAT32, new PackedList.Floats(GgufValueType.FLOAT32, values.clone()))));
    }

    /** Copies every metadata entry of {@code file}, in its order. */
    public GgufWriter putAll(GgufFile file) {
        file.metadata().forEach(this::put);
        return this;
    }

    /** Removes {@code key}; absent keys are ignored. */
    public GgufWriter remove(String key) {
        metadata.remove(key);
        return this;
    }

    /** Sets {@code general.alignment} (a power of two). */
    public GgufWriter alignment(int alignment) {
        return putUInt32(GgufParser.ALIGNMENT_KEY, Integer.toUnsignedLong(alignment));
    }

    public GgufWriter addTensor(String name, GgmlType type, long[] shape, byte[] data) {
        long size = checkTensor(name, type, shape);
        if (data.length != size) {
            throw new IllegalArgumentException("tensor '" + name + "' needs " + size + " bytes of " + type
                    + " data for shape " + Arrays.toString(shape) + " but got " + data.length);
        }
        return add(new PendingTensor(name, type, shape.clone(), size, data.clone()));
    }

    /** The segment is read when {@link #write} runs, so it must stay valid until then. */
    public GgufWriter addTensor(String name, GgmlType type, long[] shape, MemorySegment data) {
        long size = checkTensor(name, type, shape);
        if (data.byteSize() != size) {
            throw new IllegalArgumentException("tensor '" + name + "' needs " + size + " bytes of " + type
                    + " data for shape " + Arrays.toString(shape) + " but got " + data.byteSize());
        }
        return add(new PendingTensor(name, type, shape.clone(), size, data));
    }

    /** The callback runs during {@link #write} and must write exactly the tensor's byte size. */
    public GgufWriter addTensor(String name, GgmlType type, long[] shape, TensorData data) {
        Objects.requireNonNull(data, "data");
        long size = checkTensor(name, type, shape);
        return add(new PendingTensor(name, type, shape.clone(), size, data));
    }

    private GgufWriter add(PendingTensor t) {
        tensors.put(t.name(), t);
        return this;
    }

    private long checkTensor(String name, GgmlType type, long[] shape) {
        Objects.requireNonNull(name, "name");
        String problem = GgufValue.unencodable(name);
        if (problem != null) {
            throw new IllegalArgumentException("tensor name: " + problem);
        }
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(shape, "shape");
        if (tensors.containsKey(name)) {
            throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
        }
        if (shape.length < 1 || shape.length > GgufParser.MAX_DIMS) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + shape.length
                    + " dimensions; GGUF tensors have 1 to " + GgufParser.MAX_DIMS);
        }
        long elements = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "' has negative dimension in "
                        + Arrays.toString(shape));
            }
            try {
                elements = Math.multiplyExact(elements, d);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("tensor '" + name + "' shape " + Arrays.toString(shape)
                        + " overflows a 64-bit element count");
            }
        }
        if (shape[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "' row length " + shape[0]
                    + " is not a multiple of the " + type + " block size " + type.blockSize());
        }
        try {
            long rowBytes = type.byteSize(shape[0]);
            if (rowBytes < 0) {
                throw new ArithmeticException("row size overflows");
            }
            return Math.multiplyExact(shape[0] == 0 ? 0 : elements / shape[0], rowBytes);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("tensor '" + name + "' shape " + Arrays.toString(shape)
                    + " overflows a 64-bit byte size");
        }
    }

    private static void checkAlignment(GgufValue value) {
        if (value.type() != GgufValueType.UINT32) {
            throw new IllegalArgumentException(GgufParser.ALIGNMENT_KEY + " must be UINT32, not " + value.type());
        }
        long a = (Long) value.value();
        if (a == 0 || Long.bitCount(a) != 1) {
            throw new IllegalArgumentException(GgufParser.ALIGNMENT_KEY + " must be a nonzero power of two, not " + a);
        }
    }

    /**
     * Writes the file (replacing an existing one). On failure the partial file is deleted.
     *
     * @throws IOException when writing fails or a {@link TensorData} callback writes the wrong
     *                     number of bytes
     */
    public void write(Path path) throws IOException {
        long alignment = metadata.containsKey(GgufParser.ALIGNMENT_KEY)
                ? (Long) metadata.get(GgufParser.ALIGNMENT_KEY).value()
                : GgufParser.DEFAULT_ALIGNMENT;
        boolean done = false;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ChannelSink out = new ChannelSink(channel);
            out.u32(GgufParser.MAGIC);
            out.u32(3);
            out.u64(tensors.size());
            out.u64(metadata.size());
            for (Map.Entry<String, GgufValue> e : metadata.entrySet()) {
                string(out, e.getKey());
                out.u32(e.getValue().type().id());
                value(out, e.getValue().type(), e.getValue().value());
            }
            List<Long> offsets = new ArrayList<>(tensors.size());
            long relative = 0;
            for (PendingTensor t : tensors.values()) {
                offsets.add(relative);
                relative = GgufParser.alignUp(relative + t.byteSize(), alignment);
            }
            int i = 0;
            for (PendingTensor t : tensors.values()) {
                string(out, t.name());
                out.u32(t.shape().length);
                for (long d : t.shape()) {
                    out.u64(d);
                }
                out.u32(t.type().id());
                out.u64(offsets.get(i++));
            }
            pad(out, alignment);
            for (PendingTensor t : tensors.values()) {
                data(out, t);
                pad(out, alignment);
            }
            out.flush();
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static void pad(ChannelSink out, long alignment) throws IOException {
        out.zeros(GgufParser.alignUp(out.position(), alignment) - out.position());
    }

    private static void data(ChannelSink sink, PendingTensor t) throws IOException {
        switch (t.data()) {
            case byte[] bytes -> sink.bytes(bytes, 0, bytes.length);
            case MemorySegment segment -> sink.segment(segment);
            case TensorData stream -> {
                long start = sink.position();
                OutputStream limited = new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        check(1);
                        sink.u8(b);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        Objects.checkFromIndexSize(off, len, b.length);
                        check(len);
                        sink.bytes(b, off, len);
                    }

                    private void check(int n) throws IOException {
                        if (sink.position() - start + n > t.byteSize()) {
                            throw new IOException("tensor '" + t.name() + "' writer wrote more than its "
                                    + t.byteSize() + " bytes");
                        }
                    }
                };
                stream.writeTo(limited);
                long wrote = sink.position() - start;
                if (wrote != t.byteSize()) {
                    throw new IOException("tensor '" + t.name() + "' writer wrote " + wrote + " bytes, expected "
                            + t.byteSize());
                }
            }
            default -> throw new IllegalStateException("unexpected tensor data " + t.data().getClass());
        }
    }

    private static void value(ChannelSink out, GgufValueType type, Object value) throws IOException {
        switch (type) {
            case UINT8, INT8, BOOL -> out.u8(type == GgufValueType.BOOL ? ((Boolean) value ? 1 : 0)
                    : (int) (long) (Long) value);
            case UINT16, INT16 -> out.u16((int) (long) (Long) value);
            case UINT32, INT32 -> out.u32((int) (long) (Long) value);
            case UINT64, INT64 -> out.u64((Long) value);
            case FLOAT32 -> out.f32((Float) value);
            case FLOAT64 -> out.f64((Double) value);
            case STRING -> string(out, (String) value);
            case ARRAY -> {
                GgufArray array = (GgufArray) value;
                out.u32(array.elementType().id());
                out.u64(array.size());
                for (Object element : array.elements()) {
                    value(out, array.elementType(), element);
                }
            }
        }
    }

    private static void string(ChannelSink out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.u64(bytes.length);
        out.bytes(bytes, 0, bytes.length);
    }
}
