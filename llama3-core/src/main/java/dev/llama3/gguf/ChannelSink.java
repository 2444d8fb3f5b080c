package dev.llama3.gguf;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/** Buffered little-endian writes to a file channel, counting the bytes written. */
final class ChannelSink {
    private static final int BUFFER_BYTES = 1 << 20;
    /** Large segments are written straight from memory in slices of this size. */
    private static final long DIRECT_CHUNK = 1L << 26;

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final MemorySegment bufferSegment = MemorySegment.ofBuffer(buffer);
    private long written;

    ChannelSink(FileChannel channel) {
        this.channel = channel;
    }

    /** Bytes written so far (buffered ones included). */
    long position() {
        return written;
    }

    private void room(int n) throws IOException {
        if (buffer.remaining() < n) {
            flush();
        }
    }

    void u8(int v) throws IOException {
        room(1);
        buffer.put((byte) v);
        written += 1;
    }

    void u16(int v) throws IOException {
        room(2);
        buffer.putShort((short) v);
        written += 2;
    }

    void u32(int v) throws IOException {
        room(4);
        buffer.putInt(v);
        written += 4;
    }

    void u64(long v) throws IOException {
        room(8);
        buffer.putLong(v);
        written += 8;
    }

    void f32(float v) throws IOException {
        room(4);
        buffer.putFloat(v);
        written += 4;
    }

    void f64(double v) throws IOException {
        room(8);
        buffer.putDouble(v);
        written += 8;
    }

    void bytes(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (!buffer.hasRemaining()) {
                flush();
            }
            int n = Math.min(len, buffer.remaining());
            buffer.put(b, off, n);
            off += n;
            len -= n;
            written += n;
        }
    }

    void segment(MemorySegment src) throws IOException {
        long size = src.byteSize();
        if (size < BUFFER_BYTES) {
            long off = 0;
            while (off < size) {
                if (!buffer.hasRemaining()) {
                    flush();
                }
                int n = (int) Math.min(size - off, buffer.remaining());
                MemorySegment.copy(src, ValueLayout.JAVA_BYTE, off, bufferSegment, ValueLayout.JAVA_BYTE,
                        buffer.position(), n);
                buffer.position(buffer.position() + n);
                off += n;
            }
            written += size;
            return;
        }
        flush();
        for (long off = 0; off < size; off += DIRECT_CHUNK) {
            ByteBuffer slice = src.asSlice(off, Math.min(DIRECT_CHUNK, size - off)).asByteBuffer();
            while (slice.hasRemaining()) {
                channel.write(slice);
            }
        }
        written += size;
    }

    void zeros(long n) throws IOException {
        for (long i = 0; i < n; i++) {
            u8(0);
        }
    }

    void flush() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }
}
