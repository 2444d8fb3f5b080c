package dev.llama3.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BFloat16Test {
    @Test
    void everyBfloat16IsTheUpperHalfOfAFloatAndRoundTrips() {
        for (int b = 0; b < 65536; b++) {
            float f = BFloat16.toFloat((short) b);
            if (Float.isNaN(f)) {
                short back = BFloat16.fromFloat(f);
                assertThat(back & 0x0040).as("quiet bit set for NaN 0x%04x", b).isEqualTo(0x0040);
                assertThat(back & 0xFFBF).as("other NaN bits kept").isEqualTo(b & 0xFFBF);
                continue;
            }
            assertThat(Float.floatToRawIntBits(f)).isEqualTo(b << 16);
            assertThat(BFloat16.fromFloat(f)).as("round trip 0x%04x", b).isEqualTo((short) b);
        }
    }

    /** The nearest bfloat16 by distance (ties to the even pattern), from the two candidates around f. */
    private static short nearest(float f) {
        int u = Float.floatToRawIntBits(f);
        int lo = u >>> 16;
        int hi = lo + 1;
        double dl = Math.abs((double) Float.intBitsToFloat(lo << 16) - f);
        float hf = Float.intBitsToFloat(hi << 16);
        double dh = Float.isInfinite(hf) && !Float.isInfinite(f)
                // the overflow candidate: distance to 2^128, where rounding would land if the exponent were wider
                ? Math.abs(Math.copySign(0x1p128, f) - f)
                : Math.abs((double) hf - f);
        if (dl < dh) {
            return (short) lo;
        }
        if (dh < dl) {
            return (short) hi;
        }
        return (short) ((lo & 1) == 0 ? lo : hi);
    }

    @Test
    void roundsToNearestEvenLikeGgml() {
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 2_000_000; i++) {
            int bits = i < 1_000_000 ? random.nextInt() : (random.nextInt() & 0xFFFF0000) | 0x8000; // ties
            float f = Float.intBitsToFloat(bits);
            if (Float.isNaN(f) || Float.isInfinite(f)) {
                continue;
            }
            assertThat(BFloat16.fromFloat(f)).as("0x%08x", bits).isEqualTo(nearest(f));
        }
        assertThat(BFloat16.fromFloat(1.00390625f)).isEqualTo((short) 0x3F80); // 1 + 2^-8: tie, to even (1.0)
        assertThat(BFloat16.fromFloat(1.01171875f)).isEqualTo((short) 0x3F82); // 1 + 3*2^-8: tie, to even
        assertThat(BFloat16.fromFloat(Float.MAX_VALUE)).isEqualTo((short) 0x7F80); // overflows to +inf
        assertThat(BFloat16.fromFloat(Float.NEGATIVE_INFINITY)).isEqualTo((short) 0xFF80);
        assertThat(BFloat16.fromFloat(1e-40f)).as("subnormals are rounded, not flushed").isEqualTo((short) 0x0001);
        assertThat(BFloat16.fromFloat(-0.0f)).isEqualTo((short) 0x8000);
        assertThat(BFloat16.fromFloat(Float.intBitsToFloat(0x7F800001))).isEqualTo((short) 0x7FC0); // signalling NaN
    }
}
