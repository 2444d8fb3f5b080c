package dev.llama3.tensor;

import dev.llama3.gguf.GgmlType;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal GGUF reader for the tensor tests (metadata values and tensor slices of a mapped file), so that they do
 * not depend on the gguf package. Files stay mapped for the rest of the test run.
 */
final class MiniGguf {
    record Tensor(String name, GgmlType type, long[] shape, MemorySegment data) {}

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    final Map<String, Tensor> tensors = new LinkedHashMap<>();
    final Map<String, Object> meta = new LinkedHashMap<>();

    MiniGguf(Path path) throws IOException {
        MemorySegment file;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            file = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), Arena.global());
        }
        long[] pos = {0};
        if (file.get(U32, 0) != 0x46554747) {
            throw new IOException("not a GGUF file: " + path);
        }
        pos[0] = 8;
        long nTensors = u64(file, pos);
        long nKv = u64(file, pos);
        long alignment = 32;
        for (long i = 0; i < nKv; i++) {
            String key = string(file, pos);
            int vtype = u32(file, pos);
            meta.put(key, value(file, pos, vtype));
        }
        if (meta.get("general.alignment") instanceof Long a) {
            alignment = a;
        }
        record Info(String name, long[] shape, GgmlType type, long offset) {}
        List<Info> infos = new ArrayList<>();
        for (long i = 0; i < nTensors; i++) {
            String name = string(file, pos);
            int nd = u32(file, pos);
            long[] shape = new long[nd];
            for (int d = 0; d < nd; d++) {
                shape[d] = u64(file, pos);
            }
            GgmlType type = GgmlType.byId(u32(file, pos));
            infos.add(new Info(name, shape, type, u64(file, pos)));
        }
        long dataStart = (pos[0] + alignment - 1) / alignment * alignment;
        for (Info info : infos) {
            long elements = 1;
            for (long s : info.shape()) {
                elements *= s;
            }
            long size = info.type().byteSize(elements);
            tensors.put(info.name(), new Tensor(info.name(), info.type(), info.shape(),
                    file.asSlice(dataStart + info.offset(), size)));
        }
    }

    Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor " + name);
        }
        return t;
    }

    float[] floats(String name) {
        Tensor t = tensor(name);
        if (t.type() != GgmlType.F32) {
            throw new IllegalArgumentException(name + " is " + t.type());
        }
        return t.data().toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
    }

    private static int u32(MemorySegment f, long[] pos) {
        int v = f.get(U32, pos[0]);
        pos[0] += 4;
        return v;
    }

    private static long u64(MemorySegment f, long[] pos) {
        long v = f.get(U64, pos[0]);
        pos[0] += 8;
        return v;
    }

    private static String string(MemorySegment f, long[] pos) {
        int len = Math.toIntExact(u64(f, pos));
        byte[] bytes = f.asSlice(pos[0], len).toArray(ValueLayout.JAVA_BYTE);
        pos[0] += len;
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static Object value(MemorySegment f, long[] pos, int type) {
        switch (type) {
            case 0, 1, 7 -> {
                byte b = f.get(ValueLayout.JAVA_BYTE, pos[0]);
                pos[0] += 1;
                return (long) (type == 1 ? b : b & 0xFF);
            }
            case 2, 3 -> {
                short s = f.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), pos[0]);
                pos[0] += 2;
                return (long) (type == 3 ? s : s & 0xFFFF);
            }
            case 4, 5 -> {
                int v = u32(f, pos);
                return type == 5 ? (long) v : v & 0xFFFF_FFFFL;
            }
            case 6 -> {
                return Float.intBitsToFloat(u32(f, pos));
            }
            case 8 -> {
                return string(f, pos);
            }
            case 9 -> {
                int et = u32(f, pos);
                long n = u64(f, pos);
                List<Object> list = new ArrayList<>();
                for (long i = 0; i < n; i++) {
                    list.add(value(f, pos, et));
                }
                return list;
            }
            case 10, 11 -> {
                return u64(f, pos);
            }
            case 12 -> {
                return Double.longBitsToDouble(u64(f, pos));
            }
            default -> throw new IllegalArgumentException("GGUF value type " + type);
        }
    }
}
