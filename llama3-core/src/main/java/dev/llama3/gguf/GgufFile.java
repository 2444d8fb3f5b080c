package dev.llama3.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A GGUF (v2 or v3) file: its metadata, its tensor infos, and its tensor data memory-mapped
 * read-only (files larger than 2 GB included; tensor data is never copied to the heap).
 *
 * <p>Malformed files are refused by {@link #open} with a {@link GgufFormatException}. The typed
 * getters throw {@link IllegalArgumentException} naming the file, the key, the expected and the
 * actual type when a key is missing ({@code get...}) or has another type ({@code get...} and
 * {@code find...}); the {@code find...} methods return empty only for absent keys.
 *
 * <p>Instances are safe to read from many threads. {@link #close()} unmaps the file: segments from
 * {@link #data} must not be used afterwards (access then throws {@link IllegalStateException}).
 * {@link #moveToHugePages} can put the tensor data onto transparent huge pages (a native copy, still not on the heap)
 * without changing any segment.
 */
public final class GgufFile implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GgufFile.class);

    private final Path path;
    private final Arena arena;
    private final MemorySegment mapped;
    private final int version;
    private final long alignment;
    private final long dataOffset;
    private final Map<String, GgufValue> metadata;
    private final List<GgufTensorInfo> tensors;
    private final Map<String, GgufTensorInfo> tensorsByName;
    /** Held while a stretch of the mapping moves onto huge pages, so that {@link #close} waits for it. */
    private final Object moving = new Object();
    private volatile boolean closed;

    private GgufFile(Path path, Arena arena, MemorySegment mapped, GgufParser.Result parsed) {
        this.path = path;
        this.arena = arena;
        this.mapped = mapped;
        this.version = parsed.version();
        this.alignment = parsed.alignment();
        this.dataOffset = parsed.dataOffset();
        this.metadata = parsed.metadata();
        this.tensors = parsed.tensors();
        Map<String, GgufTensorInfo> byName = new HashMap<>(Math.max(16, tensors.size() * 2));
        for (GgufTensorInfo t : tensors) {
            byName.put(t.name(), t);
        }
        this.tensorsByName = byName;
    }

    /**
     * Opens and validates {@code path}.
     *
     * @throws GgufFormatException when the file is not a well-formed GGUF v2/v3 file
     * @throws IOException         when it cannot be read
     */
    public static GgufFile open(Path path) throws IOException {
        long started = System.nanoTime();
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            GgufFile file = new GgufFile(path, arena, mapped, GgufParser.parse(path, mapped));
            if (log.isDebugEnabled()) {
                log.debug("Opened {}: GGUF v{}, {} metadata keys, {} tensors, {} bytes, in {} ms", path,
                        file.version, file.metadata.size(), file.tensors.size(), mapped.byteSize(),
                        (System.nanoTime() - started) / 1_000_000);
            }
            return file;
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /** The GGUF version: 2 or 3. */
    public int version() {
        return version;
    }

    /** The data alignment: {@code general.alignment}, 32 when absent. */
    public long alignment() {
        return alignment;
    }

    /** Absolute byte offset of the tensor data section. */
    public long dataOffset() {
        return dataOffset;
    }

    /** Size of the file in bytes. */
    public long size() {
        return mapped.byteSize();
    }

    /** All metadata in file order (unmodifiable). */
    public Map<String, GgufValue> metadata() {
        return metadata;
    }

    public boolean has(String key) {
        return metadata.containsKey(key);
    }

    /** The raw value of {@code key}, or null when absent. */
    public GgufValue value(String key) {
        return metadata.get(key);
    }

    public String getString(String key) {
        return (String) require(key, GgufValueType.STRING).value();
    }

    public Optional<String> findString(String key) {
        GgufValue v = find(key, GgufValueType.STRING);
        return v == null ? Optional.empty() : Optional.of((String) v.value());
    }

    /** Any integer type; UINT64 values above {@link Long#MAX_VALUE} come back as their raw bits. */
    public long getLong(String key) {
        GgufValue v = require(key);
        checkInteger(key, v);
        return (Long) v.value();
    }

    public OptionalLong findLong(String key) {
        GgufValue v = metadata.get(key);
        if (v == null) {
            return OptionalLong.empty();
        }
        checkInteger(key, v);
        return OptionalLong.of((Long) v.value());
    }

    /** A FLOAT32 (widened exactly) or FLOAT64 value. */
    public double getDouble(String key) {
        GgufValue v = require(key);
        checkFloat(key, v);
        return ((Number) v.value()).doubleValue();
    }

    public OptionalDouble findDouble(String key) {
        GgufValue v = metadata.get(key);
        if (v == null) {
            return OptionalDouble.empty();
        }
        checkFloat(key, v);
        return OptionalDouble.of(((Number) v.value()).doubleValue());
    }

    public boolean getBoolean(String key) {
        return (Boolean) require(key, GgufValueType.BOOL).value();
    }

    public Optional<Boolean> findBoolean(String key) {
        GgufValue v = find(key, GgufValueType.BOOL);
        return v == null ? Optional.empty() : Optional.of((Boolean) v.value());
    }

    /** An array of strings (unmodifiable). */
    @SuppressWarnings("unchecked")
    public List<String> getStringArray(String key) {
        GgufArray a = array(key, GgufValueType.STRING);
        return (List<String>) a.elements();
    }

    /** An array of any integer element type; values outside the int range are refused. */
    public int[] getIntArray(String key) {
        GgufArray a = requireArray(key);
        if (!a.elementType().isInteger()) {
            throw wrongType(key, "an array of integers", "an array of " + a.elementType());
        }
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            long v = (a.elements() instanceof PackedList.Longs l) ? l.values[i] : (Long) a.elements().get(i);
            if (v != (int) v) {
                throw new IllegalArgumentException(path + ": element " + i + " of metadata array '" + key
                        + "' is " + (a.elementType() == GgufValueType.UINT64 ? Long.toUnsignedString(v) : v)
                        + ", outside the int range");
            }
            out[i] = (int) v;
        }
        return out;
    }

    /** An array of FLOAT32 (or FLOAT64, rounded to float) elements. */
    public float[] getFloatArray(String key) {
        GgufArray a = requireArray(key);
        float[] out = new float[a.size()];
        if (a.elements() instanceof PackedList.Floats f) {
            System.arraycopy(f.values, 0, out, 0, out.length);
        } else if (a.elementType().isFloat()) {
            for (int i = 0; i < out.length; i++) {
                out[i] = ((Number) a.elements().get(i)).floatValue();
            }
        } else {
            throw wrongType(key, "an array of FLOAT32 or FLOAT64", "an array of " + a.elementType());
        }
        return out;
    }

    /** All tensors in file order (unmodifiable). */
    public List<GgufTensorInfo> tensors() {
        return tensors;
    }

    /** The tensor named {@code name}, or null when absent. */
    public GgufTensorInfo tensor(String name) {
        return tensorsByName.get(name);
    }

    /**
     * The tensor's bytes: a read-only slice of the mapped file, valid until {@link #close()}.
     *
     * @throws IllegalArgumentException when {@code t} is not a tensor of this file
     */
    public MemorySegment data(GgufTensorInfo t) {
        GgufTensorInfo own = tensorsByName.get(t.name());
        if (!t.equals(own)) {
            throw new IllegalArgumentException(path + ": " + t + " is not a tensor of this file");
        }
        return mapped.asSlice(t.offset(), t.byteSize());
    }

    /**
     * Why {@link #moveToHugePages} cannot move anything in this JVM (not Linux, no native access, transparent huge
     * pages off or not 2 MiB), or null when it can.
     */
    public static String hugePagesUnavailable() {
        return HugePages.unavailable();
    }

    /**
     * Moves the tensor data onto transparent huge pages, in place (Linux; see {@link #hugePagesUnavailable}): in
     * stretches of {@code MOVE_STRETCH} bytes, each copied to anonymous memory on huge pages that then replaces the
     * file's pages at the same addresses. Segments from {@link #data} stay valid and read the same bytes throughout;
     * reading them gets faster (fewer TLB misses). Costs a copy of the data once, and the process's pages of the file
     * are no longer shared with other processes mapping it. Resident memory grows by at most one stretch while a
     * stretch is copied. Meant for a background thread: blocks until done, {@link #close} or a failure (the data not
     * moved yet stays mapped from the file, which is just as correct).
     *
     * @param progress told the bytes moved so far after each stretch
     * @return the bytes moved
     * @throws IOException when a system call fails (what was moved stays moved)
     * @throws UnsupportedOperationException when {@link #hugePagesUnavailable} is not null
     */
    public long moveToHugePages(java.util.function.LongConsumer progress) throws IOException {
        String unavailable = HugePages.unavailable();
        if (unavailable != null) {
            throw new UnsupportedOperationException(unavailable);
        }
        long base = mapped.address();
        long from = (base + dataOffset + HugePages.HUGE_PAGE - 1) & -HugePages.HUGE_PAGE;
        long to = (base + mapped.byteSize()) & -HugePages.HUGE_PAGE;
        long moved = 0;
        for (long at = from; at < to; ) {
            long bytes = Math.min(MOVE_STRETCH, to - at);
            synchronized (moving) {
                if (closed) {
                    break;
                }
                HugePages.move(mapped, at, bytes);
            }
            at += bytes;
            moved += bytes;
            progress.accept(moved);
        }
        return moved;
    }

    /** Bytes {@link #moveToHugePages} copies at a time: the most by which it raises resident memory. */
    static final long MOVE_STRETCH = 32L << 20;

    /** Unmaps the file; idempotent. Segments from {@link #data} become invalid. Waits for a stretch being moved. */
    @Override
    public void close() {
        closed = true;
        synchronized (moving) {
            try {
                arena.close();
            } catch (IllegalStateException alreadyClosed) {
                // closing twice is harmless
            }
        }
    }

    @Override
    public String toString() {
        return "GgufFile[" + path + ", v" + version + ", " + metadata.size() + " keys, " + tensors.size()
                + " tensors]";
    }

    private GgufValue require(String key) {
        GgufValue v = metadata.get(key);
        if (v == null) {
            throw new IllegalArgumentException(path + ": metadata key '" + key + "' is missing");
        }
        return v;
    }

    private GgufValue require(String key, GgufValueType type) {
        GgufValue v = require(key);
        if (v.type() != type) {
            throw wrongType(key, type.toString(), v.type().toString());
        }
        return v;
    }

    private GgufValue find(String key, GgufValueType type) {
        GgufValue v = metadata.get(key);
        if (v != null && v.type() != type) {
            throw wrongType(key, type.toString(), v.type().toString());
        }
        return v;
    }

    private GgufArray requireArray(String key) {
        return (GgufArray) require(key, GgufValueType.ARRAY).value();
    }

    private GgufArray array(String key, GgufValueType elementType) {
        GgufArray a = requireArray(key);
        if (a.elementType() != elementType) {
            throw wrongType(key, "an array of " + elementType, "an array of " + a.elementType());
        }
        return a;
    }

    private void checkInteger(String key, GgufValue v) {
        if (!v.type().isInteger()) {
            throw wrongType(key, "an integer type", v.type().toString());
        }
    }

    private void checkFloat(String key, GgufValue v) {
        if (!v.type().isFloat()) {
            throw wrongType(key, "FLOAT32 or FLOAT64", v.type().toString());
        }
    }

    private IllegalArgumentException wrongType(String key, String expected, String actual) {
        return new IllegalArgumentException(path + ": metadata key '" + key + "' has type " + actual
                + ", expected " + expected);
    }
}
