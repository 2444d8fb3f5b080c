package dev.llama3.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class KvCacheTest {
    /** 2 layers, 4 query heads / 2 KV heads of 16 values: kvDim 32. */
    static final LlamaConfig CONFIG = new LlamaConfig(64, 2, 4, 2, 192, 1e-5f, 500000f, 16, 1f, 2048, 512);

    @Test
    void f16RoundTripIsExactForEveryFiniteHalfValue() {
        try (KvCache cache = new KvCache(CONFIG, 2048, KvCacheType.F16)) {
            int kvDim = CONFIG.kvDim();
            float[] k = new float[kvDim];
            float[] v = new float[kvDim];
            // every finite binary16 bit pattern (signed zeros, subnormals, +-65504), 32 per row, keys and values
            int bits = 0;
            for (int pos = 0; bits < 0x10000; pos++) {
                for (int i = 0; i < kvDim; i++) {
                    k[i] = nextFinite(bits++);
                    v[i] = -k[i];
                }
                int layer = pos & 1;
                cache.store(layer, pos, k, 0, v, 0);
                for (int i = 0; i < kvDim; i++) {
                    int head = i / CONFIG.headDim();
                    int d = i % CONFIG.headDim();
                    assertThat(Float.floatToRawIntBits(cache.get(false, layer, head, pos, d)))
                            .as("key %s at position %d", k[i], pos).isEqualTo(Float.floatToRawIntBits(k[i]));
                    assertThat(Float.floatToRawIntBits(cache.get(true, layer, head, pos, d)))
                            .as("value %s at position %d", v[i], pos).isEqualTo(Float.floatToRawIntBits(v[i]));
                }
            }
        }
    }

    /** The value of half bit pattern {@code bits}, with Inf/NaN patterns replaced by 1. */
    private static float nextFinite(int bits) {
        float f = Float.float16ToFloat((short) bits);
        return Float.isFinite(f) ? f : 1f;
    }

    @Test
    void f16RoundsToNearestEven() {
        try (KvCache cache = new KvCache(CONFIG, 4, KvCacheType.F16)) {
            float[] k = new float[CONFIG.kvDim()];
            float[] v = new float[CONFIG.kvDim()];
            k[0] = 1f + 0x1p-11f;        // halfway between 1 and 1 + 2^-10: to the even one, 1
            k[1] = 1f + 3 * 0x1p-11f;    // halfway between 1 + 2^-10 and 1 + 2^-9: to the even one, 1 + 2^-9
            k[2] = 1f + 0x1.8p-11f;      // above halfway: up
            k[3] = 70000f;               // beyond the largest half: infinity, as ggml
            k[4] = 1e-9f;                // below half the smallest subnormal: zero
            cache.store(0, 3, k, 0, v, 0);
            assertThat(cache.get(false, 0, 0, 3, 0)).isEqualTo(1f);
            assertThat(cache.get(false, 0, 0, 3, 1)).isEqualTo(1f + 0x1p-9f);
            assertThat(cache.get(false, 0, 0, 3, 2)).isEqualTo(1f + 0x1p-10f);
            assertThat(cache.get(false, 0, 0, 3, 3)).isEqualTo(Float.POSITIVE_INFINITY);
            assertThat(cache.get(false, 0, 0, 3, 4)).isEqualTo(0f);
        }
    }

    @ParameterizedTest
    @EnumSource(KvCacheType.class)
    void everyLayerHeadAndPositionHasItsOwnPlace(KvCacheType type) {
        int capacity = 31;
        try (KvCache cache = new KvCache(CONFIG, capacity, type)) {
            int kvDim = CONFIG.kvDim();
            float[] k = new float[kvDim];
            float[] v = new float[kvDim];
            for (int layer = 0; layer < CONFIG.blockCount(); layer++) {
                for (int pos = 0; pos < capacity; pos++) {
                    for (int i = 0; i < kvDim; i++) {
                        k[i] = tag(layer, pos, i);
                        v[i] = -tag(layer, pos, i);
                    }
                    cache.store(layer, pos, k, 0, v, 0);
                }
            }
            for (int layer = 0; layer < CONFIG.blockCount(); layer++) {
                for (int pos = 0; pos < capacity; pos++) {
                    for (int i = 0; i < kvDim; i++) {
                        int head = i / CONFIG.headDim();
                        int d = i % CONFIG.headDim();
                        assertThat(cache.get(false, layer, head, pos, d)).isEqualTo(tag(layer, pos, i));
                        assertThat(cache.get(true, layer, head, pos, d)).isEqualTo(-tag(layer, pos, i));
                    }
                }
            }
            assertThatThrownBy(() -> cache.store(0, capacity, k, 0, v, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("position " + capacity);
        }
    }

    /** Distinct integers up to 2^11 (31 positions, 32 values), exact in binary16 as in binary32. */
    private static float tag(int layer, int pos, int i) {
        return (layer * 31 + pos) * 32 + i + 1;
    }

    @Test
    void f32RoundTripIsExact() {
        try (KvCache cache = new KvCache(CONFIG, 8, KvCacheType.F32)) {
            SplittableRandom random = new SplittableRandom(5);
            float[] k = new float[CONFIG.kvDim()];
            float[] v = new float[CONFIG.kvDim()];
            for (int i = 0; i < k.length; i++) {
                k[i] = Float.intBitsToFloat(random.nextInt());
                v[i] = (float) random.nextGaussian();
            }
            cache.store(1, 7, k, 0, v, 0);
            for (int i = 0; i < k.length; i++) {
                int head = i / CONFIG.headDim();
                int d = i % CONFIG.headDim();
                assertThat(Float.floatToRawIntBits(cache.get(false, 1, head, 7, d))).isEqualTo(Float.floatToRawIntBits(k[i]));
                assertThat(cache.get(true, 1, head, 7, d)).isEqualTo(v[i]);
            }
        }
    }

    @Test
    void lengthAndTruncate() {
        try (KvCache cache = new KvCache(CONFIG, 16, KvCacheType.F16)) {
            assertThat(cache.capacity()).isEqualTo(16);
            assertThat(cache.length()).isZero();
            cache.setLength(10);
            cache.truncate(10);
            assertThat(cache.length()).isEqualTo(10);
            cache.truncate(4);
            assertThat(cache.length()).isEqualTo(4);
            assertThatThrownBy(() -> cache.truncate(5)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("length 4 to 5");
            assertThatThrownBy(() -> cache.truncate(-1)).isInstanceOf(IllegalArgumentException.class);
            cache.truncate(0);
            assertThat(cache.length()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(KvCacheType.class)
    void bytesIsTheRealSize(KvCacheType type) {
        try (KvCache cache = new KvCache(CONFIG, 100, type)) {
            long expected = 2L * CONFIG.blockCount() * 100 * CONFIG.kvDim() * (type == KvCacheType.F16 ? 2 : 4);
            assertThat(cache.bytes()).isEqualTo(expected).isEqualTo(KvCache.bytesFor(CONFIG, 100, type));
            assertThat(cache.data().byteSize()).isEqualTo(expected);
            assertThat(cache.type()).isEqualTo(type);
        }
        assertThat(KvCache.bytesFor(CONFIG, 100, KvCacheType.F16) * 2).isEqualTo(KvCache.bytesFor(CONFIG, 100, KvCacheType.F32));
    }

    @ParameterizedTest
    @EnumSource(KvCacheType.class)
    void useAfterCloseThrowsIllegalState(KvCacheType type) {
        KvCache cache = new KvCache(CONFIG, 8, type);
        float[] row = new float[CONFIG.kvDim()];
        cache.store(0, 0, row, 0, row, 0);
        cache.setLength(1);
        cache.close();
        cache.close(); // idempotent
        assertThat(cache.isOpen()).isFalse();
        assertThat(cache.bytes()).isZero();
        assertThatThrownBy(cache::ensureOpen).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> cache.truncate(0)).isInstanceOf(IllegalStateException.class);
        // the released memory itself refuses access (no crash), even through package-private paths
        assertThatThrownBy(() -> cache.store(0, 0, row, 0, row, 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cache.get(false, 0, 0, 0, 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> AttentionKernels.active().halfToFloat(cache.data(), 0, 16, new float[16], 0))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void badSizesAreRefusedClearly() {
        assertThatThrownBy(() -> new KvCache(CONFIG, 0, KvCacheType.F16))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity");
        assertThatThrownBy(() -> new KvCache(CONFIG, 8, null)).isInstanceOf(IllegalArgumentException.class);
        // 2 x 80 layers x 8192 x 2^31 positions x 2 bytes: more memory than any machine has
        LlamaConfig huge = new LlamaConfig(65536, 80, 64, 64, 192, 1e-5f, 500000f, 16, 1f, 2048, 512);
        assertThatThrownBy(() -> new KvCache(huge, Integer.MAX_VALUE, KvCacheType.F16))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MiB");
    }

    @Test
    void typeNamesParse() {
        assertThat(KvCacheType.parse(" f16 ")).isEqualTo(KvCacheType.F16);
        assertThat(KvCacheType.parse("F32")).isEqualTo(KvCacheType.F32);
        assertThatThrownBy(() -> KvCacheType.parse("q8_0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("q8_0");
    }
}
