package dev.llama3.model;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The keys and values of one sequence, per layer, for positions {@code 0 .. capacity-1}, stored as
 * {@link KvCacheType#F32} or {@link KvCacheType#F16}.
 *
 * <p>Sized from the requested context, not from the model's trained maximum. The memory lives off the Java heap,
 * in one segment of a shared {@link Arena} owned by this cache: a 1B model at an 8K context holds 256 MiB of F16
 * keys and values per session, which on the heap would inflate the heap size every deployment must configure,
 * lengthen GC marking/compaction, and stay allocated after a session ends until some later collection. Off-heap,
 * {@link #close()} (called by the session's close) returns it at once. The arena is shared because the compute
 * pool's threads read it; any thread may close it. Access after close fails with {@link IllegalStateException}
 * (from {@link #ensureOpen()} before a forward pass, and from the segment itself as a backstop), never with a
 * crash. A cache that is never closed is released when it becomes unreachable (a {@link Cleaner}), so a
 * forgotten close leaks nothing permanently. The memory comes from {@link LazyNativeMemory}, so its pages become
 * resident as positions are written rather than all at creation.
 *
 * <p>Layout: all keys, then all values; each is {@code [layer][kvHead][position][headDim]}, so the rows one
 * attention head reads are contiguous (a plain stream for the hardware prefetcher, at any context length).
 */
public final class KvCache implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create(Thread.ofPlatform().daemon().name("llama3-kv-cleaner").factory());

    static final ValueLayout.OfFloat FLOAT_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort SHORT_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final KvCacheType type;
    private final int capacity;
    private final int layers;
    private final int kvHeads;
    private final int headDim;
    /** Bytes of one head's rows at every position in one layer: {@code capacity * headDim * bytesPerValue}. */
    private final long headBytes;
    private final long valuesBase;
    private final long bytes;
    private final MemorySegment data;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Cleaner.Cleanable cleanable;
    private int length;

    public KvCache(LlamaConfig config, int capacity, KvCacheType type) {
        if (type == null) {
            throw new IllegalArgumentException("KV cache type must not be null");
        }
        if (capacity <= 0) {
            throw new IllegalArgumentException("KV cache capacity must be positive, got " + capacity);
        }
        this.type = type;
        this.capacity = capacity;
        this.layers = config.blockCount();
        this.kvHeads = config.headCountKv();
        this.headDim = config.headDim();
        this.bytes = bytesFor(config, capacity, type);
        this.headBytes = (long) capacity * headDim * type.bytesPerValue();
        this.valuesBase = bytes / 2;
        long physical = physicalMemory();
        if (physical > 0 && bytes > physical) {
            // Linux overcommits: the allocation would succeed and zero-filling it would get the process killed
            throw new IllegalArgumentException("a KV cache of " + capacity + " positions (" + type + ") needs "
                    + (bytes >> 20) + " MiB, more than this machine's " + (physical >> 20) + " MiB of memory;"
                    + " request a shorter context or the F16 cache type");
        }
        Arena arena = Arena.ofShared();
        try {
            this.data = LazyNativeMemory.allocate(arena, bytes, 64);
        } catch (OutOfMemoryError | IllegalStateException e) {
            arena.close();
            throw new IllegalStateException("cannot allocate a KV cache of " + (bytes >> 20) + " MiB (" + capacity
                    + " positions, " + type + ") outside the Java heap: " + e.getMessage(), e);
        }
        this.cleanable = CLEANER.register(this, arena::close);
    }

    /** Bytes a cache of {@code capacity} positions of {@code type} holds for a model of configuration {@code config}. */
    public static long bytesFor(LlamaConfig config, int capacity, KvCacheType type) {
        try {
            return Math.multiplyExact(Math.multiplyExact(2L * config.blockCount() * config.kvDim(), (long) capacity),
                    (long) type.bytesPerValue());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("context length " + capacity + " is too large for a KV cache", e);
        }
    }

    /** Physical memory of the machine (or container), or 0 when the JVM cannot tell. */
    private static long physicalMemory() {
        try {
            if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    instanceof com.sun.management.OperatingSystemMXBean os) {
                return os.getTotalMemorySize();
            }
        } catch (RuntimeException | LinkageError e) {
            // no management support in this runtime image: skip the check
        }
        return 0;
    }

    public KvCacheType type() {
        return type;
    }

    /** Maximum number of positions. */
    public int capacity() {
        return capacity;
    }

    /** Number of positions currently filled (the next token goes at this position). */
    public int length() {
        return length;
    }

    /** Forgets positions from {@code newLength} on, e.g. to reuse a shared prefix. */
    public void truncate(int newLength) {
        ensureOpen();
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate KV cache of length " + length + " to " + newLength);
        }
        length = newLength;
    }

    void setLength(int newLength) {
        length = newLength;
    }

    /** Bytes held by this cache outside the Java heap; 0 once closed. */
    public long bytes() {
        return closed.get() ? 0 : bytes;
    }

    /** Whether the memory is still held ({@link #close()} not called). */
    public boolean isOpen() {
        return !closed.get();
    }

    /** @throws IllegalStateException when the cache has been closed */
    public void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the KV cache has been closed (its session was closed)");
        }
    }

    /** Releases the memory. Idempotent; the cache cannot be used afterwards. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            cleanable.clean();
        }
    }

    /**
     * Stores the key and value of {@code position} in {@code layer}: {@code kvDim} values each, head after head,
     * from {@code k[kOff..]} and {@code v[vOff..]}. F16 rounds to nearest-even.
     */
    void store(int layer, int position, float[] k, int kOff, float[] v, int vOff) {
        if (position < 0 || position >= capacity) {
            throw new IllegalArgumentException("position " + position + " outside the KV cache [0, " + capacity + ")");
        }
        MemorySegment seg = data;
        for (int h = 0; h < kvHeads; h++) {
            long kAt = keyOffset(layer, h) + (long) position * rowBytes();
            long vAt = valueOffset(layer, h) + (long) position * rowBytes();
            int src = h * headDim;
            if (type == KvCacheType.F16) {
                for (int d = 0; d < headDim; d++) {
                    seg.set(SHORT_LE, kAt + 2L * d, Float.floatToFloat16(k[kOff + src + d]));
                    seg.set(SHORT_LE, vAt + 2L * d, Float.floatToFloat16(v[vOff + src + d]));
                }
            } else {
                MemorySegment.copy(k, kOff + src, seg, FLOAT_LE, kAt, headDim);
                MemorySegment.copy(v, vOff + src, seg, FLOAT_LE, vAt, headDim);
            }
        }
    }

    /**
     * Replaces this cache's contents with the first {@code positions} positions of {@code source} (same model and
     * type; any capacities that hold them): the keys and values are copied, so {@code source} may be shared and read
     * by other threads meanwhile, and is never written. Afterwards {@link #length()} is {@code positions}.
     */
    public void copyFrom(KvCache source, int positions) {
        ensureOpen();
        source.ensureOpen();
        if (source.type != type || source.layers != layers || source.kvHeads != kvHeads || source.headDim != headDim) {
            throw new IllegalArgumentException("KV caches of different shapes: " + source + " and " + this);
        }
        if (positions < 0 || positions > source.length || positions > capacity) {
            throw new IllegalArgumentException("cannot copy " + positions + " positions from a cache of length "
                    + source.length + " into one of capacity " + capacity);
        }
        long rows = (long) positions * rowBytes();
        for (int layer = 0; layer < layers; layer++) {
            for (int h = 0; h < kvHeads; h++) {
                MemorySegment.copy(source.data, source.keyOffset(layer, h), data, keyOffset(layer, h), rows);
                MemorySegment.copy(source.data, source.valueOffset(layer, h), data, valueOffset(layer, h), rows);
            }
        }
        length = positions;
    }

    @Override
    public String toString() {
        return "KvCache[" + type + ", " + layers + " layers x " + kvHeads + " heads x " + headDim + ", " + length
                + "/" + capacity + "]";
    }

    /** The key ({@code values == false}) or value of one head at one position, widened to float. */
    float get(boolean values, int layer, int kvHead, int position, int d) {
        long at = (values ? valueOffset(layer, kvHead) : keyOffset(layer, kvHead)) + (long) position * rowBytes()
                + (long) d * type.bytesPerValue();
        return type == KvCacheType.F16 ? Float.float16ToFloat(data.get(SHORT_LE, at)) : data.get(FLOAT_LE, at);
    }

    /** The segment holding every key and value. */
    MemorySegment data() {
        return data;
    }

    /** Byte offset of position 0 of the keys of {@code kvHead} in {@code layer}; rows follow every {@link #rowBytes()}. */
    long keyOffset(int layer, int kvHead) {
        return ((long) layer * kvHeads + kvHead) * headBytes;
    }

    /** Byte offset of position 0 of the values of {@code kvHead} in {@code layer}. */
    long valueOffset(int layer, int kvHead) {
        return valuesBase + keyOffset(layer, kvHead);
    }

    /** Bytes of one head's key (or value) at one position. */
    long rowBytes() {
        return (long) headDim * type.bytesPerValue();
    }
}
