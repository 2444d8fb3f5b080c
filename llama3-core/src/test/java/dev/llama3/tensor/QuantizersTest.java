package dev.llama3.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llama3.gguf.GgmlType;
import dev.llama3.testing.Fixtures;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class QuantizersTest {
    private static float[] dequantize(GgmlType type, byte[] blocks, int n) {
        float[] y = new float[n];
        Dequantizer.dequantize(type, MemorySegment.ofArray(blocks), 0, n, y, 0);
        return y;
    }

    private static float half(byte[] b, int o) {
        return Float16.toFloat((short) ((b[o] & 0xFF) | (b[o + 1] << 8)));
    }

    @Test
    void q8_0RoundsHalfwayValuesAwayFromZeroLikeRoundf() {
        float[] x = new float[32];
        float[] values = {127f, -127f, 63.5f, -63.5f, 0.5f, -0.5f, 1.49f, 2.5f, -2.5f, 0.49f, 100.2f, -0f};
        System.arraycopy(values, 0, x, 0, values.length);
        byte[] q = Quantizers.quantize(GgmlType.Q8_0, x, 0, 32);
        assertThat(q).hasSize(34);
        assertThat(half(q, 0)).isEqualTo(1.0f); // d = amax / 127 = 1
        byte[] expected = new byte[32];
        byte[] expectedHead = {127, -127, 64, -64, 1, -1, 1, 3, -3, 0, 100, 0};
        System.arraycopy(expectedHead, 0, expected, 0, expectedHead.length);
        assertThat(Arrays.copyOfRange(q, 2, 34)).containsExactly(expected);
    }

    @Test
    void q8_0OfAllZerosHasZeroScaleAndQuants() {
        byte[] q = Quantizers.quantize(GgmlType.Q8_0, new float[64], 0, 64);
        assertThat(q).containsOnly(0);
    }

    @Test
    void q4_0UsesTheSignedMaximumAsMinusEightAndTruncatesAfterAddingEightAndAHalf() {
        float[] x = new float[32];
        // max |x| is the -8 at index 0, so d = -8 / -8 = 1 and q = min(15, (int) (x + 8.5))
        float[] values = {-8f, 7f, 7.4f, -7.5f, 0.49f, 0.5f, 6.6f, -0.6f};
        System.arraycopy(values, 0, x, 0, values.length);
        x[16] = 3f;
        x[31] = -1f;
        byte[] q = Quantizers.quantize(GgmlType.Q4_0, x, 0, 32);
        assertThat(q).hasSize(18);
        assertThat(half(q, 0)).isEqualTo(1.0f);
        int[] lo = {0, 15, 15, 1, 8, 9, 15, 7, 8, 8, 8, 8, 8, 8, 8, 8};
        int[] hi = {11, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 7};
        for (int j = 0; j < 16; j++) {
            assertThat(q[2 + j] & 0xFF).as("byte %d", j).isEqualTo(lo[j] | (hi[j] << 4));
        }
        // a positive extreme gives a negative scale: +8 maps to level 0 and dequantizes back to +8
        float[] pos = new float[32];
        pos[5] = 8f;
        pos[6] = -2f;
        byte[] p = Quantizers.quantize(GgmlType.Q4_0, pos, 0, 32);
        assertThat(half(p, 0)).isEqualTo(-1.0f);
        assertThat(dequantize(GgmlType.Q4_0, p, 32)[5]).isEqualTo(8f);
        assertThat(dequantize(GgmlType.Q4_0, p, 32)[6]).isEqualTo(-2f);
    }

    @Test
    void q8_0AndQ4_0ErrorsStayWithinHalfAStep() {
        SplittableRandom random = new SplittableRandom(3);
        float[] x = new float[4096];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextGaussian() * (1 + 10 * (i / 32 % 3)));
        }
        float[] y8 = dequantize(GgmlType.Q8_0, Quantizers.quantize(GgmlType.Q8_0, x, 0, x.length), x.length);
        float[] y4 = dequantize(GgmlType.Q4_0, Quantizers.quantize(GgmlType.Q4_0, x, 0, x.length), x.length);
        for (int b = 0; b < x.length / 32; b++) {
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[32 * b + j]));
            }
            for (int j = 0; j < 32; j++) {
                int i = 32 * b + j;
                // half a step, plus the f16 rounding of the scale times the largest level
                assertThat((double) Math.abs(x[i] - y8[i])).isLessThanOrEqualTo(amax / 127 * (0.5 + 127 * 0x1p-11));
                // the opposite extreme may be clamped from level 16 to 15: at most one full step
                assertThat((double) Math.abs(x[i] - y4[i])).isLessThanOrEqualTo(amax / 8 * (1 + 8 * 0x1p-11));
            }
        }
    }

    static Stream<Arguments> errorBounds() {
        // relative RMS error bounds for N(0,1) data (measured values are about 0.75x these)
        return Stream.of(
                Arguments.of(GgmlType.F16, 0.0003), Arguments.of(GgmlType.BF16, 0.0025),
                Arguments.of(GgmlType.Q8_0, 0.0075), Arguments.of(GgmlType.Q4_0, 0.12),
                Arguments.of(GgmlType.Q4_1, 0.11), Arguments.of(GgmlType.Q5_0, 0.06),
                Arguments.of(GgmlType.Q5_1, 0.055), Arguments.of(GgmlType.Q2_K, 0.40),
                Arguments.of(GgmlType.Q3_K, 0.21), Arguments.of(GgmlType.Q4_K, 0.10),
                Arguments.of(GgmlType.Q5_K, 0.05), Arguments.of(GgmlType.Q6_K, 0.025),
                Arguments.of(GgmlType.IQ4_NL, 0.105), Arguments.of(GgmlType.IQ4_XS, 0.105));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errorBounds")
    void quantizedRowsDequantizeCloseToTheInput(GgmlType type, double bound) {
        for (int seed = 0; seed < 10; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            int n = 2048;
            float[] src = new float[n + 7];
            for (int i = 0; i < src.length; i++) {
                src[i] = (float) random.nextGaussian();
            }
            byte[] q = Quantizers.quantize(type, src, 7, n);
            assertThat((long) q.length).isEqualTo(type.byteSize(n));
            float[] y = dequantize(type, q, n);
            double err = 0;
            double norm = 0;
            for (int i = 0; i < n; i++) {
                assertThat(Float.isFinite(y[i])).isTrue();
                err += Math.pow(src[7 + i] - y[i], 2);
                norm += Math.pow(src[7 + i], 2);
            }
            assertThat(Math.sqrt(err / norm)).as("%s seed %d", type, seed).isLessThan(bound);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errorBounds")
    void zeroAndConstantRowsStayFinite(GgmlType type, double bound) {
        int n = 512;
        float[] zeros = new float[n];
        for (float v : dequantize(type, Quantizers.quantize(type, zeros, 0, n), n)) {
            assertThat(v == 0f).as("%s of zeros gives +-0, got %s", type, v).isTrue(); // ggml gives -0 for some types
        }
        float[] constant = new float[n];
        Arrays.fill(constant, -0.75f);
        float[] y = dequantize(type, Quantizers.quantize(type, constant, 0, n), n);
        for (float v : y) {
            assertThat((double) v).isCloseTo(-0.75, org.assertj.core.data.Offset.offset(0.75 * bound * 4));
        }
    }

    @Test
    void floatFormatsStoreTheConvertedValues() {
        float[] x = {1.5f, -0.1f, 65504f, 1e-8f, Float.NEGATIVE_INFINITY};
        byte[] f32 = Quantizers.quantize(GgmlType.F32, x, 0, x.length);
        byte[] f16 = Quantizers.quantize(GgmlType.F16, x, 0, x.length);
        byte[] bf16 = Quantizers.quantize(GgmlType.BF16, x, 0, x.length);
        MemorySegment s32 = MemorySegment.ofArray(f32);
        MemorySegment s16 = MemorySegment.ofArray(f16);
        MemorySegment sb16 = MemorySegment.ofArray(bf16);
        for (int i = 0; i < x.length; i++) {
            assertThat(s32.get(Dequantizer.FLOAT_LE, 4L * i)).isEqualTo(x[i]);
            assertThat(s16.get(Dequantizer.SHORT_LE, 2L * i)).isEqualTo(Float16.fromFloat(x[i]));
            assertThat(sb16.get(Dequantizer.SHORT_LE, 2L * i)).isEqualTo(BFloat16.fromFloat(x[i]));
        }
    }

    @Test
    void rejectsPartialBlocksAndActivationOnlyTypes() {
        assertThatThrownBy(() -> Quantizers.quantize(GgmlType.Q4_K, new float[300], 0, 300))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("300").hasMessageContaining("Q4_K");
        assertThatThrownBy(() -> Quantizers.quantize(GgmlType.Q8_K, new float[256], 0, 256))
                .isInstanceOf(UnsupportedTensorTypeException.class).hasMessageContaining("Q8_K");
        assertThatThrownBy(() -> Quantizers.quantize(GgmlType.Q8_1, new float[32], 0, 32))
                .isInstanceOf(UnsupportedTensorTypeException.class).hasMessageContaining("Q8_1");
        assertThatThrownBy(() -> Quantizers.quantize(GgmlType.Q8_0, new float[32], 8, 32))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    /** The 2-D tensors of a model file: name -> tensor. */
    private static Map<String, MiniGguf.Tensor> matrices(MiniGguf file) {
        Map<String, MiniGguf.Tensor> out = new java.util.LinkedHashMap<>();
        file.tensors.forEach((name, t) -> {
            if (t.shape().length == 2) {
                out.put(name, t);
            }
        });
        return out;
    }

    @Test
    void q4_0IsByteIdenticalToLlamaQuantizeOfTheSameF32Model() throws IOException {
        // tiny64-q4_0 was made by `llama-quantize --pure Q4_0` from tiny64-f32 (fixtures README, section 1)
        MiniGguf f32 = new MiniGguf(Fixtures.require("models/tiny64-f32.gguf"));
        MiniGguf q40 = new MiniGguf(Fixtures.require("models/tiny64-q4_0.gguf"));
        Map<String, MiniGguf.Tensor> sources = matrices(f32);
        assertThat(sources).isNotEmpty();
        for (MiniGguf.Tensor src : sources.values()) {
            MiniGguf.Tensor expected = q40.tensor(src.name());
            assertThat(src.type()).isEqualTo(GgmlType.F32);
            assertThat(expected.type()).isEqualTo(GgmlType.Q4_0);
            int cols = (int) src.shape()[0];
            int rows = (int) src.shape()[1];
            float[] row = new float[cols];
            long rowBytes = GgmlType.Q4_0.byteSize(cols);
            for (int r = 0; r < rows; r++) {
                MemorySegment.copy(src.data(), Dequantizer.FLOAT_LE, 4L * r * cols, row, 0, cols);
                byte[] actual = Quantizers.quantize(GgmlType.Q4_0, row, 0, cols);
                byte[] want = expected.data().asSlice(r * rowBytes, rowBytes).toArray(ValueLayout.JAVA_BYTE);
                if (!Arrays.equals(actual, want)) {
                    throw new AssertionError(src.name() + " row " + r + " differs from llama-quantize's Q4_0 bytes: "
                            + Arrays.toString(Arrays.copyOf(actual, 24)) + " vs " + Arrays.toString(Arrays.copyOf(want, 24)));
                }
            }
        }
    }

    @Test
    void requantizingLlamaQuantizeQ8_0DataReproducesItExactly() throws IOException {
        // A Q8_0 block made by ggml's reference quantizer has a level of +-127 at its largest value, so quantizing
        // its dequantized values again must give back the same scale and quants.
        MiniGguf q80 = new MiniGguf(Fixtures.require("models/tiny64-q8_0.gguf"));
        for (MiniGguf.Tensor t : matrices(q80).values()) {
            assertThat(t.type()).isEqualTo(GgmlType.Q8_0);
            int cols = (int) t.shape()[0];
            int rows = (int) Math.min(t.shape()[1], 4096);
            long rowBytes = GgmlType.Q8_0.byteSize(cols);
            float[] row = new float[cols];
            for (int r = 0; r < rows; r++) {
                Dequantizer.dequantize(GgmlType.Q8_0, t.data(), r * rowBytes, cols, row, 0);
                byte[] again = Quantizers.quantize(GgmlType.Q8_0, row, 0, cols);
                byte[] want = t.data().asSlice(r * rowBytes, rowBytes).toArray(ValueLayout.JAVA_BYTE);
                assertThat(again).as("%s row %d", t.name(), r).containsExactly(want);
            }
        }
    }
}
