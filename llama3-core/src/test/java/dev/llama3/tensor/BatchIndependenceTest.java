package dev.llama3.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llama3.gguf.GgmlType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The result for one input vector must not depend on the batch it is part of (its size, its neighbours, its place):
 * a session decoding alone and the same session batched with others get bit-identical logits, and a prompt's tokens get
 * the same bits whatever chunks the prompt is cut into. Both paths (decode, {@code matmul}; prompt, {@code
 * matmulPrompt}, which may differ from decode in the last bits) are exercised on shapes
 * that leave remainders everywhere: rows not a multiple of the register tiles, columns not a multiple of 256 (for
 * 32-value blocks), batches 1 to 17, pool splits that do not fall on tile boundaries.
 */
class BatchIndependenceTest {
    private static final ComputePool POOL = new ComputePool(2);

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    static Stream<Arguments> cases() {
        List<Arguments> args = new ArrayList<>();
        for (DotKernels k : KernelImplementations.all()) {
            for (GgmlType t : WeightMatrix.SUPPORTED_TYPES) {
                args.add(Arguments.of(KernelImplementations.name(k), t, k));
            }
        }
        return args.stream();
    }

    /** {@link #cases()} for both paths: decode ({@code matmul}) and prompt ({@code matmulPrompt}). */
    static Stream<Arguments> pathCases() {
        return cases().flatMap(a -> Stream.of(false, true).map(prompt -> Arguments.of(a.get()[0], a.get()[1],
                a.get()[2], prompt ? "prompt" : "decode")));
    }

    private static void multiply(WeightMatrix w, String path, ComputePool pool, float[] x, int batch, float[] out) {
        if (path.equals("prompt")) {
            w.matmulPrompt(pool, x, batch, out);
        } else {
            w.matmul(pool, x, batch, out);
        }
    }

    /** |sum of |w * x|| over row {@code r} and vector {@code v}: the scale of a dot product's rounding error. */
    private static double magnitude(WeightMatrix w, int r, float[] x, int v) {
        float[] row = new float[w.cols()];
        w.dequantizeRow(r, row, 0);
        double m = 0;
        for (int i = 0; i < row.length; i++) {
            m += Math.abs((double) row[i] * x[v * w.cols() + i]);
        }
        return m;
    }

    private static int[] colsFor(GgmlType type) {
        return switch (type.blockSize()) {
            case 1 -> new int[] {35, 544};
            case 32 -> new int[] {96, 2080};
            default -> new int[] {256, 768};
        };
    }

    @ParameterizedTest(name = "{0} {1} {3}")
    @MethodSource("pathCases")
    void everyVectorGetsTheSameBitsAloneAndInAnyBatch(String impl, GgmlType type, DotKernels kernels, String path) {
        SplittableRandom random = new SplittableRandom(type.ordinal());
        for (int cols : colsFor(type)) {
            for (int rows : new int[] {1, 3, 6, 13, 37}) {
                WeightMatrix w = WeightMatrix.of("w", type, WeightMatrixTest.randomMatrix(type, rows, cols, rows + cols),
                        rows, cols, kernels);
                int maxBatch = 17;
                float[] x = new float[maxBatch * cols];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) random.nextGaussian();
                }
                // each vector alone
                float[] alone = new float[maxBatch * rows];
                float[] one = new float[rows];
                float[] single = new float[cols];
                for (int v = 0; v < maxBatch; v++) {
                    System.arraycopy(x, v * cols, single, 0, cols);
                    multiply(w, path, POOL, single, 1, one);
                    System.arraycopy(one, 0, alone, v * rows, rows);
                    for (int r = 0; r < rows; r++) {
                        if (path.equals("decode")) {
                            assertThat(one[r]).as("%s %s %dx%d vector %d row %d: matmul(batch 1) = dotRow", impl,
                                    type, rows, cols, v, r).isEqualTo(w.dotRow(r, x, v * cols));
                        } else {
                            // the prompt path may add the same float32 products in another order
                            assertThat((double) one[r]).as("%s %s %dx%d vector %d row %d: matmulPrompt ~ dotRow",
                                    impl, type, rows, cols, v, r).isCloseTo(w.dotRow(r, x, v * cols),
                                    org.assertj.core.data.Offset.offset(1e-5 * magnitude(w, r, x, v) + 1e-30));
                        }
                    }
                }
                // every batch size, and every vector at every place: a batch [start, start + batch) of the vectors
                for (int batch = 1; batch <= maxBatch; batch++) {
                    for (int start : new int[] {0, maxBatch - batch}) {
                        float[] xb = new float[batch * cols];
                        System.arraycopy(x, start * cols, xb, 0, batch * cols);
                        float[] out = new float[batch * rows];
                        multiply(w, path, POOL, xb, batch, out);
                        for (int b = 0; b < batch; b++) {
                            for (int r = 0; r < rows; r++) {
                                float expected = alone[(start + b) * rows + r];
                                float actual = out[b * rows + r];
                                if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(actual)) {
                                    throw new AssertionError(String.format("%s %s %s %dx%d: vector %d at place %d"
                                            + " of a batch of %d, row %d: %s alone but %s in the batch", impl, type,
                                            path, rows, cols, start + b, b, batch, r, expected, actual));
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** The types whose rows a path unpacks into panels: Q4_K and Q6_K when decoding, also Q4_0 for a prompt. */
    static Stream<Arguments> panelCases() {
        return pathCases().filter(a -> a.get()[1] == GgmlType.Q4_K || a.get()[1] == GgmlType.Q6_K
                || a.get()[1] == GgmlType.Q4_0 && a.get()[3].equals("prompt"));
    }

    @ParameterizedTest(name = "{0} {1} {3}")
    @MethodSource("panelCases")
    void rowsUnpackedInPanelsGiveEveryVectorItsSingleVectorBits(String impl, GgmlType type, DotKernels kernels,
                                                                String path) {
        // One thread gets the whole row range, so the batched path walks several panels of unpacked rows (256 KiB of
        // floats: 256 rows of 256 columns, 28 rows of 2304), with rows left over in the last one and vectors left
        // over. Alone, a vector must get the bits of dotRow (decode) or of the prompt path's single vector.
        SplittableRandom random = new SplittableRandom(7);
        try (ComputePool one = new ComputePool(1)) {
            for (int cols : new int[] {256, 2304}) {
                int rows = cols == 256 ? 517 : 61;
                WeightMatrix w = WeightMatrix.of("w", type, WeightMatrixTest.randomMatrix(type, rows, cols, 11), rows,
                        cols, kernels);
                for (int batch : new int[] {4, 9}) {
                    float[] x = new float[batch * cols];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) random.nextGaussian();
                    }
                    float[] out = new float[batch * rows];
                    multiply(w, path, one, x, batch, out);
                    float[] single = new float[cols];
                    float[] alone = new float[rows];
                    for (int b = 0; b < batch; b++) {
                        System.arraycopy(x, b * cols, single, 0, cols);
                        multiply(w, path, one, single, 1, alone); // unused by decode, which is held to dotRow
                        for (int r = 0; r < rows; r++) {
                            float expected = path.equals("decode") ? w.dotRow(r, x, b * cols) : alone[r];
                            if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(out[b * rows + r])) {
                                throw new AssertionError(String.format("%s %s %s %dx%d batch %d: vector %d row %d:"
                                        + " alone %s but in the batch %s", impl, type, path, rows, cols, batch, b, r,
                                        expected, out[b * rows + r]));
                            }
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} {1} {3}")
    @MethodSource("pathCases")
    void compiledBatchedKernelsGiveTheSameBitsAsTheFirstCall(String impl, GgmlType type, DotKernels kernels,
                                                             String path) {
        // Run the batched kernels long enough for the JIT to compile them: interpreted and compiled code must agree.
        int cols = type.blockSize() == 1 ? 64 : 256;
        int rows = 9;
        int batch = 11;
        WeightMatrix w = WeightMatrix.of("w", type, WeightMatrixTest.randomMatrix(type, rows, cols, 3), rows, cols,
                kernels);
        SplittableRandom random = new SplittableRandom(2);
        float[] x = new float[batch * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        float[] first = new float[batch * rows];
        multiply(w, path, POOL, x, batch, first);
        float[] again = new float[batch * rows];
        float[] one = new float[rows];
        for (int i = 0; i < 3_000; i++) {
            multiply(w, path, POOL, x, batch, again);
            multiply(w, path, POOL, x, 1, one);
            for (int j = 0; j < again.length; j++) {
                if (Float.floatToRawIntBits(again[j]) != Float.floatToRawIntBits(first[j])) {
                    throw new AssertionError(type + " call " + i + " output " + j + ": " + again[j] + " != " + first[j]);
                }
            }
            for (int r = 0; r < rows; r++) {
                if (Float.floatToRawIntBits(one[r]) != Float.floatToRawIntBits(first[r])) {
                    throw new AssertionError(type + " call " + i + " batch 1 row " + r + ": " + one[r] + " != "
                            + first[r]);
                }
            }
        }
    }

    /** {@link #cases()} of the types whose kernels take several rows at once (Q8_0, Q4_0, Q4_K). */
    static Stream<Arguments> multiRowCases() {
        return cases().filter(a -> a.get()[1] == GgmlType.Q8_0 || a.get()[1] == GgmlType.Q4_0
                || a.get()[1] == GgmlType.Q4_K);
    }

    /**
     * Multi-row kernels take rows a page apart ({@code VectorKernels.pageSpread}): rows r, r + s, r + 2s, ... and
     * their results go back to their own places. One thread, so that one call sees whole blocks of spread rows and
     * the rows left over after them; every vector count of the R x 1, 4 x 4 and 2 x 8 kernels (Q4_K: 2 x 1 with
     * 512-bit vectors, 2 x 4), each result against {@code dotRow}.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("multiRowCases")
    void rowsTakenAPageApartLandInTheirPlaces(String impl, GgmlType type, DotKernels kernels) {
        SplittableRandom random = new SplittableRandom(7);
        // short rows (8 to a page) and long ones (2 to 4); Q4_K rows are whole super-blocks of 256 values
        int[] lengths = type == GgmlType.Q4_K ? new int[] {256, 2304} : new int[] {96, 2080};
        try (ComputePool single = new ComputePool(1)) {
            for (int cols : lengths) {
                for (int rows : new int[] {70, 141}) {
                    WeightMatrix w = WeightMatrix.of("w", type, WeightMatrixTest.randomMatrix(type, rows, cols, rows),
                            rows, cols, kernels);
                    for (int batch = 1; batch <= 9; batch++) {
                        float[] x = new float[batch * cols];
                        for (int i = 0; i < x.length; i++) {
                            x[i] = (float) random.nextGaussian();
                        }
                        float[] out = new float[batch * rows];
                        w.matmul(single, x, batch, out);
                        for (int v = 0; v < batch; v++) {
                            for (int r = 0; r < rows; r++) {
                                assertThat(out[v * rows + r]).as("%s %s %dx%d batch %d vector %d row %d", impl, type,
                                        rows, cols, batch, v, r).isEqualTo(w.dotRow(r, x, v * cols));
                            }
                        }
                    }
                }
            }
        }
    }
}
