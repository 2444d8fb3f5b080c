package dev.llama3.gguf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Puts stretches of a read-only file mapping onto transparent huge pages (Linux), in place.
 *
 * <p>Why: decoding streams every weight once per token, and with 4 KiB pages that is a TLB miss per page; in a
 * virtual machine each miss walks two page tables. On the 2-core Sapphire Rapids VM of docs/performance.md the
 * 1B Q4_K_M products took 55-60 ms per token from huge pages against 62-65 ms from the mapped file. Page-cache
 * pages of an ordinary file cannot be huge, so a stretch is copied into anonymous memory advised
 * {@code MADV_HUGEPAGE}, made read-only, and moved by {@code mremap(MREMAP_FIXED)} onto the stretch's own
 * addresses, which replaces the file's pages there. Addresses do not change: every segment sliced from the mapping
 * stays valid and reads the same bytes, and a thread reading during the move sees either page (the kernel swaps
 * them under the process's mapping lock). Unmapping the file's range later unmaps these pages too.
 *
 * <p>Needs Linux on x86-64 or AArch64 (the constants below are theirs), transparent huge pages not set to
 * {@code never}, and native access for this code's module ({@code --enable-native-access}); {@link #unavailable}
 * says which is missing. Without native access nothing here is linked, so the JDK prints no warning.
 */
final class HugePages {
    /** The huge page size of x86-64 and of AArch64 with 4 KiB base pages. */
    static final long HUGE_PAGE = 2L << 20;

    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_PRIVATE = 2;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final int MADV_HUGEPAGE = 14;
    private static final int MADV_DONTDUMP = 16;
    private static final int MREMAP_MAYMOVE = 1;
    private static final int MREMAP_FIXED = 2;
    private static final long MAP_FAILED = -1L;

    private static final Path THP_ENABLED = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

    private HugePages() {}

    /** Why stretches cannot be moved here, or null when they can; asked of the system once per JVM. */
    static String unavailable() {
        return ThisSystem.UNAVAILABLE;
    }

    private static final class ThisSystem {
        static final String UNAVAILABLE = unavailable(System.getProperty("os.name", ""),
                System.getProperty("os.arch", ""), HugePages.class.getModule().isNativeAccessEnabled(), THP_ENABLED);
    }

    /**
     * {@link #unavailable()} for the given system: OS and architecture names, native access, the THP switch (its
     * sibling {@code hpage_pmd_size} gives the huge page size).
     */
    static String unavailable(String osName, String osArch, boolean nativeAccess, Path thpEnabled) {
        String os = osName.toLowerCase(Locale.ROOT);
        String arch = osArch.toLowerCase(Locale.ROOT);
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
        if (!os.startsWith("linux") || !(x86 || arch.equals("aarch64"))) {
            return "huge pages are only used on Linux x86-64 and AArch64 (this is " + osName + " " + osArch + ")";
        }
        if (!nativeAccess) {
            return "native access is not enabled (start the JVM with --enable-native-access=ALL-UNNAMED, or the"
                    + " module's name)";
        }
        try {
            String mode = Files.readString(thpEnabled).trim();
            if (mode.contains("[never]")) {
                return "transparent huge pages are off (" + thpEnabled + ": " + mode + ")";
            }
        } catch (IOException | RuntimeException e) {
            return "transparent huge pages are not available (" + thpEnabled + " cannot be read: " + e + ")";
        }
        // AArch64 kernels with 16 or 64 KiB base pages have 32 or 512 MiB huge pages: then nothing here would be huge
        Path pmdSize = thpEnabled.resolveSibling("hpage_pmd_size");
        try {
            long size = Long.parseLong(Files.readString(pmdSize).trim());
            if (size != HUGE_PAGE) {
                return "huge pages here are " + size + " bytes (" + pmdSize + "), not 2 MiB";
            }
        } catch (IOException | RuntimeException e) {
            if (!x86) { // x86-64's are always 2 MiB
                return "the huge page size cannot be read (" + pmdSize + ": " + e + ")";
            }
        }
        return null;
    }

    /**
     * Replaces the pages of {@code [address, address + bytes)} of {@code mapping} (read-only, {@code address} and
     * {@code bytes} multiples of {@link #HUGE_PAGE}) with a copy on huge pages. On failure the file's pages stay.
     *
     * @throws IOException naming the call that failed
     */
    static void move(MemorySegment mapping, long address, long bytes) throws IOException {
        if (address % HUGE_PAGE != 0 || bytes % HUGE_PAGE != 0 || bytes <= 0) {
            throw new IllegalArgumentException("stretch " + Long.toHexString(address) + " + " + bytes
                    + " is not in whole huge pages");
        }
        long offset = address - mapping.address();
        if (offset < 0 || offset + bytes > mapping.byteSize()) {
            throw new IllegalArgumentException("stretch is outside the mapping");
        }
        Native n = Native.INSTANCE;
        try {
            // one huge page more than needed, so that a huge-page-aligned start is inside
            long reserved = bytes + HUGE_PAGE;
            MemorySegment raw = (MemorySegment) n.mmap.invokeExact(MemorySegment.NULL, reserved,
                    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0L);
            if (raw.address() == MAP_FAILED) {
                throw new IOException("mmap of " + reserved + " bytes of anonymous memory failed");
            }
            long start = (raw.address() + HUGE_PAGE - 1) & -HUGE_PAGE;
            try {
                unmap(n, raw.address(), start - raw.address());
            } catch (Throwable t) {
                release(n, raw.address(), reserved, t);
                throw t;
            }
            try {
                unmap(n, start + bytes, raw.address() + reserved - (start + bytes));
            } catch (Throwable t) {
                release(n, start, raw.address() + reserved - start, t);
                throw t;
            }
            MemorySegment copy = MemorySegment.ofAddress(start).reinterpret(bytes);
            try {
                // advice first: the pages come into being as huge pages when the copy touches them
                check((int) n.madvise.invokeExact(copy, bytes, MADV_HUGEPAGE), "madvise(MADV_HUGEPAGE)");
                // the weights are the file's: a core dump need not hold them a second time
                check((int) n.madvise.invokeExact(copy, bytes, MADV_DONTDUMP), "madvise(MADV_DONTDUMP)");
                MemorySegment.copy(mapping, offset, copy, 0, bytes);
                check((int) n.mprotect.invokeExact(copy, bytes, PROT_READ), "mprotect(PROT_READ)");
                MemorySegment target = MemorySegment.ofAddress(address);
                MemorySegment result = (MemorySegment) n.mremap.invokeExact(copy, bytes, bytes,
                        MREMAP_MAYMOVE | MREMAP_FIXED, target);
                if (result.address() != address) {
                    throw new IOException("mremap onto " + Long.toHexString(address) + " failed");
                }
            } catch (Throwable t) {
                release(n, start, bytes, t);
                throw t;
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("native call failed", t);
        }
    }

    /** Unmaps what a failed move had mapped; a failure to do so is added to {@code cause}. */
    private static void release(Native n, long address, long bytes, Throwable cause) {
        try {
            unmap(n, address, bytes);
        } catch (Throwable t) {
            cause.addSuppressed(t);
        }
    }

    private static void unmap(Native n, long address, long bytes) throws Throwable {
        if (bytes > 0) {
            check((int) n.munmap.invokeExact(MemorySegment.ofAddress(address), bytes), "munmap");
        }
    }

    private static void check(int result, String call) throws IOException {
        if (result != 0) {
            throw new IOException(call + " failed");
        }
    }

    /** The C library's calls, linked on first use only (after {@link #unavailable} said yes). */
    private static final class Native {
        static final Native INSTANCE = new Native();

        final MethodHandle mmap;
        final MethodHandle munmap;
        final MethodHandle madvise;
        final MethodHandle mprotect;
        final MethodHandle mremap;

        private Native() {
            Linker linker = Linker.nativeLinker();
            mmap = link(linker, "mmap", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT,
                    JAVA_INT, JAVA_LONG));
            munmap = link(linker, "munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
            madvise = link(linker, "madvise", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
            mprotect = link(linker, "mprotect", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
            // mremap is variadic: the new address comes after the flags
            mremap = link(linker, "mremap", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_INT,
                    ADDRESS), Linker.Option.firstVariadicArg(4));
        }

        private static MethodHandle link(Linker linker, String name, FunctionDescriptor descriptor,
                                         Linker.Option... options) {
            MemorySegment symbol = linker.defaultLookup().find(name)
                    .orElseThrow(() -> new IllegalStateException("the C library has no " + name));
            return linker.downcallHandle(symbol, descriptor, options);
        }
    }
}
