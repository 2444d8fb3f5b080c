package dev.llama3.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A bounds-checked little-endian read position in a GGUF file's mapped bytes. Every read checks the
 * bytes it needs against what is left before touching memory, and every failure is a
 * {@link GgufFormatException} naming the file, the item being read and its byte offset.
 */
final class GgufCursor {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final MemorySegment bytes;
    private final long size;
    private long pos;
    private byte[] scratch = new byte[256];
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    GgufCursor(Path file, MemorySegment bytes) {
        this.file = file;
        this.bytes = bytes;
        this.size = bytes.byteSize();
    }

    long position() {
        return pos;
    }

    long size() {
        return size;
    }

    long remaining() {
        return size - pos;
    }

    /**
     * Names element {@code index} of an array for error messages; built only when a message is,
     * so hot loops over hundreds of thousands of strings do not concatenate strings.
     */
    record Element(String container, long containerOffset, int index) {
        @Override
        public String toString() {
            return "element " + index + " of " + container + " (array at byte offset " + containerOffset + ")";
        }
    }

    /** A format error at the current position. */
    GgufFormatException error(String problem) {
        return error(problem, pos);
    }

    /** A format error at byte {@code offset}. */
    GgufFormatException error(String problem, long offset) {
        return new GgufFormatException(file + ": " + problem + " (at byte offset " + offset + ")");
    }

    private void need(long n, Object what) throws GgufFormatException {
        if (n > size - pos) {
            throw error("file is truncated: " + what + " needs " + n + " bytes but only "
                    + (size - pos) + " remain of " + size);
        }
    }

    int u8(Object what) throws GgufFormatException {
        need(1, what);
        return Byte.toUnsignedInt(bytes.get(ValueLayout.JAVA_BYTE, pos++));
    }

    int i8(Object what) throws GgufFormatException {
        need(1, what);
        return bytes.get(ValueLayout.JAVA_BYTE, pos++);
    }

    int u16(Object what) throws GgufFormatException {
        need(2, what);
        int v = Short.toUnsignedInt(bytes.get(U16, pos));
        pos += 2;
        return v;
    }

    int i16(Object what) throws GgufFormatException {
        need(2, what);
        int v = bytes.get(U16, pos);
        pos += 2;
        return v;
    }

    /** A u32 widened without sign. */
    long u32(Object what) throws GgufFormatException {
        return Integer.toUnsignedLong(i32(what));
    }

    int i32(Object what) throws GgufFormatException {
        need(4, what);
        int v = bytes.get(U32, pos);
        pos += 4;
        return v;
    }

    /** A u64 or i64 as raw bits. */
    long i64(Object what) throws GgufFormatException {
        need(8, what);
        long v = bytes.get(U64, pos);
        pos += 8;
        return v;
    }

    float f32(Object what) throws GgufFormatException {
        need(4, what);
        float v = bytes.get(F32, pos);
        pos += 4;
        return v;
    }

    double f64(Object what) throws GgufFormatException {
        need(8, what);
        double v = bytes.get(F64, pos);
        pos += 8;
        return v;
    }

    /**
     * A count (u64) of items taking at least {@code minItemBytes} each: refused when the rest of the
     * file could not hold that many, so no caller ever allocates for an impossible count.
     */
    int count(Object what, int minItemBytes) throws GgufFormatException {
        long at = pos;
        long n = i64(what);
        if (n < 0 || n > remaining() / minItemBytes) {
            throw error("file is truncated or corrupt: " + what + " is " + Long.toUnsignedString(n)
                    + " but the remaining " + remaining() + " bytes can hold at most "
                    + remaining() / minItemBytes, at);
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw error(what + " is " + n + ", more than this reader supports", at);
        }
        return (int) n;
    }

    /** A u64 count from the header: refused when it could not be a Java collection size. */
    int headerCount(Object what) throws GgufFormatException {
        long at = pos;
        long n = i64(what);
        if (n < 0 || n > Integer.MAX_VALUE - 8) {
            throw error(what + " is " + Long.toUnsignedString(n) + ", impossibly large", at);
        }
        return (int) n;
    }

    /** A u64-length-prefixed string that must be valid UTF-8. */
    String string(Object what) throws GgufFormatException {
        long at = pos;
        if (remaining() < 8) {
            need(8, "length of " + what);
        }
        long len = i64(what);
        if (len < 0 || len > remaining()) {
            throw error("file is truncated or corrupt: " + what + " has length " + Long.toUnsignedString(len)
                    + " but only " + remaining() + " bytes remain", at);
        }
        if (len > Integer.MAX_VALUE - 8) {
            throw error(what + " has length " + len + ", longer than this reader supports", at);
        }
        int n = (int) len;
        if (scratch.length < n) {
            scratch = new byte[Math.max(n, scratch.length * 2)];
        }
        MemorySegment.copy(bytes, ValueLayout.JAVA_BYTE, pos, scratch, 0, n);
        pos += n;
        boolean ascii = true;
        for (int i = 0; i < n; i++) {
            if (scratch[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            // every byte < 0x80: Latin-1 decoding is identical and skips validation
            return new String(scratch, 0, n, StandardCharsets.ISO_8859_1);
        }
        try {
            return utf8.reset().decode(ByteBuffer.wrap(scratch, 0, n)).toString();
        } catch (CharacterCodingException e) {
            throw error(what + " is not valid UTF-8", at);
        }
    }
}
