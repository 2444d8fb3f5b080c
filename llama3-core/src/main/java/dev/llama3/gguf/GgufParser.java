package dev.llama3.gguf;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the header, metadata and tensor infos of a GGUF v2/v3 file from its mapped bytes and
 * validates the tensor layout against the file size. Tensor data is not read.
 */
final class GgufParser {
    /** "GGUF" read as a little-endian u32. */
    static final int MAGIC = 0x46554747;
    static final int MAX_DIMS = 4;
    static final long DEFAULT_ALIGNMENT = 32;
    static final String ALIGNMENT_KEY = "general.alignment";
    /** Nested arrays deeper than this are refused instead of risking a stack overflow. */
    static final int MAX_ARRAY_DEPTH = 32;
    /** Smallest tensor info: empty name (8), n_dims (4), one dimension (8), type (4), offset (8). */
    private static final int MIN_TENSOR_INFO_BYTES = 32;
    /** Smallest metadata entry: empty key (8), value type (4), a one-byte value. */
    private static final int MIN_KV_BYTES = 13;

    /** What a parse yields; tensor offsets are absolute. */
    record Result(int version, long alignment, long dataOffset, Map<String, GgufValue> metadata,
                  List<GgufTensorInfo> tensors) {}

    private final GgufCursor in;
    /** Where the value of {@code general.alignment} starts, for error messages. */
    private long alignmentValueAt;

    private GgufParser(Path file, MemorySegment bytes) {
        this.in = new GgufCursor(file, bytes);
    }

    static Result parse(Path file, MemorySegment bytes) throws GgufFormatException {
        return new GgufParser(file, bytes).parse();
    }

    private Result parse() throws GgufFormatException {
        int version = header();
        // The counts are only sanity-checked here; the loops below stop at the first item the
        // file is too short for, naming it, and never preallocate more than the file could hold.
        int tensorCount = in.headerCount("tensor count");
        int kvCount = in.headerCount("metadata entry count");
        Map<String, GgufValue> metadata = metadata(kvCount);
        long alignment = alignment(metadata);
        List<RawTensor> raw = tensorInfos(tensorCount);
        long dataOffset = alignUp(in.position(), alignment);
        List<GgufTensorInfo> tensors = placeTensors(raw, alignment, dataOffset);
        return new Result(version, alignment, dataOffset, Collections.unmodifiableMap(metadata), List.copyOf(tensors));
    }

    private int header() throws GgufFormatException {
        if (in.size() < 4) {
            throw in.error("file is truncated: " + in.size() + " bytes is too short for the GGUF magic");
        }
        int magic = in.i32("magic");
        if (magic != MAGIC) {
            throw in.error("not a GGUF file: magic is " + describeMagic(magic) + ", expected \"GGUF\"", 0);
        }
        int version = in.i32("version");
        if (version == 2 || version == 3) {
            return version;
        }
        int swapped = Integer.reverseBytes(version);
        if (swapped >= 1 && swapped <= 3) {
            throw in.error("big-endian GGUF files are not supported (version reads as " + swapped
                    + " byte-swapped)", 4);
        }
        if (version == 1) {
            throw in.error("GGUF version 1 is not supported (only versions 2 and 3); "
                    + "convert the file with a current llama.cpp", 4);
        }
        throw in.error("unsupported GGUF version " + Integer.toUnsignedString(version)
                + " (only versions 2 and 3 are supported)", 4);
    }

    private static String describeMagic(int magic) {
        StringBuilder sb = new StringBuilder("0x").append(String.format("%08x", Integer.reverseBytes(magic)));
        return sb.toString();
    }

    private Map<String, GgufValue> metadata(int kvCount) throws GgufFormatException {
        Map<String, GgufValue> metadata = new LinkedHashMap<>(capacity(kvCount, MIN_KV_BYTES));
        for (int i = 0; i < kvCount; i++) {
            long keyAt = in.position();
            String key = in.string("key of metadata entry " + i);
            if (metadata.containsKey(key)) {
                throw in.error("duplicate metadata key '" + key + "'", keyAt);
            }
            long typeAt = in.position();
            long typeId = in.u32("value type of key '" + key + "'");
            GgufValueType type = GgufValueType.byId(typeId);
            if (type == null) {
                throw in.error("unknown value type id " + typeId + " for key '" + key + "'", typeAt);
            }
            if (key.equals(ALIGNMENT_KEY)) {
                alignmentValueAt = in.position();
            }
            metadata.put(key, new GgufValue(type, value(type, "key '" + key + "'", 0)));
        }
        return metadata;
    }

    /** One value of {@code type}, boxed as {@link GgufValue} documents. */
    private Object value(GgufValueType type, String where, int depth) throws GgufFormatException {
        String what = "value of " + where;
        return switch (type) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> integer(type, what);
            case FLOAT32 -> in.f32(what);
            case FLOAT64 -> in.f64(what);
            case BOOL -> in.u8(what) != 0;
            case STRING -> in.string(what);
            case ARRAY -> array(where, depth);
        };
    }

    private GgufArray array(String where, int depth) throws GgufFormatException {
        long typeAt = in.position();
        if (depth >= MAX_ARRAY_DEPTH) {
            throw in.error("arrays nested deeper than " + MAX_ARRAY_DEPTH + " levels in " + where, typeAt);
        }
        long typeId = in.u32("array element type of " + where);
        GgufValueType type = GgufValueType.byId(typeId);
        if (type == null) {
            throw in.error("unknown array element type id " + typeId + " in " + where, typeAt);
        }
        int n = in.count("array element count of " + where, type.minBytes());
        long start = in.position();
        String container = "array " + where;
        return new GgufArray(type, switch (type) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = integer(type, new GgufCursor.Element(container, start, i));
                }
                yield new PackedList.Longs(type, v);
            }
            case FLOAT32 -> {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = in.f32(new GgufCursor.Element(container, start, i));
                }
                yield new PackedList.Floats(type, v);
            }
            case FLOAT64 -> {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = in.f64(new GgufCursor.Element(container, start, i));
                }
                yield new PackedList.Doubles(type, v);
            }
            case BOOL -> {
                boolean[] v = new boolean[n];
                for (int i = 0; i < n; i++) {
                    v[i] = in.u8(new GgufCursor.Element(container, start, i)) != 0;
                }
                yield new PackedList.Bools(type, v);
            }
            case STRING -> {
                Object[] v = new Object[n];
                for (int i = 0; i < n; i++) {
                    v[i] = in.string(new GgufCursor.Element(container, start, i));
                }
                yield new PackedList.Objects(type, v);
            }
            case ARRAY -> {
                Object[] v = new Object[n];
                for (int i = 0; i < n; i++) {
                    v[i] = array("element " + i + " of " + where, depth + 1);
                }
                yield new PackedList.Objects(type, v);
            }
        });
    }

    private long integer(GgufValueType type, Object what) throws GgufFormatException {
        return switch (type) {
            case UINT8 -> in.u8(what);
            case INT8 -> in.i8(what);
            case UINT16 -> in.u16(what);
            case INT16 -> in.i16(what);
            case UINT32 -> in.u32(what);
            case INT32 -> in.i32(what);
            case UINT64, INT64 -> in.i64(what);
            default -> throw new IllegalArgumentException(type + " is not an integer type");
        };
    }

    private long alignment(Map<String, GgufValue> metadata) throws GgufFormatException {
        GgufValue v = metadata.get(ALIGNMENT_KEY);
        if (v == null) {
            return DEFAULT_ALIGNMENT;
        }
        if (v.type() != GgufValueType.UINT32) {
            throw in.error("metadata key '" + ALIGNMENT_KEY + "' must be UINT32 but is " + v.type(), alignmentValueAt);
        }
        long a = (Long) v.value();
        if (a == 0 || Long.bitCount(a) != 1) {
            throw in.error("metadata key '" + ALIGNMENT_KEY + "' is " + a + ", not a nonzero power of two", alignmentValueAt);
        }
        return a;
    }

    /** A tensor info as stored: offset relative to the data section. */
    private record RawTensor(String name, long[] shape, GgmlType type, long relativeOffset, long byteSize,
                             long infoOffset) {}

    private List<RawTensor> tensorInfos(int tensorCount) throws GgufFormatException {
        List<RawTensor> tensors = new ArrayList<>(capacity(tensorCount, MIN_TENSOR_INFO_BYTES));
        Map<String, Long> seen = new HashMap<>(capacity(tensorCount, MIN_TENSOR_INFO_BYTES));
        for (int i = 0; i < tensorCount; i++) {
            long infoAt = in.position();
            String name = in.string("name of tensor info " + i);
            Long previous = seen.putIfAbsent(name, infoAt);
            if (previous != null) {
                throw in.error("duplicate tensor name '" + name + "' (first defined at byte offset " + previous + ")",
                        infoAt);
            }
            String where = "tensor '" + name + "'";
            long dimsAt = in.position();
            long nDims = in.u32("dimension count of " + where);
            if (nDims < 1 || nDims > MAX_DIMS) {
                throw in.error(where + " has " + nDims + " dimensions; GGUF tensors have 1 to " + MAX_DIMS, dimsAt);
            }
            long[] shape = new long[(int) nDims];
            for (int d = 0; d < shape.length; d++) {
                long at = in.position();
                shape[d] = in.i64("dimension " + d + " of " + where);
                if (shape[d] < 0) {
                    throw in.error(where + " dimension " + d + " is " + Long.toUnsignedString(shape[d])
                            + ", too large", at);
                }
            }
            long typeAt = in.position();
            long typeId = in.u32("ggml type of " + where);
            GgmlType type = GgmlType.byId(typeId);
            if (type == null) {
                throw in.error(where + " has ggml type id " + typeId + GgmlType.describeUnsupported(typeId)
                        + ", which this engine does not support", typeAt);
            }
            long relativeOffset = in.i64("data offset of " + where);
            long byteSize = byteSize(where, shape, type, dimsAt);
            tensors.add(new RawTensor(name, shape, type, relativeOffset, byteSize, infoAt));
        }
        return tensors;
    }

    private long byteSize(String where, long[] shape, GgmlType type, long at) throws GgufFormatException {
        if (shape[0] % type.blockSize() != 0) {
            throw in.error(where + " row length " + shape[0] + " is not a multiple of the " + type
                    + " block size " + type.blockSize(), at);
        }
        try {
            long elements = 1;
            for (long d : shape) {
                elements = Math.multiplyExact(elements, d);
            }
            long rows = shape[0] == 0 ? 0 : elements / shape[0];
            long rowBytes = type.byteSize(shape[0]);
            if (rowBytes < 0) {
                throw new ArithmeticException("row size overflows");
            }
            return Math.multiplyExact(rows, rowBytes);
        } catch (ArithmeticException e) {
            throw in.error(where + " shape " + java.util.Arrays.toString(shape) + " of type " + type
                    + " overflows 64-bit element or byte counts", at);
        }
    }

    private List<GgufTensorInfo> placeTensors(List<RawTensor> raw, long alignment, long dataOffset)
            throws GgufFormatException {
        long fileSize = in.size();
        List<GgufTensorInfo> tensors = new ArrayList<>(raw.size());
        for (RawTensor t : raw) {
            String where = "tensor '" + t.name() + "'";
            long rel = t.relativeOffset();
            if (rel < 0 || rel > fileSize) {
                throw in.error(where + " data offset " + Long.toUnsignedString(rel)
                        + " lies outside the file (" + fileSize + " bytes)", t.infoOffset());
            }
            if (rel % alignment != 0) {
                throw in.error(where + " data offset " + rel + " is not a multiple of the alignment " + alignment,
                        t.infoOffset());
            }
            long start = dataOffset + rel; // both at most the file size: no overflow
            if (start > fileSize || t.byteSize() < 0 || t.byteSize() > fileSize - start) {
                throw in.error(where + " data (bytes " + start + " to " + (start + t.byteSize())
                        + ") extends past the end of the file (" + fileSize + " bytes): file truncated?",
                        t.infoOffset());
            }
            tensors.add(new GgufTensorInfo(t.name(), t.shape(), t.type(), start, t.byteSize()));
        }
        return tensors;
    }

    /**
     * Initial collection capacity for {@code count} items: never more than the rest of the file could
     * hold, and modest, so a corrupt count costs nothing before the parse reaches the bad bytes.
     */
    private int capacity(int count, int minItemBytes) {
        return (int) Math.min(Math.min(count, in.remaining() / minItemBytes), 1 << 16);
    }

    static long alignUp(long offset, long alignment) {
        return (offset + alignment - 1) & -alignment;
    }
}
