package dev.llama3.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of malformed file must fail with a {@link GgufFormatException} whose message names the
 * file, the problem and where it is; never with another exception type.
 */
class GgufMalformedFileTest {
    @TempDir
    Path dir;

    private int files;

    /** Writes {@code bytes}, expects {@link GgufFile#open} to refuse them and returns the message. */
    private String refuse(byte[] bytes) throws IOException {
        Path file = dir.resolve("bad" + (files++) + ".gguf");
        Files.write(file, bytes);
        Throwable thrown = catchThrowable(() -> GgufFile.open(file).close());
        assertThat(thrown).isInstanceOf(GgufFormatException.class);
        assertThat(thrown.getMessage()).contains(file.toString());
        return thrown.getMessage();
    }

    private String refuse(RawGguf raw) throws IOException {
        return refuse(raw.toBytes());
    }

    /** A valid file: two KVs (one string array) and two tensors. */
    private static byte[] validFile() {
        return validFileRaw().toBytes();
    }

    private static RawGguf validFileRaw() {
        return RawGguf.header(3, 2, 2)
                .key("general.name", GgufValueType.STRING).str("tiny")
                .key("tok", GgufValueType.ARRAY).u32(GgufValueType.STRING.id()).u64(2).str("a").str("bc")
                .tensorInfo("w", new long[] {4, 2}, GgmlType.F32.id(), 0)
                .tensorInfo("q", new long[] {32}, GgmlType.Q8_0.id(), 32)
                .pad(32).zeros(32).zeros(34);
    }

    @Test
    void validFileOpens() throws IOException {
        Path file = Files.write(dir.resolve("ok.gguf"), validFile());
        try (GgufFile f = GgufFile.open(file)) {
            assertThat(f.getStringArray("tok")).containsExactly("a", "bc");
            assertThat(f.tensor("q").byteSize()).isEqualTo(34);
        }
    }

    @Test
    void badMagic() throws IOException {
        byte[] b = validFile();
        b[0] = 'X';
        assertThat(refuse(b)).contains("not a GGUF file").contains("magic");
    }

    @Test
    void emptyFile() throws IOException {
        assertThat(refuse(new byte[0])).contains("truncated");
    }

    @Test
    void version1IsRefused() throws IOException {
        assertThat(refuse(RawGguf.header(1, 0, 0))).contains("version 1 is not supported");
    }

    @Test
    void unknownVersion() throws IOException {
        assertThat(refuse(RawGguf.header(4, 0, 0))).contains("unsupported GGUF version 4");
    }

    @Test
    void bigEndianFile() throws IOException {
        byte[] b = new RawGguf().bytes('G', 'G', 'U', 'F').bytes(0, 0, 0, 3).zeros(16).toBytes();
        assertThat(refuse(b)).contains("big-endian GGUF files are not supported");
    }

    @Test
    void truncatedHeader() throws IOException {
        byte[] b = Arrays.copyOf(validFile(), 10);
        assertThat(refuse(b)).contains("truncated").contains("tensor count").contains("offset 8");
    }

    @Test
    void truncatedInsideKey() throws IOException {
        // header 24 + key length 8 + 5 of the 12 key bytes
        byte[] b = Arrays.copyOf(validFile(), 24 + 8 + 5);
        assertThat(refuse(b)).contains("truncated").contains("key of metadata entry 0").contains("offset 24");
    }

    @Test
    void truncatedInsideValue() throws IOException {
        // after "general.name" (24 + 8 + 12) and its type (4): the value's 8-byte length, cut after 3
        byte[] b = Arrays.copyOf(validFile(), 24 + 8 + 12 + 4 + 3);
        assertThat(refuse(b)).contains("truncated").contains("key 'general.name'");
    }

    @Test
    void truncatedInsideArray() throws IOException {
        byte[] full = validFile();
        int arrayStart = 24 + 8 + 12 + 4 + 8 + 4 + 8 + 3 + 4; // element type of "tok"
        byte[] b = Arrays.copyOf(full, arrayStart + 4 + 8 + 8 + 1 + 8);
        assertThat(refuse(b)).contains("truncated").contains("element 1 of array key 'tok'");
    }

    @Test
    void truncatedInsideTensorInfos() throws IOException {
        RawGguf prefix = RawGguf.header(3, 2, 2)
                .key("general.name", GgufValueType.STRING).str("tiny")
                .key("tok", GgufValueType.ARRAY).u32(GgufValueType.STRING.id()).u64(2).str("a").str("bc")
                .tensorInfo("w", new long[] {4, 2}, GgmlType.F32.id(), 0)
                .str("q").u32(1);
        byte[] b = Arrays.copyOf(validFile(), prefix.size() + 4);
        assertThat(refuse(b)).contains("truncated").contains("dimension 0 of tensor 'q'");
    }

    @Test
    void tensorDataPastEndOfFile() throws IOException {
        byte[] full = validFile();
        byte[] b = Arrays.copyOf(full, full.length - 1);
        assertThat(refuse(b)).contains("tensor 'q'").contains("past the end of the file");
    }

    @Test
    void tensorOffsetOutsideFile() throws IOException {
        RawGguf raw = RawGguf.header(3, 1, 0).tensorInfo("t", new long[] {8}, 0, 1L << 40).pad(32).zeros(32);
        assertThat(refuse(raw)).contains("tensor 't'").contains("outside the file");
        RawGguf negative = RawGguf.header(3, 1, 0).tensorInfo("t", new long[] {8}, 0, -32).pad(32).zeros(32);
        assertThat(refuse(negative)).contains("tensor 't'").contains("18446744073709551584");
    }

    @Test
    void tensorOffsetNotAligned() throws IOException {
        RawGguf raw = RawGguf.header(3, 1, 0).tensorInfo("t", new long[] {8}, 0, 4).pad(32).zeros(64);
        assertThat(refuse(raw)).contains("tensor 't'").contains("offset 4").contains("alignment 32");
    }

    @Test
    void unknownValueType() throws IOException {
        RawGguf raw = RawGguf.header(3, 0, 1).str("weird.key").u32(13).u32(0);
        assertThat(refuse(raw)).contains("unknown value type id 13").contains("'weird.key'").contains("offset 41");
        RawGguf huge = RawGguf.header(3, 0, 1).str("k").u32(0xFFFF_FFFFL).u32(0);
        assertThat(refuse(huge)).contains("unknown value type id 4294967295");
    }

    @Test
    void unknownArrayElementType() throws IOException {
        RawGguf raw = RawGguf.header(3, 0, 1).key("arr", GgufValueType.ARRAY).u32(99).u64(0);
        assertThat(refuse(raw)).contains("unknown array element type id 99").contains("'arr'");
    }

    @Test
    void unknownGgmlType() throws IOException {
        RawGguf raw = RawGguf.header(3, 1, 0).tensorInfo("blk.0.attn_q.weight", new long[] {32}, 16, 0)
                .pad(32).zeros(64);
        assertThat(refuse(raw)).contains("tensor 'blk.0.attn_q.weight'").contains("ggml type id 16");
        RawGguf huge = RawGguf.header(3, 1, 0).tensorInfo("t", new long[] {32}, 0xFFFF_FFFFL, 0).pad(32);
        assertThat(refuse(huge)).contains("ggml type id 4294967295");
    }

    @Test
    void tooManyDimensions() throws IOException {
        RawGguf raw = RawGguf.header(3, 1, 0).tensorInfo("t5", new long[] {1, 1, 1, 1, 1}, 0, 0).pad(32).zeros(4);
        assertThat(refuse(raw)).contains("tensor 't5'").contains("5 dimensions");
        RawGguf huge = RawGguf.header(3, 1, 0).str("t").u32(0xFFFF_FFFFL).zeros(64);
        assertThat(refuse(huge)).contains("4294967295 dimensions");
    }

    @Test
    void zeroDimensions() throws IOException {
        RawGguf raw = RawGguf.header(3, 1, 0).tensorInfo("scalar", new long[0], 0, 0).pad(32).zeros(4);
        assertThat(refuse(raw)).contains("tensor 'scalar'").contains("0 dimensions");
    }

    @Test
    void negativeDimension() throws IOException {
        RawGguf raw = RawGguf.header(3, 1, 0).tensorInfo("t", new long[] {4, -1}, 0, 0).pad(32).zeros(64);
        assertThat(refuse(raw)).contains("tensor 't' dimension 1").contains("18446744073709551615");
    }

    @Test
    void zeroSizedDimensionGivesAnEmptyTensor() throws IOException {
        Path file = RawGguf.header(3, 1, 0).tensorInfo("t", new long[] {4, 0}, 0, 0).pad(32)
                .writeTo(dir.resolve("empty.gguf"));
        try (GgufFile f = GgufFile.open(file)) {
            assertThat(f.tensor("t").byteSize()).isZero();
            assertThat(f.data(f.tensor("t")).byteSize()).isZero();
        }
    }

    @Test
    void hugeStringLengthIsRefusedWithoutAllocating() throws IOException {
        RawGguf key = RawGguf.header(3, 0, 1).u64(1L << 62).bytes('k');
        assertThat(refuse(key)).contains("key of metadata entry 0").contains("length 4611686018427387904");
        RawGguf value = RawGguf.header(3, 0, 1).key("s", GgufValueType.STRING).u64(1L << 62).bytes('x');
        assertThat(refuse(value)).contains("key 's'").contains("length 4611686018427387904");
        RawGguf negative = RawGguf.header(3, 0, 1).key("s", GgufValueType.STRING).u64(-1).bytes('x');
        assertThat(refuse(negative)).contains("key 's'").contains("18446744073709551615");
        RawGguf name = RawGguf.header(3, 1, 0).u64((1L << 31) - 1).zeros(40);
        assertThat(refuse(name)).contains("name of tensor info 0").contains("length 2147483647");
    }

    @Test
    void hugeArrayCountIsRefusedWithoutAllocating() throws IOException {
        for (GgufValueType type : GgufValueType.values()) {
            RawGguf raw = RawGguf.header(3, 0, 1).key("arr", GgufValueType.ARRAY).u32(type.id())
                    .u64(1L << 60).zeros(64);
            assertThat(refuse(raw)).as(type.toString())
                    .contains("array element count of key 'arr'").contains("1152921504606846976");
        }
        // small enough for a Java array but more than the rest of the file can hold
        RawGguf raw = RawGguf.header(3, 0, 1).key("arr", GgufValueType.ARRAY).u32(GgufValueType.UINT8.id())
                .u64(100_000_000).zeros(64);
        assertThat(refuse(raw)).contains("100000000");
    }

    @Test
    void hugeTensorAndKeyCountsAreRefused() throws IOException {
        assertThat(refuse(RawGguf.header(3, 1L << 60, 0).zeros(64))).contains("tensor count");
        assertThat(refuse(RawGguf.header(3, -1, 0).zeros(64))).contains("tensor count")
                .contains("18446744073709551615");
        assertThat(refuse(RawGguf.header(3, 0, 1L << 40).zeros(64))).contains("metadata entry count");
    }

    @Test
    void overflowingElementCount() throws IOException {
        RawGguf raw = RawGguf.header(3, 1, 0)
                .tensorInfo("t", new long[] {1L << 32, 1L << 32, 4}, 0, 0).pad(32).zeros(64);
        assertThat(refuse(raw)).contains("tensor 't'").contains("overflows");
        RawGguf bytes = RawGguf.header(3, 1, 0)
                .tensorInfo("t", new long[] {1L << 61}, 0, 0).pad(32).zeros(64);
        assertThat(refuse(bytes)).contains("tensor 't'").contains("overflows");
    }

    @Test
    void absurdButRepresentableSizeIsPastEndOfFile() throws IOException {
        RawGguf raw = RawGguf.header(3, 1, 0).tensorInfo("t", new long[] {1L << 20, 1L << 20}, 0, 0).pad(32);
        assertThat(refuse(raw)).contains("tensor 't'").contains("past the end of the file");
    }

    @Test
    void rowLengthNotAMultipleOfBlockSize() throws IOException {
        RawGguf raw = RawGguf.header(3, 1, 0).tensorInfo("q", new long[] {33, 2}, GgmlType.Q4_0.id(), 0)
                .pad(32).zeros(256);
        assertThat(refuse(raw)).contains("tensor 'q'").contains("row length 33").contains("block size 32");
    }

    @Test
    void duplicateTensorNames() throws IOException {
        RawGguf raw = RawGguf.header(3, 2, 0)
                .tensorInfo("w", new long[] {8}, 0, 0)
                .tensorInfo("w", new long[] {8}, 0, 32)
                .pad(32).zeros(64);
        assertThat(refuse(raw)).contains("duplicate tensor name 'w'").contains("first defined at byte offset 24");
    }

    @Test
    void duplicateMetadataKeys() throws IOException {
        RawGguf raw = RawGguf.header(3, 0, 2)
                .key("general.name", GgufValueType.UINT8).bytes(1)
                .key("general.name", GgufValueType.UINT8).bytes(2);
        assertThat(refuse(raw)).contains("duplicate metadata key 'general.name'").contains("offset 49");
    }

    @Test
    void invalidUtf8() throws IOException {
        byte[] bad = {'a', (byte) 0xC3, 'b'};
        assertThat(refuse(RawGguf.header(3, 0, 1).str(bad).u32(0).bytes(0)))
                .contains("key of metadata entry 0 is not valid UTF-8");
        assertThat(refuse(RawGguf.header(3, 0, 1).key("s", GgufValueType.STRING).str(bad)))
                .contains("value of key 's' is not valid UTF-8");
        assertThat(refuse(RawGguf.header(3, 0, 1).key("arr", GgufValueType.ARRAY).u32(8).u64(2)
                .str("ok").str(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})))   // a UTF-8-encoded surrogate
                .contains("element 1 of array key 'arr'").contains("not valid UTF-8");
        assertThat(refuse(RawGguf.header(3, 1, 0).str(bad).u32(1).u64(8).u32(0).u64(0).pad(32).zeros(32)))
                .contains("name of tensor info 0 is not valid UTF-8");
    }

    @Test
    void badAlignment() throws IOException {
        assertThat(refuse(RawGguf.header(3, 0, 1).key("general.alignment", GgufValueType.UINT32).u32(0)))
                .contains("'general.alignment'").contains("power of two");
        assertThat(refuse(RawGguf.header(3, 0, 1).key("general.alignment", GgufValueType.UINT32).u32(48)))
                .contains("'general.alignment' is 48");
        assertThat(refuse(RawGguf.header(3, 0, 1).key("general.alignment", GgufValueType.UINT64).u64(32)))
                .contains("'general.alignment' must be UINT32 but is UINT64");
    }

    @Test
    void deeplyNestedArrays() throws IOException {
        RawGguf raw = RawGguf.header(3, 0, 1).key("deep", GgufValueType.ARRAY);
        for (int i = 0; i < 10_000; i++) {
            raw.u32(GgufValueType.ARRAY.id()).u64(1);
        }
        assertThat(refuse(raw)).contains("nested deeper than").contains("'deep'");
    }

    /** Cutting a valid file anywhere before the end of its last tensor's data must be refused. */
    @Test
    void truncationSweep() throws IOException {
        GgufWriter w = new GgufWriter();
        GgufRoundTripTest.everyValueType().forEach(w::put);
        w.addTensor("a", GgmlType.F32, new long[] {3, 2}, new byte[24]);
        w.addTensor("b", GgmlType.Q4_K, new long[] {256}, new byte[144]);
        Path full = dir.resolve("full.gguf");
        w.write(full);
        byte[] bytes = Files.readAllBytes(full);
        long needed;
        try (GgufFile f = GgufFile.open(full)) {
            needed = f.tensors().stream().mapToLong(t -> t.offset() + t.byteSize()).max().orElseThrow();
        }
        Path cut = dir.resolve("cut.gguf");
        for (int len = 0; len < bytes.length; len++) {
            Files.write(cut, Arrays.copyOf(bytes, len));
            Throwable thrown = catchThrowable(() -> GgufFile.open(cut).close());
            if (len < needed) {
                assertThat(thrown).as("truncated to %d bytes", len).isInstanceOf(GgufFormatException.class);
                assertThat(thrown.getMessage()).as("truncated to %d bytes", len)
                        .contains(cut.toString()).containsAnyOf("truncated", "past the end");
            } else {
                assertThat(thrown).as("trailing padding cut to %d bytes", len).isNull();
            }
        }
    }

    /** Random byte corruptions must either open or fail with GgufFormatException, nothing else. */
    @Test
    void randomCorruptionsFailCleanly() throws IOException {
        GgufWriter w = new GgufWriter();
        GgufRoundTripTest.everyValueType().forEach(w::put);
        w.putStringArray("tokens", List.of("x", "yy", "zzz"));
        w.addTensor("a", GgmlType.F32, new long[] {3, 2}, new byte[24]);
        w.addTensor("b", GgmlType.Q8_0, new long[] {32, 2}, new byte[68]);
        Path full = dir.resolve("fuzz-src.gguf");
        w.write(full);
        byte[] original = Files.readAllBytes(full);
        int headerEnd;
        try (GgufFile f = GgufFile.open(full)) {
            headerEnd = (int) f.dataOffset();
        }
        Random random = new Random(20240611);
        Path file = dir.resolve("fuzz.gguf");
        for (int iteration = 0; iteration < 3000; iteration++) {
            byte[] b = original.clone();
            int flips = 1 + random.nextInt(4);
            for (int i = 0; i < flips; i++) {
                int at = random.nextInt(headerEnd);
                b[at] = switch (random.nextInt(3)) {
                    case 0 -> (byte) random.nextInt(256);
                    case 1 -> (byte) 0xFF;
                    default -> (byte) (b[at] ^ (1 << random.nextInt(8)));
                };
            }
            Files.write(file, b);
            Throwable thrown = catchThrowable(() -> GgufFile.open(file).close());
            if (thrown != null) {
                assertThat(thrown).as("iteration %d", iteration).isInstanceOf(GgufFormatException.class);
            }
        }
    }

    @Test
    void messagesUseReadableNames() throws IOException {
        // the key name with non-ASCII characters appears as text, not bytes
        RawGguf raw = RawGguf.header(3, 0, 1)
                .str("clé".getBytes(StandardCharsets.UTF_8)).u32(77);
        assertThat(refuse(raw)).contains("'clé'");
    }
}
