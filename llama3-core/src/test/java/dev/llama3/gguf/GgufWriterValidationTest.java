package dev.llama3.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer and the value records refuse what cannot be written as a valid GGUF file. */
class GgufWriterValidationTest {
    @TempDir
    Path dir;

    @Test
    void valuesOutsideTheirTypeRangeAreRefused() {
        assertThatThrownBy(() -> GgufValue.uint8(256)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("UINT8").hasMessageContaining("256");
        assertThatThrownBy(() -> GgufValue.int8(128)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GgufValue.uint16(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GgufValue.int16(40000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GgufValue.uint32(1L << 32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GgufValue.uint32(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GgufValue(GgufValueType.INT32, 1L << 31))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void valuesOfTheWrongClassAreRefused() {
        assertThatThrownBy(() -> new GgufValue(GgufValueType.STRING, 5L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("String");
        assertThatThrownBy(() -> new GgufValue(GgufValueType.UINT32, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Long");
        assertThatThrownBy(() -> new GgufValue(GgufValueType.FLOAT32, 1.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Float");
        assertThatThrownBy(() -> new GgufValue(GgufValueType.ARRAY, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GgufArray");
    }

    @Test
    void arrayElementsAreChecked() {
        assertThatThrownBy(() -> new GgufArray(GgufValueType.INT32, List.of(1L, "two")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("element 1");
        assertThatThrownBy(() -> new GgufArray(GgufValueType.UINT8, List.of(300L)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("300");
        assertThatThrownBy(() -> new GgufArray(GgufValueType.ARRAY, List.of(List.of(1L))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GgufArray");
    }

    @Test
    void arraysReadFromAFileAreRecheckedUnderAnotherElementType() throws IOException {
        Path file = dir.resolve("a.gguf");
        new GgufWriter().putStringArray("s", List.of("x")).putArray("big", GgufValueType.UINT64, List.of(-1L))
                .write(file);
        try (GgufFile f = GgufFile.open(file)) {
            List<?> strings = f.value("s").asArray().elements();
            assertThat(new GgufArray(GgufValueType.STRING, strings).elements()).isSameAs(strings);
            assertThatThrownBy(() -> new GgufArray(GgufValueType.INT32, strings))
                    .isInstanceOf(IllegalArgumentException.class);
            List<?> big = f.value("big").asArray().elements();
            assertThatThrownBy(() -> new GgufArray(GgufValueType.UINT8, big))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void unpairedSurrogatesAreRefused() {
        assertThatThrownBy(() -> GgufValue.string("a\uD800b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("surrogate");
        assertThatThrownBy(() -> new GgufWriter().putString("k\uDC00", "v"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
        assertThatThrownBy(() -> new GgufWriter().addTensor("\uD800", GgmlType.F32, new long[] {1}, new byte[4]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
    }

    @Test
    void badAlignmentIsRefused() {
        assertThatThrownBy(() -> new GgufWriter().alignment(48))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("power of two");
        assertThatThrownBy(() -> new GgufWriter().alignment(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("power of two");
        assertThatThrownBy(() -> new GgufWriter().putUInt64("general.alignment", 32))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("UINT32");
    }

    @Test
    void badTensorsAreRefused() {
        GgufWriter w = new GgufWriter().addTensor("t", GgmlType.F32, new long[] {2}, new byte[8]);
        assertThatThrownBy(() -> w.addTensor("t", GgmlType.F32, new long[] {2}, new byte[8]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate tensor name 't'");
        assertThatThrownBy(() -> w.addTensor("u", GgmlType.F32, new long[] {2}, new byte[7]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 8 bytes");
        assertThatThrownBy(() -> w.addTensor("u", GgmlType.F32, new long[] {2}, MemorySegment.ofArray(new byte[9])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 8 bytes");
        assertThatThrownBy(() -> w.addTensor("u", GgmlType.F32, new long[0], new byte[4]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 dimensions");
        assertThatThrownBy(() -> w.addTensor("u", GgmlType.F32, new long[] {1, 1, 1, 1, 1}, new byte[4]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5 dimensions");
        assertThatThrownBy(() -> w.addTensor("u", GgmlType.F32, new long[] {-2}, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
        assertThatThrownBy(() -> w.addTensor("u", GgmlType.Q8_0, new long[] {16}, new byte[17]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("block size 32");
        assertThatThrownBy(() -> w.addTensor("u", GgmlType.F32, new long[] {1L << 40, 1L << 40}, out -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overflows");
        assertThatThrownBy(() -> w.addTensor("u", GgmlType.F32, new long[] {1L << 62}, out -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overflows");
    }

    @Test
    void streamedTensorOfTheWrongSizeFailsAndLeavesNoFile() throws IOException {
        Path shortFile = dir.resolve("short.gguf");
        GgufWriter tooShort = new GgufWriter().addTensor("t", GgmlType.F32, new long[] {4}, out -> out.write(new byte[15]));
        assertThatThrownBy(() -> tooShort.write(shortFile))
                .isInstanceOf(IOException.class).hasMessageContaining("'t'").hasMessageContaining("wrote 15 bytes");
        assertThat(Files.exists(shortFile)).isFalse();

        Path longFile = dir.resolve("long.gguf");
        GgufWriter tooLong = new GgufWriter().addTensor("t", GgmlType.F32, new long[] {4}, out -> {
            byte[] b = new byte[17];
            Arrays.fill(b, (byte) 1);
            out.write(b);
        });
        assertThatThrownBy(() -> tooLong.write(longFile))
                .isInstanceOf(IOException.class).hasMessageContaining("more than its 16 bytes");
        assertThat(Files.exists(longFile)).isFalse();
    }

    @Test
    void largeSegmentsAreWrittenIntact() throws IOException {
        // bigger than the writer's buffer, so it takes the direct-write path
        byte[] data = new byte[3 << 20];
        new java.util.Random(7).nextBytes(data);
        Path file = dir.resolve("large.gguf");
        new GgufWriter().putString("s", "x")
                .addTensor("small", GgmlType.F16, new long[] {3}, new byte[6])
                .addTensor("large", GgmlType.F32, new long[] {data.length / 4}, MemorySegment.ofArray(data))
                .write(file);
        try (GgufFile f = GgufFile.open(file)) {
            assertThat(f.data(f.tensor("large")).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).isEqualTo(data);
            assertThat(f.tensor("large").offset() % 32).isZero();
        }
    }
}
