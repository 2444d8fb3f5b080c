package dev.llama3.gguf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Hand-crafts GGUF bytes field by field, so tests can build files the writer would refuse. */
final class RawGguf {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Magic, version, tensor count and KV count. */
    static RawGguf header(int version, long tensorCount, long kvCount) {
        return new RawGguf().bytes('G', 'G', 'U', 'F').u32(version).u64(tensorCount).u64(kvCount);
    }

    RawGguf bytes(int... values) {
        for (int v : values) {
            out.write(v);
        }
        return this;
    }

    RawGguf bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    RawGguf u32(long v) {
        for (int i = 0; i < 4; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    RawGguf u64(long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    RawGguf str(String s) {
        return str(s.getBytes(StandardCharsets.UTF_8));
    }

    RawGguf str(byte[] utf8) {
        return u64(utf8.length).bytes(utf8);
    }

    /** A metadata key followed by its value type id (the caller writes the value). */
    RawGguf key(String key, GgufValueType type) {
        return str(key).u32(type.id());
    }

    /** A tensor info: name, dims, ggml type id, relative offset. */
    RawGguf tensorInfo(String name, long[] ne, long typeId, long offset) {
        str(name).u32(ne.length);
        for (long d : ne) {
            u64(d);
        }
        return u32(typeId).u64(offset);
    }

    /** Zero bytes up to the next multiple of {@code alignment}. */
    RawGguf pad(int alignment) {
        while (out.size() % alignment != 0) {
            out.write(0);
        }
        return this;
    }

    RawGguf zeros(int n) {
        out.writeBytes(new byte[n]);
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] toBytes() {
        return out.toByteArray();
    }

    Path writeTo(Path file) throws IOException {
        return Files.write(file, out.toByteArray());
    }
}
