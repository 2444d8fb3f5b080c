package dev.llama3.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Float16Test {
    /** The value of a binary16 pattern from its definition, in double (exact). */
    private static double definitionValue(int h) {
        int sign = (h >>> 15) & 1;
        int e = (h >>> 10) & 0x1F;
        int m = h & 0x3FF;
        double magnitude = e == 0 ? m * 0x1p-24 : (1024 + m) * Math.scalb(1.0, e - 25);
        return sign == 1 ? -magnitude : magnitude;
    }

    /**
     * An independent float -> half conversion (the bit-manipulation algorithm of the FP16 library that ggml uses
     * as its portable fallback): the float is scaled so that the hardware's own round-to-nearest-even does the
     * rounding at half precision.
     */
    private static short referenceFromFloat(float f) {
        float base = (Math.abs(f) * 0x1.0p+112f) * 0x1.0p-110f;
        int w = Float.floatToRawIntBits(f);
        int shl1W = w + w;
        int sign = w & 0x80000000;
        int bias = shl1W & 0xFF000000;
        if (Integer.compareUnsigned(bias, 0x71000000) < 0) {
            bias = 0x71000000;
        }
        base = Float.intBitsToFloat((bias >>> 1) + 0x07800000) + base;
        int bits = Float.floatToRawIntBits(base);
        int expBits = (bits >>> 13) & 0x00007C00;
        int mantissaBits = bits & 0x00000FFF;
        int nonsign = expBits + mantissaBits;
        return (short) ((sign >>> 16) | (Integer.compareUnsigned(shl1W, 0xFF000000) > 0 ? 0x7E00 : nonsign));
    }

    @Test
    void everyHalfConvertsToItsExactValueAndBack() {
        for (int h = 0; h < 65536; h++) {
            float f = Float16.toFloat((short) h);
            boolean nan = ((h >>> 10) & 0x1F) == 0x1F && (h & 0x3FF) != 0;
            if (nan) {
                assertThat(Float.isNaN(f)).as("0x%04x", h).isTrue();
                short back = Float16.fromFloat(f);
                assertThat((back & 0x7C00) == 0x7C00 && (back & 0x3FF) != 0).as("NaN 0x%04x stays NaN", h).isTrue();
                continue;
            }
            double expected = ((h >>> 10) & 0x1F) == 0x1F
                    ? ((h & 0x8000) != 0 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY)
                    : definitionValue(h);
            assertThat(Float.floatToRawIntBits(f)).as("0x%04x", h)
                    .isEqualTo(Float.floatToRawIntBits((float) expected));
            assertThat(Float16.fromFloat(f)).as("round trip 0x%04x", h).isEqualTo((short) h);
        }
    }

    @Test
    void edgeValues() {
        assertThat(Float16.toFloat((short) 0x0000)).isEqualTo(0.0f);
        assertThat(Float.floatToRawIntBits(Float16.toFloat((short) 0x8000))).isEqualTo(0x80000000); // -0
        assertThat(Float16.toFloat((short) 0x0001)).isEqualTo(0x1p-24f); // smallest subnormal
        assertThat(Float16.toFloat((short) 0x03FF)).isEqualTo(6.0975552e-05f); // largest subnormal
        assertThat(Float16.toFloat((short) 0x0400)).isEqualTo(0x1p-14f); // smallest normal
        assertThat(Float16.toFloat((short) 0x7BFF)).isEqualTo(65504f);
        assertThat(Float16.toFloat((short) 0xFBFF)).isEqualTo(-65504f);
        assertThat(Float16.toFloat((short) 0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Float16.fromFloat(-0.0f)).isEqualTo((short) 0x8000);
        assertThat(Float16.fromFloat(Float.NaN) & 0x7E00).isEqualTo(0x7E00); // quiet NaN
    }

    @Test
    void roundsToNearestEven() {
        // every midpoint between two consecutive finite halves goes to the even one; just off it, to the nearer
        for (int h = 0; h < 0x7BFF; h++) {
            double lo = definitionValue(h);
            double hi = definitionValue(h + 1);
            float mid = (float) ((lo + hi) / 2); // exact: 12 significant bits
            short even = (short) ((h & 1) == 0 ? h : h + 1);
            assertThat(Float16.fromFloat(mid)).as("midpoint above 0x%04x", h).isEqualTo(even);
            assertThat(Float16.fromFloat(-mid)).isEqualTo((short) (even | 0x8000));
            assertThat(Float16.fromFloat(Math.nextDown(mid))).isEqualTo((short) h);
            assertThat(Float16.fromFloat(Math.nextUp(mid))).isEqualTo((short) (h + 1));
        }
        assertThat(Float16.fromFloat(65519.996f)).isEqualTo((short) 0x7BFF);
        assertThat(Float16.fromFloat(65520f)).isEqualTo((short) 0x7C00); // ties to even: overflows to infinity
        assertThat(Float16.fromFloat(1e10f)).isEqualTo((short) 0x7C00);
        assertThat(Float16.fromFloat(0x1p-25f)).isEqualTo((short) 0); // half the smallest subnormal: ties to 0
        assertThat(Float16.fromFloat(Math.nextUp(0x1p-25f))).isEqualTo((short) 1);
        assertThat(Float16.fromFloat(1e-30f)).isEqualTo((short) 0);
        assertThat(Float16.fromFloat(-1e-30f)).isEqualTo((short) 0x8000);
    }

    @Test
    void matchesTheFp16LibraryAlgorithmThatGgmlFallsBackTo() {
        // all sign/exponent/upper-mantissa combinations, with low mantissa bits around the rounding boundary
        int[] lowBits = {0, 1, 0x0FFF, 0x1000, 0x1001, 0x1FFF};
        SplittableRandom random = new SplittableRandom(7);
        for (int top = 0; top < (1 << 19); top++) {
            for (int low : lowBits) {
                checkAgainstReference(Float.intBitsToFloat((top << 13) | low));
            }
            checkAgainstReference(Float.intBitsToFloat((top << 13) | random.nextInt(1 << 13)));
        }
    }

    private static void checkAgainstReference(float f) {
        short expected = referenceFromFloat(f);
        short actual = Float16.fromFloat(f);
        if (Float.isNaN(f)) {
            // the reference returns the canonical quiet NaN, F16C and the JDK keep payload bits: both are NaNs
            assertThat((actual & 0x7C00) == 0x7C00 && (actual & 0x3FF) != 0).isTrue();
            assertThat(actual & 0x8000).isEqualTo(expected & 0x8000);
            return;
        }
        if (actual != expected) {
            throw new AssertionError(String.format("fromFloat(%s = 0x%08x): expected 0x%04x but got 0x%04x", f,
                    Float.floatToRawIntBits(f), expected, actual));
        }
    }
}
