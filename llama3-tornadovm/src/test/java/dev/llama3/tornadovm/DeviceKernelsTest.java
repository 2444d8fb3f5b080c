package dev.llama3.tornadovm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llama3.gguf.GgufFile;
import dev.llama3.model.LlamaModel;
import dev.llama3.model.ModelShape;
import dev.llama3.model.SyntheticModel;
import dev.llama3.tensor.ComputePool;
import dev.llama3.tensor.WeightMatrix;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The device kernels run as plain Java (work-groups emulated, {@link KernelEmulator}) against the CPU backend's
 * kernels on real weight layouts (synthetic models written by the core).
 */
class DeviceKernelsTest {
    @TempDir
    static Path dir;

    private static final int BATCH = 3;

    private static FloatArray floats(float[] v) {
        return FloatArray.fromArray(v);
    }

    private static IntArray meta(int n, int... positionsAndSlots) {
        IntArray m = new IntArray(DeviceKernels.Meta.length(8));
        m.set(DeviceKernels.Meta.N, n);
        for (int i = 0; i < positionsAndSlots.length; i++) {
            m.set(DeviceKernels.Meta.ENTRIES + i, positionsAndSlots[i]);
        }
        return m;
    }

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    static LlamaModel model(SyntheticModel.WeightFormat format) throws IOException {
        Path file = dir.resolve(format + ".gguf");
        if (!file.toFile().exists()) {
            try (ComputePool pool = new ComputePool(1)) {
                new SyntheticModel(ModelShape.TINY, format, 11, null).write(file, pool);
            }
        }
        return LlamaModel.fromGguf(GgufFile.open(file));
    }

    /** Runs the kernel for {@code m}'s type through the emulator. */
    static float[] deviceMatmul(DeviceMatrix d, float[] x, int n) {
        FloatArray in = floats(x);
        FloatArray out = new FloatArray(n * d.rows);
        IntArray meta = meta(n);
        int global = d.rows * DeviceKernels.GROUP;
        KernelEmulator.run(global, DeviceKernels.GROUP, c -> {
            switch (d.type) {
                case Q8_0 -> DeviceKernels.matmulQ8(c, d.quants, d.floats, in, out, meta, DeviceKernels.Meta.N,
                        DeviceKernels.Meta.ZERO, d.rows, d.cols);
                case Q4_0 -> DeviceKernels.matmulQ4(c, d.quants, d.floats, in, out, meta, DeviceKernels.Meta.N,
                        DeviceKernels.Meta.ZERO, d.rows, d.cols);
                case F16 -> DeviceKernels.matmulF16(c, d.halves, DeviceKernels.pow2Table(), in, out, meta,
                        DeviceKernels.Meta.N, DeviceKernels.Meta.ZERO, d.rows, d.cols);
                case Q4_K -> DeviceKernels.matmulQ4K(c, d.quants, d.floats, d.mins, in, out, meta,
                        DeviceKernels.Meta.N, DeviceKernels.Meta.ZERO, d.rows, d.cols);
                case Q6_K -> DeviceKernels.matmulQ6K(c, d.quants, d.floats, in, out, meta, DeviceKernels.Meta.N,
                        DeviceKernels.Meta.ZERO, d.rows, d.cols);
                case F32 -> DeviceKernels.matmulF32(c, d.floats, in, out, meta, DeviceKernels.Meta.N,
                        DeviceKernels.Meta.ZERO, d.rows, d.cols);
                default -> throw new AssertionError(d.type);
            }
        });
        return out.toHeapArray();
    }

    @ParameterizedTest
    @EnumSource(value = SyntheticModel.WeightFormat.class, names = {"F32", "F16", "Q8_0", "Q4_0", "Q4_K", "Q6_K",
            "Q4_K_M"})
    void matmulMatchesTheCpuKernels(SyntheticModel.WeightFormat format) throws IOException {
        LlamaModel model = model(format);
        java.util.Set<dev.llama3.gguf.GgmlType> tested = java.util.EnumSet.noneOf(dev.llama3.gguf.GgmlType.class);
        var layer = model.weights().layers().get(1);
        for (WeightMatrix m : new WeightMatrix[] {model.weights().layers().get(0).wq(), layer.ffnGate(),
                layer.ffnDown(), model.weights().output()}) {
            if (!DeviceMatrix.SUPPORTED.contains(m.type()) || !tested.add(m.type())) {
                continue;
            }
            float[] x = random(BATCH * m.cols(), 5);
            float[] expected = new float[BATCH * m.rows()];
            try (ComputePool pool = new ComputePool(1)) {
                m.matmul(pool, x, BATCH, expected);
            }
            float[] actual = deviceMatmul(DeviceMatrix.of(m), x, BATCH);
            for (int i = 0; i < expected.length; i++) {
                assertThat(actual[i]).as("%s %s [%d]", format, m.name(), i)
                        .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-4f * (1 + Math.abs(expected[i]))));
            }
        }
        assertThat(tested).as("matrix types of the %s model run on the device kernels", format).isNotEmpty();
    }

    /** The device embedding lookup (tied embeddings) gives the rows the CPU decodes. */
    @ParameterizedTest
    @EnumSource(value = SyntheticModel.WeightFormat.class, names = {"F32", "F16", "Q8_0", "Q4_0"})
    void embeddingLookupMatchesTheCpuRows(SyntheticModel.WeightFormat format) throws IOException {
        LlamaModel model = model(format);
        WeightMatrix output = model.weights().output();
        DeviceMatrix d = DeviceMatrix.of(output);
        int dim = output.cols();
        int[] tokens = {3, 17, output.rows() - 1};
        IntArray meta = new IntArray(DeviceKernels.Meta.length(tokens.length));
        meta.set(DeviceKernels.Meta.N, tokens.length);
        int base = DeviceKernels.Meta.tokens(tokens.length);
        for (int b = 0; b < tokens.length; b++) {
            meta.set(base + b, tokens[b]);
        }
        FloatArray x = new FloatArray(tokens.length * dim);
        FloatArray pow2 = DeviceKernels.pow2Table();
        KernelEmulator.run(tokens.length * dim, 1, c -> {
            switch (d.type) {
                case Q8_0 -> DeviceKernels.embedQ8(c, d.quants, d.floats, x, meta, base, dim);
                case Q4_0 -> DeviceKernels.embedQ4(c, d.quants, d.floats, x, meta, base, dim);
                case Q4_K -> DeviceKernels.embedQ4K(c, d.quants, d.floats, d.mins, x, meta, base, dim);
                case Q6_K -> DeviceKernels.embedQ6K(c, d.quants, d.floats, x, meta, base, dim);
                case F16 -> DeviceKernels.embedF16(c, d.halves, pow2, x, meta, base, dim);
                case F32 -> DeviceKernels.embedF32(c, d.floats, x, meta, base, dim);
                default -> throw new AssertionError(d.type);
            }
        });
        float[] row = new float[dim];
        for (int b = 0; b < tokens.length; b++) {
            output.dequantizeRow(tokens[b], row, 0);
            for (int i = 0; i < dim; i++) {
                assertThat(x.get(b * dim + i)).as("%s token %d [%d]", format, tokens[b], i).isEqualTo(row[i]);
            }
        }
    }

    /**
     * The k-quants on their own (the tiny model's 64-wide matrices are too narrow for 256-value super-blocks): random
     * weights quantized by the core, 24 rows of 512, against the CPU kernels.
     */
    @ParameterizedTest
    @EnumSource(value = dev.llama3.gguf.GgmlType.class, names = {"Q4_K", "Q6_K"})
    void kQuantMatmulMatchesTheCpuKernels(dev.llama3.gguf.GgmlType type) {
        int rows = 24;
        int cols = 512;
        float[] w = random(rows * cols, 9);
        byte[] bytes = dev.llama3.tensor.Quantizers.quantize(type, w, 0, w.length);
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared()) {
            java.lang.foreign.MemorySegment seg = arena.allocate(bytes.length);
            seg.copyFrom(java.lang.foreign.MemorySegment.ofArray(bytes));
            WeightMatrix m = WeightMatrix.of("k", type, seg, rows, cols);
            float[] x = random(BATCH * cols, 10);
            float[] expected = new float[BATCH * rows];
            try (ComputePool pool = new ComputePool(1)) {
                m.matmul(pool, x, BATCH, expected);
            }
            float[] actual = deviceMatmul(DeviceMatrix.of(m), x, BATCH);
            for (int i = 0; i < expected.length; i++) {
                assertThat(actual[i]).as("%s [%d]", type, i)
                        .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-4f * (1 + Math.abs(expected[i]))));
            }
        }
    }

    @Test
    void halfDecodingIsExactForEveryFiniteValue() {
        FloatArray pow2 = DeviceKernels.pow2Table();
        for (int bits = 0; bits < 0x10000; bits++) {
            if (((bits >> 10) & 0x1F) == 0x1F) {
                continue; // infinities and NaNs never occur in weights
            }
            assertThat(DeviceKernels.half((short) bits, pow2)).as("0x%04x", bits)
                    .isEqualTo(Float.float16ToFloat((short) bits));
        }
    }

    @Test
    void rmsNormMatchesTheDefinition() {
        int dim = 300;
        float[] x = random(2 * dim, 1);
        float[] w = random(dim, 2);
        FloatArray out = new FloatArray(2 * dim);
        IntArray meta = meta(2);
        KernelEmulator.run(8 * DeviceKernels.GROUP, DeviceKernels.GROUP, c -> DeviceKernels.rmsNorm(c, floats(x),
                floats(w), out, meta, DeviceKernels.Meta.N, DeviceKernels.Meta.ZERO, dim, 1e-5f));
        for (int b = 0; b < 2; b++) {
            double sum = 0;
            for (int i = 0; i < dim; i++) {
                sum += x[b * dim + i] * x[b * dim + i];
            }
            float scale = (float) (1.0 / Math.sqrt(sum / dim + 1e-5));
            for (int i = 0; i < dim; i++) {
                assertThat(out.get(b * dim + i)).isCloseTo(x[b * dim + i] * scale * w[i],
                        org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }

    @Test
    void ropeRotatesAdjacentPairsByTheTableAngles() {
        int heads = 2;
        int headDim = 8;
        int pairs = 3; // fewer rotated pairs than headDim/2: the rest stays as it is
        float[] v = random(2 * heads * headDim, 3);
        float[] cos = random(10 * pairs, 4);
        float[] sin = random(10 * pairs, 5);
        FloatArray dev = floats(v);
        IntArray meta = meta(2, 4, 0, 7, 1);
        KernelEmulator.run(8 * heads * pairs, 1, c -> DeviceKernels.rope(c, dev, floats(cos), floats(sin), meta, heads,
                headDim, pairs));
        int[] pos = {4, 7};
        for (int b = 0; b < 2; b++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < headDim / 2; i++) {
                    int at = (b * heads + h) * headDim + 2 * i;
                    float x0 = v[at];
                    float x1 = v[at + 1];
                    float c = i < pairs ? cos[pos[b] * pairs + i] : 1;
                    float s = i < pairs ? sin[pos[b] * pairs + i] : 0;
                    assertThat(dev.get(at)).isEqualTo(i < pairs ? x0 * c - x1 * s : x0);
                    assertThat(dev.get(at + 1)).isEqualTo(i < pairs ? x0 * s + x1 * c : x1);
                }
            }
        }
    }

    @Test
    void attentionOverTheCacheMatchesASoftmaxReference() {
        int heads = 4;
        int kvHeads = 2;
        int headDim = 16;
        int context = 12;
        int layers = 2;
        int slotFloats = layers * kvHeads * context * headDim;
        float[] keys = random(2 * slotFloats, 6);
        float[] values = random(2 * slotFloats, 7);
        float[] q = random(2 * heads * headDim, 8);
        FloatArray out = new FloatArray(2 * heads * headDim);
        // entry 0: slot 1 at position 5; entry 1: slot 0 at position 0; layer 1
        IntArray meta = meta(2, 5, 1, 0, 0);
        KernelEmulator.run(8 * heads * headDim, headDim, c -> DeviceKernels.attention(c, floats(q), floats(keys),
                floats(values), out, meta, 1, heads, kvHeads, headDim, context, slotFloats));
        int[][] entries = {{5, 1}, {0, 0}};
        for (int b = 0; b < 2; b++) {
            int pos = entries[b][0];
            int slot = entries[b][1];
            for (int h = 0; h < heads; h++) {
                int kvh = h / (heads / kvHeads);
                int base = slot * slotFloats + (kvHeads + kvh) * context * headDim;
                double[] scores = new double[pos + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int t = 0; t <= pos; t++) {
                    double s = 0;
                    for (int j = 0; j < headDim; j++) {
                        s += q[(b * heads + h) * headDim + j] * keys[base + t * headDim + j];
                    }
                    scores[t] = s / Math.sqrt(headDim);
                    max = Math.max(max, scores[t]);
                }
                double total = 0;
                for (int t = 0; t <= pos; t++) {
                    scores[t] = Math.exp(scores[t] - max);
                    total += scores[t];
                }
                for (int d = 0; d < headDim; d++) {
                    double o = 0;
                    for (int t = 0; t <= pos; t++) {
                        o += scores[t] / total * values[base + t * headDim + d];
                    }
                    assertThat(out.get((b * heads + h) * headDim + d)).isCloseTo((float) o,
                            org.assertj.core.data.Offset.offset(1e-5f));
                }
            }
        }
    }

    @Test
    void storeKvWritesEachEntryAtItsSlotAndPosition() {
        int kvHeads = 2;
        int headDim = 4;
        int context = 6;
        int slotFloats = 2 * kvHeads * context * headDim;
        float[] k = random(2 * kvHeads * headDim, 9);
        float[] v = random(2 * kvHeads * headDim, 10);
        FloatArray keys = new FloatArray(2 * slotFloats);
        FloatArray values = new FloatArray(2 * slotFloats);
        IntArray meta = meta(2, 3, 1, 4, 1);
        KernelEmulator.run(8 * kvHeads * headDim, 1, c -> DeviceKernels.storeKv(c, floats(k), floats(v), keys, values,
                meta, 1, kvHeads, headDim, context, slotFloats));
        for (int b = 0; b < 2; b++) {
            for (int h = 0; h < kvHeads; h++) {
                for (int d = 0; d < headDim; d++) {
                    int at = slotFloats + ((kvHeads + h) * context + 3 + b) * headDim + d;
                    assertThat(keys.get(at)).isEqualTo(k[(b * kvHeads + h) * headDim + d]);
                    assertThat(values.get(at)).isEqualTo(v[(b * kvHeads + h) * headDim + d]);
                }
            }
        }
    }

    @Test
    void swigluAndAddTouchOnlyTheBatchEntries() {
        int width = 5;
        float[] gate = random(3 * width, 11);
        float[] up = random(3 * width, 12);
        FloatArray g = floats(gate);
        IntArray meta = meta(2);
        KernelEmulator.run(3 * width, 1, c -> DeviceKernels.swiglu(c, g, floats(up), meta, width));
        FloatArray x = floats(gate);
        KernelEmulator.run(3 * width, 1, c -> DeviceKernels.add(c, x, floats(up), meta, width));
        for (int i = 0; i < 3 * width; i++) {
            float expected = i < 2 * width ? gate[i] / (1f + (float) Math.exp(-gate[i])) * up[i] : gate[i];
            assertThat(g.get(i)).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6f));
            assertThat(x.get(i)).isEqualTo(i < 2 * width ? gate[i] + up[i] : gate[i]);
        }
    }
}
