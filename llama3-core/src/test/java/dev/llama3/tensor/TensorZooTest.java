package dev.llama3.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.llama3.gguf.GgmlType;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every GGML type of the fixtures' tensor zoo, for every kernel implementation: dequantization bit-exact to
 * ggml's reference, dot products within 1e-6 of the float64 reference (relative to the row's sum |ref*x|),
 * and matmul equal to dotRow.
 */
class TensorZooTest {
    static Stream<Arguments> cases() throws IOException {
        TensorZoo zoo = TensorZoo.load();
        List<Arguments> args = new ArrayList<>();
        for (DotKernels k : KernelImplementations.all()) {
            for (String type : zoo.types) {
                args.add(Arguments.of(KernelImplementations.name(k), type, k));
            }
        }
        return args.stream();
    }

    private static WeightMatrix matrix(TensorZoo zoo, String type, DotKernels kernels) {
        MiniGguf.Tensor q = zoo.tensor(type + ".q");
        assertThat(q.type()).isEqualTo(GgmlType.valueOf(type));
        assertThat(q.shape()).containsExactly(zoo.cols, zoo.rows);
        return WeightMatrix.of(q.name(), q.type(), q.data(), zoo.rows, zoo.cols, kernels);
    }

    @Test
    void zooListsAllFourteenTypes() throws IOException {
        assertThat(TensorZoo.load().types).containsExactly("F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1",
                "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "IQ4_NL", "IQ4_XS");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void dequantizationIsBitExact(String impl, String type, DotKernels kernels) throws IOException {
        TensorZoo zoo = TensorZoo.load();
        WeightMatrix w = matrix(zoo, type, kernels);
        float[] ref = zoo.floats(type + ".ref");
        float[] row = new float[zoo.cols + 5];
        for (int r = 0; r < zoo.rows; r++) {
            w.dequantizeRow(r, row, 5);
            for (int j = 0; j < zoo.cols; j++) {
                float expected = ref[r * zoo.cols + j];
                float actual = row[5 + j];
                if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(actual)) {
                    fail("%s %s row %d col %d: expected %s (0x%08x) but got %s (0x%08x)", impl, type, r, j,
                            expected, Float.floatToRawIntBits(expected), actual, Float.floatToRawIntBits(actual));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void dotMatchesFloat64Reference(String impl, String type, DotKernels kernels) throws IOException {
        TensorZoo zoo = TensorZoo.load();
        WeightMatrix w = matrix(zoo, type, kernels);
        float[] ref = zoo.floats(type + ".ref");
        float[] x = zoo.floats("x");
        float[] dots = zoo.floats(type + ".dot");
        float[] shifted = new float[x.length + 3];
        System.arraycopy(x, 0, shifted, 3, x.length);
        for (int r = 0; r < zoo.rows; r++) {
            double scale = 0;
            for (int j = 0; j < zoo.cols; j++) {
                scale += Math.abs((double) ref[r * zoo.cols + j] * x[j]);
            }
            float dot = w.dotRow(r, x, 0);
            assertThat((double) dot).as("%s %s row %d", impl, type, r).isCloseTo(dots[r],
                    org.assertj.core.data.Offset.offset(1e-6 * scale));
            assertThat(w.dotRow(r, shifted, 3)).as("same dot at an offset").isEqualTo(dot);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void matmulEqualsDotRowForEveryRowAndBatchEntry(String impl, String type, DotKernels kernels) throws IOException {
        TensorZoo zoo = TensorZoo.load();
        MiniGguf.Tensor q = zoo.tensor(type + ".q");
        // Tile the 8 zoo rows to 72 rows so that the matmul is large enough to go through the pool.
        int rows = 72;
        long rowBytes = q.type().byteSize(zoo.cols);
        byte[] bytes = new byte[Math.toIntExact(rows * rowBytes)];
        byte[] src = q.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(src, (int) ((r % zoo.rows) * rowBytes), bytes, (int) (r * rowBytes), (int) rowBytes);
        }
        WeightMatrix w = WeightMatrix.of("tiled", q.type(), MemorySegment.ofArray(bytes), rows, zoo.cols, kernels);
        Random rnd = new Random(42);
        for (int batch : new int[] {1, 3, 5}) {
            float[] x = new float[batch * zoo.cols + 7];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextGaussian();
            }
            float[] out = new float[batch * rows + 2];
            try (ComputePool pool = new ComputePool(3)) {
                w.matmul(pool, x, batch, out);
            }
            for (int b = 0; b < batch; b++) {
                for (int r = 0; r < rows; r++) {
                    float expected = w.dotRow(r, x, b * zoo.cols);
                    assertThat(out[b * rows + r]).as("%s %s batch %d/%d row %d", impl, type, b, batch, r)
                            .isEqualTo(expected);
                }
            }
            assertThat(out[batch * rows]).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.llama3.tensor.KernelImplementations#all")
    void f32RowsAreReadAsIs(DotKernels kernels) throws IOException {
        TensorZoo zoo = TensorZoo.load();
        MiniGguf.Tensor xt = zoo.tensor("x");
        float[] x = zoo.floats("x");
        WeightMatrix w = WeightMatrix.of("x", GgmlType.F32, xt.data(), 1, x.length, kernels);
        float[] row = new float[x.length];
        w.dequantizeRow(0, row, 0);
        assertThat(row).containsExactly(x);
        double expected = 0;
        for (float v : x) {
            expected += (double) v * v;
        }
        assertThat((double) w.dotRow(0, x, 0)).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6 * expected));
    }
}
