package dev.llama3.tensor;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a float array's elements meet 64-byte boundaries, so that kernels can place their 512-bit loads on them.
 *
 * <p>A Java array's elements start 16 bytes after an 8-byte-aligned object, so a 64-byte vector load from a float
 * array almost always spans two cache lines, and such split loads go through the load ports at half the rate: on
 * Sapphire Rapids one core streamed 3.0 G 512-bit loads/s from a float array at 16 bytes past a cache line and
 * 6.1 G/s from one on a line boundary (an FMA per two loads, L1-resident; docs/performance.md, "Aligned
 * panels"). Java has no API for an array's address, but a C function called with the array as a heap segment
 * ({@link Linker.Option#critical(boolean)}) receives it: {@code memmove(a, a, 0)} copies nothing and returns its
 * first argument. The address holds only until the garbage collector moves the array; the caller asks again for
 * each product, and a move in between costs speed, not correctness.
 *
 * <p>Calling C is a restricted operation: without native access for this module ({@code --enable-native-access},
 * as {@code bin/llama3} and the tests run) or without the C library, {@link #alignedIndex} answers -1 and the kernels
 * use the arrays from index 0, wherever that falls (the results are the same; only the speed differs).
 */
final class ArrayAlignment {
    private static final Logger log = LoggerFactory.getLogger(ArrayAlignment.class);

    /** Bytes per 512-bit vector and cache line. */
    static final int BYTES = 64;

    private static final MethodHandle MEMMOVE;

    static {
        MethodHandle memmove = null;
        if (!ArrayAlignment.class.getModule().isNativeAccessEnabled()) {
            log.debug("no native access (--enable-native-access); batched products read arrays unaligned");
        } else {
            try {
                Linker linker = Linker.nativeLinker();
                Optional<MemorySegment> f = linker.defaultLookup().find("memmove");
                if (f.isPresent()) {
                    memmove = linker.downcallHandle(f.get(), FunctionDescriptor.of(ValueLayout.ADDRESS,
                            ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), Linker.Option.critical(true));
                }
            } catch (RuntimeException | LinkageError e) {
                log.debug("memmove unavailable ({}); batched K-quant products read unaligned arrays", e.toString());
                memmove = null;
            }
        }
        MEMMOVE = memmove;
    }

    private ArrayAlignment() {}

    /** Whether {@link #alignedIndex} can answer (native access enabled and the C library found). */
    static boolean available() {
        return MEMMOVE != null;
    }

    /**
     * The first index {@code i} in {@code [0, 16)} at which {@code a[i]} starts a 64-byte line at this moment, or -1
     * when that cannot be known (see the class comment). {@code a} must have at least one element.
     */
    static int alignedIndex(float[] a) {
        if (MEMMOVE == null) {
            return -1;
        }
        MemorySegment s = MemorySegment.ofArray(a);
        long address;
        try {
            address = ((MemorySegment) MEMMOVE.invokeExact(s, s, 0L)).address();
        } catch (Throwable e) {
            throw new IllegalStateException("memmove failed: " + e, e);
        }
        return (int) ((-address & (BYTES - 1)) >>> 2);
    }
}
