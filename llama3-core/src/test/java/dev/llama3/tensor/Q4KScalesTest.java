package dev.llama3.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The 512-bit Q4_K kernels decode a super-block's d and dmin with integer vector operations when both are normal and
 * positive, and through {@link VectorKernels#halfToFloat} otherwise; and its 6-bit scales and mins with one formula
 * for all 16 lanes. Every weight they form must be {@code fma(q, sc * d, m * -dmin)} with the JDK's conversion of
 * the halves, bit for bit, for every half value of d and of dmin. {@code unpackQ4_K512} writes the weights out,
 * and the decode kernels share its scale code (tools/gen_tiled_kernels.py); {@code BatchIndependenceTest} holds
 * them to each other.
 */
class Q4KScalesTest {
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Test
    void everyHalfValueOfDAndDminGivesTheReferenceWeights() {
        assumeTrue(VectorKernels.L == 16, "the Q4_K512 kernels run with 512-bit vectors only (here "
                + VectorKernels.L * 32 + "-bit)");
        Random random = new Random(42);
        float[] weights = new float[256];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment block = arena.allocate(144);
            for (int half = 0; half < 0x10000; half++) {
                for (boolean ofD : new boolean[] {true, false}) {
                    for (int i = 0; i < 144; i++) {
                        block.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt());
                    }
                    short other = Float.floatToFloat16(random.nextFloat() * 0.01f);
                    block.set(SHORT_LE, 0, ofD ? (short) half : other);
                    block.set(SHORT_LE, 2, ofD ? other : (short) half);
                    VectorKernels.unpackQ4_K512(block, 0, 256, weights, 0);
                    float[] expected = reference(block);
                    for (int l = 0; l < 256; l++) {
                        assertThat(Float.floatToIntBits(weights[l]))
                                .as("weight %d with %s = 0x%04x", l, ofD ? "d" : "dmin", half)
                                .isEqualTo(Float.floatToIntBits(expected[l]));
                    }
                }
            }
        }
    }

    /** ggml's Q4_K layout, each weight with one rounding after the scale products. */
    private static float[] reference(MemorySegment block) {
        float d = Float.float16ToFloat(block.get(SHORT_LE, 0));
        float dmin = Float.float16ToFloat(block.get(SHORT_LE, 2));
        int[] b = new int[12];
        for (int i = 0; i < 12; i++) {
            b[i] = block.get(ValueLayout.JAVA_BYTE, 4 + i) & 0xFF;
        }
        float[] w = new float[256];
        for (int j = 0; j < 8; j++) {
            int sc = j < 4 ? b[j] & 63 : (b[j + 4] & 15) | (b[j - 4] >> 6) << 4;
            int m = j < 4 ? b[j + 4] & 63 : (b[j + 4] >> 4) | (b[j] >> 6) << 4;
            float scale = sc * d;
            float min = m * -dmin;
            for (int l = 0; l < 32; l++) {
                int q = block.get(ValueLayout.JAVA_BYTE, 16 + 32 * (j / 2) + l) & 0xFF;
                q = j % 2 == 0 ? q & 15 : q >> 4;
                w[32 * j + l] = Math.fma(q, scale, min);
            }
        }
        return w;
    }
}
