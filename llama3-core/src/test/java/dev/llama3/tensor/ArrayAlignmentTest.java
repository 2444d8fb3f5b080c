package dev.llama3.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.llama3.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link ArrayAlignment}, and the batched K-quant and prompt products that copy their vectors and unpack their rows
 * from the 64-byte lines it finds: where the floats lie must change only the speed, never a bit of a result.
 */
class ArrayAlignmentTest {

    @Test
    void findsTheFirstElementOnA64ByteLineWhenNativeAccessIsEnabled() {
        // surefire runs the tests with --enable-native-access=ALL-UNNAMED, as bin/llama3 runs the engine
        assertThat(ArrayAlignment.class.getModule().isNativeAccessEnabled()).isTrue();
        assertThat(ArrayAlignment.available()).as("memmove found in the C library").isTrue();
        for (int n : new int[] {1, 17, 1000, 100_000}) {
            float[] a = new float[n];
            int i = ArrayAlignment.alignedIndex(a);
            assertThat(i).as("array of %d floats", n).isBetween(0, 15);
        }
    }

    @Test
    void theSameArrayGetsTheSameIndexWhileItStaysPut() {
        float[] a = new float[4096];
        int first = ArrayAlignment.alignedIndex(a);
        int same = 0;
        for (int k = 0; k < 100; k++) {
            same += ArrayAlignment.alignedIndex(a) == first ? 1 : 0;
        }
        // a garbage collection may move the array between two calls; it cannot move it at every call
        assertThat(same).isGreaterThan(50);
    }

    private static void assertSameBits(float[] expected, float[] actual, String what, int rows) {
        for (int k = 0; k < expected.length; k++) {
            if (Float.floatToRawIntBits(expected[k]) != Float.floatToRawIntBits(actual[k])) {
                throw new AssertionError(String.format("%s: vector %d row %d: %s against %s", what, k / rows,
                        k % rows, expected[k], actual[k]));
            }
        }
    }

    @Test
    void fewerThanFourVectorsGetTheSingleRowBits() {
        assumeTrue(VectorKernels.L == 16, "the panel paths serve 512-bit vectors only");
        SplittableRandom random = new SplittableRandom(4);
        for (GgmlType type : new GgmlType[] {GgmlType.Q4_K, GgmlType.Q6_K}) {
            int cols = 512;
            int rows = 9;
            MemorySegment data = WeightMatrixTest.randomMatrix(type, rows, cols, 5);
            WeightMatrix w = WeightMatrix.of("w", type, data, rows, cols, new VectorKernels());
            for (int batch = 1; batch < 4; batch++) {
                float[] x = new float[batch * cols];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) random.nextGaussian();
                }
                float[] out = new float[batch * rows];
                VectorKernels.matmulPanel(type, data, type.byteSize(cols), cols, rows, 0, rows, x, batch, out, true,
                        Integer.MAX_VALUE, -1);
                for (int v = 0; v < batch; v++) {
                    for (int r = 0; r < rows; r++) {
                        assertThat(out[v * rows + r]).as("%s batch %d vector %d row %d", type, batch, v, r)
                                .isEqualTo(w.dotRow(r, x, v * cols));
                    }
                }
            }
        }
    }

    @Test
    void aThreadReusesItsCopyOfTheVectorsOnlyWithinOneProduct() {
        assumeTrue(VectorKernels.L == 16, "the panel paths serve 512-bit vectors only");
        SplittableRandom random = new SplittableRandom(6);
        int cols = 512;
        int rows = 40;
        int batch = 8;
        for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_K, GgmlType.Q6_K}) {
            long rowBytes = type.byteSize(cols);
            MemorySegment data = WeightMatrixTest.randomMatrix(type, rows, cols, 9);
            float[] x = new float[batch * cols];
            for (boolean prompt : new boolean[] {false, true}) {
                for (int round = 0; round < 2; round++) {
                    // new contents in the same array, as the engine's activation buffers get them
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) random.nextGaussian();
                    }
                    float[] whole = new float[batch * rows];
                    float[] inRanges = new float[batch * rows];
                    multiply(type, prompt, data, rowBytes, cols, rows, 0, rows, x, batch, whole, -1);
                    long product = 1000 + 2 * round + (prompt ? 1 : 0);
                    // one product's row ranges on this thread, one after the other: copied once, then reused
                    for (int r0 = 0; r0 < rows; r0 += 12) {
                        multiply(type, prompt, data, rowBytes, cols, rows, r0, Math.min(rows, r0 + 12), x, batch,
                                inRanges, product);
                    }
                    assertSameBits(whole, inRanges, String.format("%s %s round %d, whole and in ranges of rows",
                            type, prompt ? "prompt" : "decode", round), rows);
                }
            }
        }
    }

    private static void multiply(GgmlType type, boolean prompt, MemorySegment data, long rowBytes, int cols,
                                 int rows, int rowFrom, int rowTo, float[] x, int batch, float[] out, long product) {
        if (prompt) {
            VectorKernels.matmulPromptPanel(type, data, rowBytes, cols, rows, rowFrom, rowTo, x, batch, out, true,
                    product);
        } else if (type != GgmlType.Q8_0) {
            VectorKernels.matmulPanel(type, data, rowBytes, cols, rows, rowFrom, rowTo, x, batch, out, true,
                    Integer.MAX_VALUE, product);
        } else {
            new VectorKernels().matmulRows(type, data, rowBytes, cols, rows, rowFrom, rowTo, x, batch, out, product);
        }
    }

    @Test
    void alignedAndUnalignedPanelsGiveTheSameBits() {
        assumeTrue(VectorKernels.L == 16, "the panel paths serve 512-bit vectors only");
        SplittableRandom random = new SplittableRandom(3);
        for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K}) {
            for (int cols : new int[] {256, 2304}) {
                int rows = cols == 256 ? 301 : 23;
                long rowBytes = type.byteSize(cols);
                MemorySegment data = WeightMatrixTest.randomMatrix(type, rows, cols, cols + rows);
                for (int batch : new int[] {4, 7, 12, 15}) {
                    float[] x = new float[batch * cols];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) random.nextGaussian();
                    }
                    boolean decode = type == GgmlType.Q4_K || type == GgmlType.Q6_K;
                    for (boolean prompt : decode ? new boolean[] {false, true} : new boolean[] {true}) {
                        float[] aligned = new float[batch * rows];
                        float[] unaligned = new float[batch * rows];
                        if (prompt) {
                            VectorKernels.matmulPromptPanel(type, data, rowBytes, cols, rows, 0, rows, x, batch,
                                    aligned, true, -1);
                            VectorKernels.matmulPromptPanel(type, data, rowBytes, cols, rows, 0, rows, x, batch,
                                    unaligned, false, -1);
                        } else {
                            VectorKernels.matmulPanel(type, data, rowBytes, cols, rows, 0, rows, x, batch, aligned,
                                    true, Integer.MAX_VALUE, -1);
                            VectorKernels.matmulPanel(type, data, rowBytes, cols, rows, 0, rows, x, batch, unaligned,
                                    false, Integer.MAX_VALUE, -1);
                        }
                        assertSameBits(aligned, unaligned, String.format("%s %s %dx%d batch %d, aligned and unaligned",
                                type, prompt ? "prompt" : "decode", rows, cols, batch), rows);
                        if (!prompt) {
                            // the vectors four at a time: one pass over the rows per slice, the rows and vectors
                            // left over (batch 7, 15) with the last
                            float[] sliced = new float[batch * rows];
                            VectorKernels.matmulPanel(type, data, rowBytes, cols, rows, 0, rows, x, batch, sliced,
                                    true, 4 * cols, -1);
                            assertSameBits(aligned, sliced, String.format("%s decode %dx%d batch %d, in one slice and"
                                    + " in slices of 4 vectors", type, rows, cols, batch), rows);
                        }
                    }
                }
            }
        }
    }
}
