package dev.llama3.model;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Zeroed off-heap memory whose pages become resident only when first written.
 *
 * <p>{@link Arena#allocate} zero-fills every byte up front: for an 8K-context KV cache that is 512 MiB written
 * before the first token (about a quarter of a second) and resident for the life of the session even when a
 * conversation uses a few hundred positions. The C library's {@code calloc} serves large blocks with fresh
 * anonymous pages that the kernel zeroes on first touch, so the cost moves to the positions really used.
 *
 * <p>The block is tied to a shared {@link Arena}: closing the arena frees it, and a thread still reading it then
 * gets an {@link IllegalStateException} instead of touching freed memory. Calling {@code calloc} is a restricted
 * (native) operation; when this module has no native access ({@code --enable-native-access}) or the C library
 * cannot be found, {@link Arena#allocate} is used instead, which behaves the same apart from the eager zeroing.
 */
final class LazyNativeMemory {
    private static final Logger log = LoggerFactory.getLogger(LazyNativeMemory.class);

    private static final MethodHandle CALLOC;
    private static final MethodHandle FREE;

    static {
        MethodHandle calloc = null;
        MethodHandle free = null;
        if (LazyNativeMemory.class.getModule().isNativeAccessEnabled()) {
            try {
                Linker linker = Linker.nativeLinker();
                Optional<MemorySegment> c = linker.defaultLookup().find("calloc");
                Optional<MemorySegment> f = linker.defaultLookup().find("free");
                if (c.isPresent() && f.isPresent()) {
                    calloc = linker.downcallHandle(c.get(),
                            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
                    free = linker.downcallHandle(f.get(), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
                }
            } catch (RuntimeException | LinkageError e) {
                log.debug("calloc unavailable ({}); KV caches are zero-filled eagerly", e.toString());
                calloc = null;
                free = null;
            }
        }
        CALLOC = calloc;
        FREE = free;
    }

    private LazyNativeMemory() {}

    /** Whether allocations are lazily backed (native access enabled and the C library found). */
    static boolean lazy() {
        return CALLOC != null;
    }

    /**
     * {@code bytes} zeroed bytes aligned to {@code alignment} (a power of two, at most 4096), owned by {@code arena}
     * and freed when it closes.
     *
     * @throws OutOfMemoryError when the memory cannot be had
     */
    static MemorySegment allocate(Arena arena, long bytes, long alignment) {
        if (CALLOC == null) {
            return arena.allocate(bytes, alignment);
        }
        long padded = Math.addExact(bytes, alignment - 1);
        MemorySegment raw;
        try {
            raw = (MemorySegment) CALLOC.invokeExact(1L, padded);
        } catch (Throwable e) {
            throw new IllegalStateException("calloc failed: " + e, e);
        }
        if (raw.address() == 0) {
            throw new OutOfMemoryError("cannot allocate " + (bytes >> 20) + " MiB off the Java heap");
        }
        MemorySegment owned = raw.reinterpret(padded, arena, LazyNativeMemory::free);
        long start = (alignment - (raw.address() & (alignment - 1))) & (alignment - 1);
        return owned.asSlice(start, bytes);
    }

    private static void free(MemorySegment block) {
        try {
            FREE.invokeExact(block);
        } catch (Throwable e) {
            log.warn("free of a KV cache block failed", e);
        }
    }
}
