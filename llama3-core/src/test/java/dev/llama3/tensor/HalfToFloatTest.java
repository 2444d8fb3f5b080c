package dev.llama3.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The Q4_K/Q6_K kernels' own half-to-float conversion is the JDK's, bit for bit, for every half value. */
class HalfToFloatTest {
    @Test
    void everyHalfValueConvertsExactlyAsTheJdkDoes() {
        int mismatches = 0;
        int first = -1;
        for (int bits = 0; bits < 0x10000; bits++) {
            short h = (short) bits;
            if (Float.floatToRawIntBits(VectorKernels.halfToFloat(h)) != Float.floatToRawIntBits(Float.float16ToFloat(h))) {
                mismatches++;
                if (first < 0) {
                    first = bits;
                }
            }
        }
        assertThat(mismatches).as("half values converted differently, first 0x%04x", first).isZero();
    }
}
