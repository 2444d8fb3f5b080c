package dev.llama3.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Writes GGUF files with {@link GgufWriter} and reads them back with {@link GgufFile}. */
class GgufRoundTripTest {
    @TempDir
    Path dir;

    /** One value of every type, edge values included, plus arrays of every element type. */
    static Map<String, GgufValue> everyValueType() {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("u8.min", GgufValue.uint8(0));
        m.put("u8.max", GgufValue.uint8(255));
        m.put("i8.min", GgufValue.int8(-128));
        m.put("i8.max", GgufValue.int8(127));
        m.put("u16.max", GgufValue.uint16(65535));
        m.put("i16.min", GgufValue.int16(Short.MIN_VALUE));
        m.put("u32.max", GgufValue.uint32(0xFFFF_FFFFL));
        m.put("i32.min", GgufValue.int32(Integer.MIN_VALUE));
        m.put("u64.max", GgufValue.uint64(-1L));
        m.put("i64.min", GgufValue.int64(Long.MIN_VALUE));
        m.put("f32", GgufValue.float32(1e-5f));
        m.put("f32.nan", GgufValue.float32(Float.NaN));
        m.put("f32.negzero", GgufValue.float32(-0.0f));
        m.put("f64", GgufValue.float64(Math.PI));
        m.put("f64.inf", GgufValue.float64(Double.NEGATIVE_INFINITY));
        m.put("bool.true", GgufValue.bool(true));
        m.put("bool.false", GgufValue.bool(false));
        m.put("str.empty", GgufValue.string(""));
        m.put("str.unicode", GgufValue.string("héllo 世界 🦙 Ġ\u0000end"));
        m.put("", GgufValue.string("empty key"));
        m.put("arr.u8", GgufValue.array(GgufValueType.UINT8, List.of(0L, 1L, 255L)));
        m.put("arr.i8", GgufValue.array(GgufValueType.INT8, List.of(-128L, 127L)));
        m.put("arr.u16", GgufValue.array(GgufValueType.UINT16, List.of(65535L)));
        m.put("arr.i16", GgufValue.array(GgufValueType.INT16, List.of(-32768L, 5L)));
        m.put("arr.u32", GgufValue.array(GgufValueType.UINT32, List.of(4294967295L, 7L)));
        m.put("arr.i32", GgufValue.array(GgufValueType.INT32, List.of(-1L, 2147483647L)));
        m.put("arr.u64", GgufValue.array(GgufValueType.UINT64, List.of(-1L, 0L)));
        m.put("arr.i64", GgufValue.array(GgufValueType.INT64, List.of(Long.MAX_VALUE, Long.MIN_VALUE)));
        m.put("arr.f32", GgufValue.array(GgufValueType.FLOAT32, List.of(1.5f, -0.0f, Float.NaN)));
        m.put("arr.f64", GgufValue.array(GgufValueType.FLOAT64, List.of(2.5, 1e300)));
        m.put("arr.bool", GgufValue.array(GgufValueType.BOOL, List.of(true, false, true)));
        m.put("arr.str", GgufValue.array(GgufValueType.STRING, List.of("a", "", "Ċ ü 🦙")));
        m.put("arr.empty", GgufValue.array(GgufValueType.INT32, List.of()));
        m.put("arr.nested", GgufValue.array(GgufValueType.ARRAY, List.of(
                new GgufArray(GgufValueType.INT32, List.of(1L, 2L)),
                new GgufArray(GgufValueType.STRING, List.of("x", "y", "z")),
                new GgufArray(GgufValueType.ARRAY, List.of(
                        new GgufArray(GgufValueType.FLOAT64, List.of(0.25)),
                        new GgufArray(GgufValueType.BOOL, List.of()))),
                new GgufArray(GgufValueType.UINT8, List.of()))));
        return m;
    }

    @Test
    void everyValueTypeRoundTrips() throws IOException {
        Map<String, GgufValue> values = everyValueType();
        GgufWriter w = new GgufWriter();
        values.forEach(w::put);
        Path file = dir.resolve("values.gguf");
        w.write(file);
        try (GgufFile f = GgufFile.open(file)) {
            assertThat(f.version()).isEqualTo(3);
            assertThat(f.metadata()).isEqualTo(values);
            assertThat(new ArrayList<>(f.metadata().keySet())).containsExactlyElementsOf(values.keySet());
            assertThat(f.tensors()).isEmpty();
            assertThat(Float.floatToRawIntBits((Float) f.value("f32.negzero").value()))
                    .isEqualTo(Float.floatToRawIntBits(-0.0f));
        }
    }

    @Test
    void typedGettersConvertAndCheckTypes() throws IOException {
        GgufWriter w = new GgufWriter();
        everyValueType().forEach(w::put);
        w.putInt32Array("ints", new int[] {3, -4, 5});
        w.putFloat32Array("floats", new float[] {0.5f, -2f});
        w.putStringArray("strings", List.of("p", "q"));
        Path file = dir.resolve("getters.gguf");
        w.write(file);
        try (GgufFile f = GgufFile.open(file)) {
            assertThat(f.getLong("u8.max")).isEqualTo(255);
            assertThat(f.getLong("i8.min")).isEqualTo(-128);
            assertThat(f.getLong("u32.max")).isEqualTo(4294967295L);
            assertThat(f.getLong("u64.max")).isEqualTo(-1L); // raw bits
            assertThat(f.findLong("i64.min")).hasValue(Long.MIN_VALUE);
            assertThat(f.findLong("absent")).isEmpty();
            assertThat(f.getDouble("f32")).isEqualTo((double) 1e-5f);
            assertThat(f.getDouble("f64")).isEqualTo(Math.PI);
            assertThat(f.findDouble("absent")).isEmpty();
            assertThat(f.getBoolean("bool.true")).isTrue();
            assertThat(f.findBoolean("bool.false")).contains(false);
            assertThat(f.getString("str.unicode")).isEqualTo("héllo 世界 🦙 Ġ\u0000end");
            assertThat(f.findString("absent")).isEmpty();
            assertThat(f.getIntArray("ints")).containsExactly(3, -4, 5);
            assertThat(f.getIntArray("arr.u8")).containsExactly(0, 1, 255);
            assertThat(f.getIntArray("arr.i16")).containsExactly(-32768, 5);
            assertThat(f.getFloatArray("floats")).containsExactly(0.5f, -2f);
            assertThat(f.getFloatArray("arr.f64")).containsExactly(2.5f, (float) 1e300);
            assertThat(f.getStringArray("strings")).containsExactly("p", "q");

            assertThatThrownBy(() -> f.getString("absent"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("'absent'")
                    .hasMessageContaining("missing");
            assertThatThrownBy(() -> f.getString("u8.max"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'u8.max'").hasMessageContaining("UINT8").hasMessageContaining("STRING");
            assertThatThrownBy(() -> f.findLong("f32"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FLOAT32");
            assertThatThrownBy(() -> f.getDouble("u8.max"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("UINT8");
            assertThatThrownBy(() -> f.findBoolean("str.empty"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("STRING");
            assertThatThrownBy(() -> f.getStringArray("ints"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("INT32");
            assertThatThrownBy(() -> f.getIntArray("strings"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("STRING");
            assertThatThrownBy(() -> f.getFloatArray("ints"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("INT32");
            assertThatThrownBy(() -> f.getIntArray("arr.u32"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("element 0").hasMessageContaining("4294967295");
            assertThatThrownBy(() -> f.getIntArray("u8.max"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ARRAY");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {32, 64, 1, 4096})
    void tensorsRoundTripAtAlignment(int alignment) throws IOException {
        Random random = new Random(alignment);
        byte[] a = bytes(random, 5 * 3 * 4);             // F32 [5, 3]: 60 bytes, not a multiple of 32
        byte[] b = bytes(random, 2 * 18);                // Q4_0 [64]: 2 blocks
        byte[] c = bytes(random, 7 * 2);                 // F16 [7]
        byte[] d = bytes(random, 2 * 3 * 4 * 5 * 2);     // BF16 4-D
        GgufWriter w = new GgufWriter().putString("general.architecture", "test");
        if (alignment != 32) {
            w.alignment(alignment);
        }
        w.addTensor("a", GgmlType.F32, new long[] {5, 3}, a);
        w.addTensor("b", GgmlType.Q4_0, new long[] {64}, b);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cSegment = arena.allocate(c.length);
            MemorySegment.copy(c, 0, cSegment, ValueLayout.JAVA_BYTE, 0, c.length);
            w.addTensor("c", GgmlType.F16, new long[] {7}, cSegment);
            w.addTensor("d", GgmlType.BF16, new long[] {2, 3, 4, 5}, out -> {
                out.write(d, 0, 10);
                out.write(d[10]);
                out.write(d, 11, d.length - 11);
            });
            w.addTensor("empty", GgmlType.F32, new long[] {0, 4}, new byte[0]);
            Path file = dir.resolve("tensors.gguf");
            w.write(file);

            try (GgufFile f = GgufFile.open(file)) {
                assertThat(f.alignment()).isEqualTo(alignment);
                assertThat(f.dataOffset() % alignment).isZero();
                assertThat(f.tensors()).extracting(GgufTensorInfo::name).containsExactly("a", "b", "c", "d", "empty");
                Map<String, byte[]> expected = Map.of("a", a, "b", b, "c", c, "d", d, "empty", new byte[0]);
                for (GgufTensorInfo t : f.tensors()) {
                    assertThat(t.offset() % alignment).as(t.name()).isZero();
                    assertThat(f.data(t).toArray(ValueLayout.JAVA_BYTE)).as(t.name()).isEqualTo(expected.get(t.name()));
                }
                GgufTensorInfo dInfo = f.tensor("d");
                assertThat(dInfo.shape()).containsExactly(2, 3, 4, 5);
                assertThat(dInfo.elementCount()).isEqualTo(120);
                assertThat(dInfo.rowLength()).isEqualTo(2);
                assertThat(dInfo.rowCount()).isEqualTo(60);
                assertThat(f.tensor("b").byteSize()).isEqualTo(36);
                assertThat(f.tensor("empty").elementCount()).isZero();
                assertThat(f.tensor("missing")).isNull();
            }
        }
    }

    @Test
    void copiesMetadataFromAnotherFile() throws IOException {
        GgufWriter first = new GgufWriter();
        everyValueType().forEach(first::put);
        first.alignment(64);
        Path a = dir.resolve("a.gguf");
        first.write(a);
        Path b = dir.resolve("b.gguf");
        try (GgufFile f = GgufFile.open(a)) {
            new GgufWriter().putAll(f).putString("extra", "x")
                    .addTensor("t", GgmlType.F32, new long[] {1}, new byte[4]).write(b);
            try (GgufFile g = GgufFile.open(b)) {
                Map<String, GgufValue> expected = new LinkedHashMap<>(f.metadata());
                expected.put("extra", GgufValue.string("x"));
                assertThat(g.metadata()).isEqualTo(expected);
                assertThat(g.alignment()).isEqualTo(64);
                assertThat(g.tensor("t").offset() % 64).isZero();
            }
        }
    }

    @Test
    void readsVersion2() throws IOException {
        Path file = dir.resolve("v2.gguf");
        new GgufWriter().putUInt32("k", 7).addTensor("t", GgmlType.F32, new long[] {2}, new byte[8]).write(file);
        byte[] bytes = Files.readAllBytes(file);
        bytes[4] = 2;
        Files.write(file, bytes);
        try (GgufFile f = GgufFile.open(file)) {
            assertThat(f.version()).isEqualTo(2);
            assertThat(f.getLong("k")).isEqualTo(7);
            assertThat(f.tensor("t").byteSize()).isEqualTo(8);
        }
    }

    @Test
    void puttingAKeyAgainReplacesItInPlace() throws IOException {
        Path file = dir.resolve("replace.gguf");
        new GgufWriter().putString("a", "1").putString("b", "2").putInt32("a", 3).write(file);
        try (GgufFile f = GgufFile.open(file)) {
            assertThat(f.metadata().keySet()).containsExactly("a", "b");
            assertThat(f.getLong("a")).isEqualTo(3);
        }
    }

    @Test
    void dataSegmentsAreReadOnlyAndDieWithTheFile() throws IOException {
        Path file = dir.resolve("ro.gguf");
        new GgufWriter().addTensor("t", GgmlType.F32, new long[] {4}, new byte[16]).write(file);
        MemorySegment data;
        try (GgufFile f = GgufFile.open(file)) {
            data = f.data(f.tensor("t"));
            assertThat(data.isReadOnly()).isTrue();
            MemorySegment finalData = data;
            assertThatThrownBy(() -> finalData.set(ValueLayout.JAVA_BYTE, 0, (byte) 1))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> f.data(new GgufTensorInfo("t", new long[] {8}, GgmlType.F32, 0, 32)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a tensor of this file");
        }
        MemorySegment closed = data;
        assertThatThrownBy(() -> closed.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void mapsFilesLargerThan2GB() throws IOException {
        // a sparse file: the tensor's 2.5 GB of zeros take no disk space
        long elements = 640L * 1024 * 1024; // 2.5 GiB of F32
        Path file = dir.resolve("big.gguf");
        new RawGguf().bytes('G', 'G', 'U', 'F').u32(3).u64(1).u64(0)
                .tensorInfo("big", new long[] {1024, elements / 1024}, GgmlType.F32.id(), 0).pad(32)
                .writeTo(file);
        long dataStart = Files.size(file);
        try (var raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(dataStart + elements * 4);
            raf.seek(dataStart + elements * 4 - 1);
            raf.write(42);
        }
        try (GgufFile f = GgufFile.open(file)) {
            GgufTensorInfo t = f.tensor("big");
            assertThat(t.byteSize()).isEqualTo(elements * 4).isGreaterThan(Integer.MAX_VALUE);
            MemorySegment data = f.data(t);
            assertThat(data.byteSize()).isEqualTo(elements * 4);
            assertThat(data.get(ValueLayout.JAVA_BYTE, data.byteSize() - 1)).isEqualTo((byte) 42);
        }
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
