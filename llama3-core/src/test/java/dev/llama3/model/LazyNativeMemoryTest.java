package dev.llama3.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class LazyNativeMemoryTest {

    @Test
    void nativeAccessIsEnabledInTheTestJvmSoTheLazyPathIsTheOneTested() {
        // surefire starts the JVM with --enable-native-access=ALL-UNNAMED, as bin/llama3 does
        assertThat(LazyNativeMemory.lazy()).isTrue();
    }

    @Test
    void blocksAreZeroedAlignedAndOfTheRequestedSize() {
        for (long size : new long[] {1, 63, 4096, 3 << 20, 64L << 20}) {
            try (Arena arena = Arena.ofShared()) {
                MemorySegment s = LazyNativeMemory.allocate(arena, size, 64);
                assertThat(s.byteSize()).isEqualTo(size);
                assertThat(s.address() % 64).isZero();
                for (long at = 0; at < size; at += Math.max(1, size / 97)) {
                    assertThat(s.get(ValueLayout.JAVA_BYTE, at)).as("byte %d of %d", at, size).isZero();
                }
                s.set(ValueLayout.JAVA_BYTE, size - 1, (byte) 7);
                assertThat(s.get(ValueLayout.JAVA_BYTE, size - 1)).isEqualTo((byte) 7);
            }
        }
    }

    @Test
    void accessAfterTheArenaClosesFailsInsteadOfTouchingFreedMemory() {
        Arena arena = Arena.ofShared();
        MemorySegment s = LazyNativeMemory.allocate(arena, 1 << 20, 64);
        arena.close();
        assertThatThrownBy(() -> s.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void manyLargeBlocksAreFreedOnClose() {
        // 64 x 256 MiB = 16 GiB in total: only possible if each block is returned (and untouched pages cost nothing)
        for (int i = 0; i < 64; i++) {
            try (Arena arena = Arena.ofShared()) {
                MemorySegment s = LazyNativeMemory.allocate(arena, 256L << 20, 64);
                s.set(ValueLayout.JAVA_LONG, 0, i);
            }
        }
    }
}
