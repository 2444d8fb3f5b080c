package dev.llama3.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Vector API attention loops against the scalar ones (relative 1e-6, measured against the magnitude of the
 * terms summed), and grouped attention over a real cache against a float64 evaluation of the same cached values.
 */
class AttentionKernelsTest {
    private static final AttentionKernels SCALAR = AttentionKernels.scalar();
    private final SplittableRandom random = new SplittableRandom(42);
    private AttentionKernels vector;

    @BeforeEach
    void vectorKernels() {
        vector = AttentionKernels.active();
        assumeTrue(vector.vectorized(), "the Vector API kernels are not active in this JVM "
                + "(no --add-modules jdk.incubator.vector, or -Dllama3.vector=false); nothing to compare");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 4, 8, 16, 20, 32, 64, 100, 128})
    void dotRowsAgree(int n) {
        int count = 37;
        float[] q = gaussians(n + 5);
        float[] rows = gaussians(count * n + 3);
        float[] viaVector = new float[count + 2];
        float[] viaScalar = new float[count + 2];
        float[] viaSegment = new float[count + 2];
        float[] viaSegmentScalar = new float[count + 2];
        float scale = 0.125f;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = floats(arena, rows);
            vector.dotRows(q, 5 - 5, rows, 3 - 3, n, count, scale, viaVector, 1);
            SCALAR.dotRows(q, 0, rows, 0, n, count, scale, viaScalar, 1);
            vector.dotRows(q, 0, seg, 0, n, count, scale, viaSegment, 1);
            SCALAR.dotRows(q, 0, seg, 0, n, count, scale, viaSegmentScalar, 1);
        }
        for (int r = 0; r < count; r++) {
            double magnitude = 0;
            for (int i = 0; i < n; i++) {
                magnitude += Math.abs(q[i] * rows[r * n + i]) * scale;
            }
            double bound = 1e-6 * magnitude;
            assertThat(viaVector[r + 1]).as("row %d", r).isCloseTo(viaScalar[r + 1], org.assertj.core.data.Offset.offset((float) bound));
            assertThat(viaSegment[r + 1]).as("row %d (segment)", r).isCloseTo(viaScalar[r + 1], org.assertj.core.data.Offset.offset((float) bound));
            assertThat(viaSegmentScalar[r + 1]).as("row %d (scalar segment)", r).isEqualTo(viaScalar[r + 1]);
        }
        assertThat(viaVector[0]).isZero();
        assertThat(viaVector[count + 1]).as("nothing written past the rows").isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 4, 8, 16, 20, 32, 64, 100, 128})
    void accumulateRowsAgree(int n) {
        int count = 41;
        float[] p = gaussians(count);
        float[] rows = gaussians(count * n);
        float[] start = gaussians(n + 2);
        float[] viaVector = start.clone();
        float[] viaScalar = start.clone();
        float[] viaSegment = start.clone();
        float[] viaSegmentScalar = start.clone();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = floats(arena, rows);
            vector.accumulateRows(p, 0, rows, 0, n, count, viaVector, 1);
            SCALAR.accumulateRows(p, 0, rows, 0, n, count, viaScalar, 1);
            vector.accumulateRows(p, 0, seg, 0, n, count, viaSegment, 1);
            SCALAR.accumulateRows(p, 0, seg, 0, n, count, viaSegmentScalar, 1);
        }
        for (int i = 0; i < n; i++) {
            double magnitude = Math.abs(start[i + 1]);
            for (int r = 0; r < count; r++) {
                magnitude += Math.abs(p[r] * rows[r * n + i]);
            }
            float bound = (float) (1e-6 * magnitude);
            assertThat(viaVector[i + 1]).as("element %d", i).isCloseTo(viaScalar[i + 1], org.assertj.core.data.Offset.offset(bound));
            assertThat(viaSegment[i + 1]).as("element %d (segment)", i).isCloseTo(viaScalar[i + 1], org.assertj.core.data.Offset.offset(bound));
            assertThat(viaSegmentScalar[i + 1]).as("element %d (scalar segment)", i).isEqualTo(viaScalar[i + 1]);
        }
        assertThat(viaVector[0]).isEqualTo(start[0]);
        assertThat(viaVector[n + 1]).as("nothing written past the row").isEqualTo(start[n + 1]);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 16, 17, 64, 1000, 4099})
    void softmaxAgrees(int n) {
        for (double spread : new double[] {0.1, 3, 40, 300}) {
            float[] x = new float[n + 2];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (random.nextGaussian() * spread);
            }
            float[] viaVector = x.clone();
            float[] viaScalar = x.clone();
            vector.softmax(viaVector, 1, n);
            SCALAR.softmax(viaScalar, 1, n);
            double total = 0;
            for (int i = 1; i <= n; i++) {
                String where = "n " + n + ", spread " + spread + ", element " + i;
                // relative to the element, and absolutely for the ones that underflow in one of the two
                assertThat((double) Math.abs(viaVector[i] - viaScalar[i]))
                        .as("%s: %s vs %s", where, viaVector[i], viaScalar[i])
                        .isLessThanOrEqualTo(Math.max(1e-6 * viaScalar[i], 1e-37));
                total += viaVector[i];
            }
            assertThat(total).as("n %d, spread %s: sum", n, spread).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
            assertThat(viaVector[0]).isEqualTo(x[0]);
            assertThat(viaVector[n + 1]).isEqualTo(x[n + 1]);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 16, 17, 1000, 8192})
    void swigluAgrees(int n) {
        for (double spread : new double[] {0.01, 1, 8, 120}) {
            float[] gate = new float[n];
            float[] up = new float[n];
            for (int i = 0; i < n; i++) {
                gate[i] = (float) (random.nextGaussian() * spread);
                up[i] = (float) random.nextGaussian();
            }
            gate[0] = spread > 100 ? -200f : 0f; // exp(-g) beyond float's range, and silu(0)
            float[] viaVector = gate.clone();
            float[] viaScalar = gate.clone();
            vector.swiglu(viaVector, up, n);
            SCALAR.swiglu(viaScalar, up, n);
            for (int i = 0; i < n; i++) {
                // relative to the element; absolutely where exp(-|g|) is below 2^-125 and the vector lanes take it
                // as 0 (g < -87: silu(g) is some 1e-36 against -0.0)
                assertThat((double) Math.abs(viaVector[i] - viaScalar[i]))
                        .as("n %d, spread %s, element %d (g %s): %s vs %s", n, spread, i, gate[i], viaVector[i],
                                viaScalar[i])
                        .isLessThanOrEqualTo(Math.max(1e-6 * Math.abs(viaScalar[i]), 1e-34));
            }
        }
    }

    @Test
    void vectorSwigluGivesAnElementTheSameBitsAtEveryPlace() {
        // a batch entry's gate values sit at b * ff: in full vectors or in the masked last one
        float[] g = gaussians(37);
        float[] u = gaussians(37);
        float[] alone = g.clone();
        vector.swiglu(alone, u, alone.length);
        for (int shift : new int[] {1, 5, 16, 29}) {
            float[] gate = new float[shift + g.length];
            float[] up = new float[shift + g.length];
            System.arraycopy(g, 0, gate, shift, g.length);
            System.arraycopy(u, 0, up, shift, u.length);
            vector.swiglu(gate, up, gate.length);
            assertThat(java.util.Arrays.copyOfRange(gate, shift, gate.length)).as("shifted by %d", shift)
                    .containsExactly(alone);
        }
    }

    @Test
    void vectorSoftmaxIsDeterministic() {
        float[] x = gaussians(333);
        float[] first = x.clone();
        vector.softmax(first, 0, x.length);
        for (int round = 0; round < 2000; round++) { // long enough for the JIT to compile it meanwhile
            float[] again = x.clone();
            vector.softmax(again, 0, x.length);
            assertThat(again).containsExactly(first);
        }
    }

    @Test
    void halfToFloatIsExactForEveryBitPattern() {
        float[] viaVector = new float[65536 + 1];
        float[] viaScalar = new float[65536 + 1];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(2 * 65536 + 2);
            for (int h = 0; h < 65536; h++) {
                seg.set(KvCache.SHORT_LE, 2 + 2L * h, (short) h);
            }
            // odd lengths and an unaligned start exercise the vector loop and its scalar tail
            vector.halfToFloat(seg, 2, 65535, viaVector, 1);
            vector.halfToFloat(seg, 2 + 2 * 65535, 1, viaVector, 65536);
            SCALAR.halfToFloat(seg, 2, 65536, viaScalar, 1);
        }
        for (int h = 0; h < 65536; h++) {
            float expected = Float.float16ToFloat((short) h);
            assertThat(Float.floatToRawIntBits(viaScalar[h + 1])).as("scalar, half 0x%04x", h)
                    .isEqualTo(Float.floatToRawIntBits(expected));
            assertThat(Float.floatToRawIntBits(viaVector[h + 1])).as("vector, half 0x%04x", h)
                    .isEqualTo(Float.floatToRawIntBits(expected));
        }
        assertThat(viaVector[0]).isZero();
    }

    static Stream<Arguments> shapes() {
        // (embedding, heads, kvHeads, last position): head dims 16, 64 and 20 (not a multiple of any vector
        // length), GQA groups 2, 4 and 1, contexts within one block and across several
        return Stream.of(KvCacheType.values()).flatMap(t -> Stream.of(
                Arguments.of(t, 64, 4, 2, 0), Arguments.of(t, 64, 4, 2, 300),
                Arguments.of(t, 512, 8, 2, 77), Arguments.of(t, 512, 8, 2, 129),
                Arguments.of(t, 80, 4, 4, 250)));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void groupedAttentionAgreesWithScalarAndFloat64(KvCacheType type, int dim, int heads, int kvHeads, int last) {
        LlamaConfig c = new LlamaConfig(dim, 2, heads, kvHeads, 64, 1e-5f, 500000f, dim / heads, 1f, 4096, 16);
        int headDim = c.headDim();
        int group = c.groupSize();
        int layer = 1;
        try (KvCache cache = new KvCache(c, last + 1, type)) {
            for (int pos = 0; pos <= last; pos++) {
                cache.store(layer, pos, gaussians(c.kvDim()), 0, gaussians(c.kvDim()), 0);
            }
            float[] q = gaussians(dim);
            for (int kvHead = 0; kvHead < kvHeads; kvHead++) {
                float[] outVector = new float[dim];
                float[] outScalar = new float[dim];
                int off = kvHead * group * headDim;
                GroupedAttention.attend(vector, cache, layer, kvHead, headDim, q, off, group, last,
                        new float[group * (last + 1)], new float[GroupedAttention.blockScratch(headDim)], outVector, off);
                GroupedAttention.attend(SCALAR, cache, layer, kvHead, headDim, q, off, group, last,
                        new float[group * (last + 1)], new float[GroupedAttention.blockScratch(headDim)], outScalar, off);
                for (int j = 0; j < group; j++) {
                    int h = kvHead * group + j;
                    double[] exact = exactAttention(cache, layer, h / group, q, h * headDim, headDim, last);
                    double maxAbs = 0;
                    for (double e : exact) {
                        maxAbs = Math.max(maxAbs, Math.abs(e));
                    }
                    for (int d = 0; d < headDim; d++) {
                        String where = type + " head " + h + " dim " + d;
                        assertThat(Math.abs(outVector[h * headDim + d] - outScalar[h * headDim + d]) / maxAbs)
                                .as("%s: vector vs scalar", where).isLessThanOrEqualTo(1e-6);
                        assertThat(Math.abs(outScalar[h * headDim + d] - exact[d]) / maxAbs)
                                .as("%s: scalar vs float64", where).isLessThanOrEqualTo(1e-5);
                    }
                }
            }
        }
    }

    /** Softmax(q.k_t / sqrt(headDim)) . v_t over the cached (already rounded) values, in float64. */
    private static double[] exactAttention(KvCache cache, int layer, int kvHead, float[] q, int qOff, int headDim, int last) {
        double[] s = new double[last + 1];
        double max = Double.NEGATIVE_INFINITY;
        for (int t = 0; t <= last; t++) {
            double dot = 0;
            for (int d = 0; d < headDim; d++) {
                dot += (double) q[qOff + d] * cache.get(false, layer, kvHead, t, d);
            }
            s[t] = dot / Math.sqrt(headDim);
            max = Math.max(max, s[t]);
        }
        double sum = 0;
        for (int t = 0; t <= last; t++) {
            s[t] = Math.exp(s[t] - max);
            sum += s[t];
        }
        double[] out = new double[headDim];
        for (int t = 0; t <= last; t++) {
            for (int d = 0; d < headDim; d++) {
                out[d] += s[t] / sum * cache.get(true, layer, kvHead, t, d);
            }
        }
        return out;
    }

    private float[] gaussians(int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) random.nextGaussian();
        }
        return out;
    }

    private static MemorySegment floats(Arena arena, float[] values) {
        MemorySegment seg = arena.allocate(4L * values.length, 4);
        MemorySegment.copy(values, 0, seg, KvCache.FLOAT_LE, 0, values.length);
        return seg;
    }
}
