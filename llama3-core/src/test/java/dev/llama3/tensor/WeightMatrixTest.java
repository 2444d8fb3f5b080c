package dev.llama3.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llama3.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WeightMatrixTest {
    private static final ComputePool POOL = new ComputePool(4);

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    /** A rows x cols matrix of {@code type} with N(0, 1) values, quantized row by row. */
    static MemorySegment randomMatrix(GgmlType type, int rows, int cols, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long rowBytes = type.byteSize(cols);
        MemorySegment seg = Arena.ofAuto().allocate(rows * rowBytes, 64);
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) random.nextGaussian();
            }
            MemorySegment.copy(MemorySegment.ofArray(Quantizers.quantize(type, row, 0, cols)), 0, seg, r * rowBytes,
                    rowBytes);
        }
        return seg;
    }

    static Stream<Arguments> typesAndKernels() {
        List<Arguments> args = new ArrayList<>();
        for (DotKernels k : KernelImplementations.all()) {
            for (GgmlType t : WeightMatrix.SUPPORTED_TYPES) {
                args.add(Arguments.of(KernelImplementations.name(k), t, k));
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("typesAndKernels")
    void matmulEqualsDotRowAndApproximatesTheDequantizedProduct(String impl, GgmlType type, DotKernels kernels) {
        int rows = 97;
        int cols = 1024 + (type.blockSize() == 1 ? 3 : 0); // float types: a tail that is not a multiple of the lanes
        WeightMatrix w = WeightMatrix.of("w", type, randomMatrix(type, rows, cols, 5), rows, cols, kernels);
        SplittableRandom random = new SplittableRandom(9);
        int batch = 6;
        float[] x = new float[batch * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        float[] out = new float[batch * rows];
        w.matmul(POOL, x, batch, out);
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            w.dequantizeRow(r, row, 0);
            for (int b = 0; b < batch; b++) {
                assertThat(out[b * rows + r]).as("%s row %d batch %d", type, r, b).isEqualTo(w.dotRow(r, x, b * cols));
                double exact = 0;
                double scale = 0;
                for (int j = 0; j < cols; j++) {
                    exact += (double) row[j] * x[b * cols + j];
                    scale += Math.abs((double) row[j] * x[b * cols + j]);
                }
                assertThat((double) out[b * rows + r]).isCloseTo(exact, org.assertj.core.data.Offset.offset(2e-6 * scale));
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("typesAndKernels")
    void compiledKernelsGiveTheSameBitsAsTheFirstCall(String impl, GgmlType type, DotKernels kernels) {
        // Run each kernel long enough for the JIT to compile it: interpreted and compiled code must agree exactly.
        int cols = 512;
        WeightMatrix w = WeightMatrix.of("w", type, randomMatrix(type, 2, cols, 17), 2, cols, kernels);
        float[] x = new float[cols];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < cols; i++) {
            x[i] = (float) random.nextGaussian();
        }
        float first = w.dotRow(1, x, 0);
        for (int i = 0; i < 20_000; i++) {
            float again = w.dotRow(1, x, 0);
            if (Float.floatToRawIntBits(again) != Float.floatToRawIntBits(first)) {
                throw new AssertionError(type + " call " + i + ": " + again + " != first call's " + first);
            }
        }
    }

    @Test
    void rejectsTypesWithoutKernels() {
        for (GgmlType type : new GgmlType[] {GgmlType.Q8_1, GgmlType.Q8_K}) {
            MemorySegment data = MemorySegment.ofArray(new byte[Math.toIntExact(type.byteSize(256))]);
            assertThatThrownBy(() -> WeightMatrix.of("blk.0.ffn_up.weight", type, data, 1, 256))
                    .isInstanceOf(UnsupportedTensorTypeException.class)
                    .hasMessageContaining("blk.0.ffn_up.weight").hasMessageContaining(type.name())
                    .satisfies(e -> {
                        UnsupportedTensorTypeException u = (UnsupportedTensorTypeException) e;
                        assertThat(u.tensorName()).isEqualTo("blk.0.ffn_up.weight");
                        assertThat(u.type()).isEqualTo(type);
                    });
        }
    }

    @Test
    void rejectsShapesThatDoNotMatchTheData() {
        MemorySegment data = MemorySegment.ofArray(new byte[2 * 288]);
        assertThatThrownBy(() -> WeightMatrix.of("t", GgmlType.Q4_K, data, 3, 512))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'t'").hasMessageContaining("864").hasMessageContaining("576");
        assertThatThrownBy(() -> WeightMatrix.of("t", GgmlType.Q4_K, data, 1, 300))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("300").hasMessageContaining("256");
        assertThatThrownBy(() -> WeightMatrix.of("t", GgmlType.Q4_K, data, 0, 256))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 x 256");
        assertThatThrownBy(() -> WeightMatrix.of("t", GgmlType.F32, MemorySegment.ofArray(new float[4]), 1, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("byte[]");
        assertThatThrownBy(() -> WeightMatrix.of("t", null, data, 1, 256)).isInstanceOf(NullPointerException.class);
        try (Arena confined = Arena.ofConfined()) {
            MemorySegment seg = confined.allocate(144);
            assertThatThrownBy(() -> WeightMatrix.of("t", GgmlType.Q4_K, seg, 1, 256))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("confined");
        }
    }

    @Test
    void checksRowAndVectorBounds() {
        WeightMatrix w = WeightMatrix.of("m", GgmlType.Q8_0, randomMatrix(GgmlType.Q8_0, 3, 64, 1), 3, 64);
        assertThat(w.name()).isEqualTo("m");
        assertThat(w.type()).isEqualTo(GgmlType.Q8_0);
        assertThat(w.rows()).isEqualTo(3);
        assertThat(w.cols()).isEqualTo(64);
        assertThat(w.rowBytes()).isEqualTo(68);
        assertThatThrownBy(() -> w.dotRow(3, new float[64], 0)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("'m'").hasMessageContaining("row 3");
        assertThatThrownBy(() -> w.dotRow(-1, new float[64], 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> w.dotRow(0, new float[64], 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> w.dequantizeRow(0, new float[70], 7)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> w.matmul(POOL, new float[127], 2, new float[6]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x has 127");
        assertThatThrownBy(() -> w.matmul(POOL, new float[128], 2, new float[5]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out has 5");
        w.matmul(POOL, new float[0], 0, new float[0]); // empty batch: nothing to do
    }

    @Test
    void matmulGoesThroughThePoolForLargeMatricesAndAgreesWithDotRow() {
        GgmlType type = GgmlType.Q4_0;
        WeightMatrix big = WeightMatrix.of("big", type, randomMatrix(type, 512, 512, 2), 512, 512);
        float[] x = new float[512];
        java.util.Arrays.fill(x, 0.5f);
        float[] out = new float[512];
        big.matmul(POOL, x, 1, out);
        for (int r = 0; r < 512; r++) {
            assertThat(out[r]).isEqualTo(big.dotRow(r, x, 0));
        }
        assertThat(big.toString()).contains("big", "Q4_0", "512 x 512");
    }
}
