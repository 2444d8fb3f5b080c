package dev.llama3.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link GgufFile#moveToHugePages}: the tensor bytes stay the same, at the same addresses, for segments taken before
 * the move and for readers running during it; {@link GgufFile#close} stops a move. Runs where huge pages can be used
 * (Linux with native access, which the build's test JVMs have); elsewhere it checks the refusal.
 */
class HugePagesTest {
    @TempDir
    Path dir;

    /** A file with a 9 MiB tensor of random bytes: at least three whole 2 MiB pages of its data, wherever mapped. */
    private Path bigFile(long seed) throws IOException {
        byte[] bytes = new byte[9 << 20];
        new Random(seed).nextBytes(bytes);
        // finite floats, so that nothing about F32 matters to anyone reading them
        for (int i = 3; i < bytes.length; i += 4) {
            bytes[i] &= 0x3F;
        }
        Path file = dir.resolve("big-" + seed + ".gguf");
        new GgufWriter().putString("general.name", "big").addTensor("big", GgmlType.F32,
                new long[] {bytes.length / 4}, bytes).write(file);
        return file;
    }

    private static long checksum(MemorySegment s) {
        long h = 0;
        for (long i = 0; i + 8 <= s.byteSize(); i += 8) {
            h = h * 31 + s.get(ValueLayout.JAVA_LONG_UNALIGNED, i);
        }
        return h;
    }

    @Test
    void movingKeepsEveryByteAtItsAddressWhileOthersRead() throws Exception {
        String unavailable = GgufFile.hugePagesUnavailable();
        assumeTrue(unavailable == null, () -> "huge pages cannot be used here: " + unavailable);
        try (GgufFile f = GgufFile.open(bigFile(1))) {
            MemorySegment before = f.data(f.tensor("big"));
            long expected = checksum(before);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger reads = new AtomicInteger();
            AtomicReference<String> mismatch = new AtomicReference<>();
            java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
            Thread reader = Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    long h = checksum(before);
                    if (h != expected) {
                        mismatch.compareAndSet(null, "checksum " + h + " instead of " + expected);
                    }
                    reads.incrementAndGet();
                    reading.countDown();
                }
            });
            reading.await(); // so that reads overlap the move even on a slow machine
            List<Long> progress = new ArrayList<>();
            long moved;
            try {
                moved = f.moveToHugePages(progress::add);
            } finally {
                stop.set(true);
                reader.join();
            }
            assertThat(mismatch.get()).isNull();
            assertThat(reads.get()).isPositive();
            assertThat(moved).isGreaterThanOrEqualTo(6L << 20).isEqualTo(moved / HugePages.HUGE_PAGE
                    * HugePages.HUGE_PAGE);
            assertThat(progress).isSorted().endsWith(moved);
            assertThat(f.data(f.tensor("big")).address()).isEqualTo(before.address());
            assertThat(checksum(before)).isEqualTo(expected);
            assertThat(checksum(f.data(f.tensor("big")))).isEqualTo(expected);
        }
    }

    @Test
    void closeStopsAMoveAndAClosedFileMovesNothing() throws Exception {
        assumeTrue(GgufFile.hugePagesUnavailable() == null, "huge pages cannot be used here");
        GgufFile f = GgufFile.open(bigFile(2));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread mover = Thread.ofPlatform().start(() -> {
            try {
                f.moveToHugePages(done -> { });
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        f.close();
        mover.join();
        assertThat(failure.get()).isNull();
        assertThat(f.moveToHugePages(done -> { })).isZero();
    }

    @Test
    void stretchesMustBeWholeHugePagesInsideTheMapping() throws Exception {
        assumeTrue(GgufFile.hugePagesUnavailable() == null, "huge pages cannot be used here");
        try (GgufFile f = GgufFile.open(bigFile(3))) {
            MemorySegment mapping = f.data(f.tensor("big"));
            long aligned = (mapping.address() + HugePages.HUGE_PAGE - 1) & -HugePages.HUGE_PAGE;
            assertThatThrownBy(() -> HugePages.move(mapping, aligned + 4096, HugePages.HUGE_PAGE))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whole huge pages");
            assertThatThrownBy(() -> HugePages.move(mapping, aligned, 64 * HugePages.HUGE_PAGE))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the mapping");
        }
    }

    @Test
    void theReasonsHugePagesCannotBeUsed(@TempDir Path sys) throws Exception {
        Path madvise = Files.writeString(sys.resolve("madvise"), "always [madvise] never\n");
        Path never = Files.writeString(sys.resolve("never"), "always madvise [never]\n");
        Files.writeString(sys.resolve("hpage_pmd_size"), "2097152\n");
        assertThat(HugePages.unavailable("Linux", "amd64", true, madvise)).isNull();
        assertThat(HugePages.unavailable("Linux", "aarch64", true, madvise)).isNull();
        assertThat(HugePages.unavailable("Mac OS X", "aarch64", true, madvise)).contains("only used on Linux")
                .contains("Mac OS X aarch64");
        assertThat(HugePages.unavailable("Linux", "ppc64le", true, madvise)).contains("only used on Linux");
        assertThat(HugePages.unavailable("Linux", "amd64", false, madvise))
                .contains("--enable-native-access=ALL-UNNAMED");
        assertThat(HugePages.unavailable("Linux", "amd64", true, never)).contains("are off").contains("[never]");
        assertThat(HugePages.unavailable("Linux", "amd64", true, sys.resolve("missing")))
                .contains("not available").contains("missing");
        // 16 KiB base pages on AArch64: 32 MiB huge pages
        Path arm16k = Files.createDirectories(sys.resolve("arm16k"));
        Files.writeString(arm16k.resolve("hpage_pmd_size"), "33554432\n");
        Path arm16kEnabled = Files.writeString(arm16k.resolve("enabled"), "always [madvise] never\n");
        assertThat(HugePages.unavailable("Linux", "aarch64", true, arm16kEnabled)).contains("33554432")
                .contains("not 2 MiB");
        // no size file: fine on x86-64, where huge pages are always 2 MiB; not on AArch64
        Path old = Files.createDirectories(sys.resolve("old"));
        Path oldEnabled = Files.writeString(old.resolve("enabled"), "always [madvise] never\n");
        assertThat(HugePages.unavailable("Linux", "amd64", true, oldEnabled)).isNull();
        assertThat(HugePages.unavailable("Linux", "aarch64", true, oldEnabled)).contains("size cannot be read");
    }

    @Test
    void whereHugePagesCannotBeUsedTheMoveIsRefusedWithTheReason() throws Exception {
        String unavailable = GgufFile.hugePagesUnavailable();
        if (unavailable == null) {
            return; // reachable only where the reasons above apply to this JVM
        }
        try (GgufFile f = GgufFile.open(bigFile(4))) {
            assertThatThrownBy(() -> f.moveToHugePages(done -> { }))
                    .isInstanceOf(UnsupportedOperationException.class).hasMessage(unavailable);
        }
    }
}
