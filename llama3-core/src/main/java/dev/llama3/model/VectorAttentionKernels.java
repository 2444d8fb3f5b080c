package dev.llama3.model;

import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.F2D;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.MAX;
import static jdk.incubator.vector.VectorOperators.LSHL;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API attention loops. Only loaded (reflectively, by {@link AttentionKernels#active()}) when the tensor
 * kernels use the Vector API.
 *
 * <p>As in the tensor package's kernels, vectors never cross a method boundary of this class (a helper that C2
 * leaves out-of-line would box them), and every lane sum is the same fixed pairwise tree rather than
 * {@code reduceLanes(ADD)}, whose association may differ between interpreted and compiled code: the same scores
 * come out of every evaluation, which keeps seeded sampling reproducible.
 */
final class VectorAttentionKernels implements AttentionKernels {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED.vectorBitSize() > 512
            ? FloatVector.SPECIES_512 : FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    static final VectorSpecies<Integer> I = F.withLanes(int.class);
    /** L binary16 values. */
    static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(Math.max(64, L * 16)));

    /** L/2 doubles: the softmax sum is accumulated in double, as ggml does. */
    static final VectorSpecies<Double> D = F.withLanes(double.class);

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    // exp(x) = 2^n * exp(r), n = round(x / ln 2), r = x - n ln 2 (Cody-Waite: ln 2 split so n * LN2_HI is exact)
    private static final float LOG2E = (float) (1 / Math.log(2));
    private static final float LN2_HI = Float.intBitsToFloat(Float.floatToIntBits((float) Math.log(2)) & 0xFFFF_F000);
    private static final float LN2_LO = (float) (Math.log(2) - LN2_HI);
    /** Adding 1.5 * 2^23 rounds a float of magnitude below 2^22 to an integer, held in the low mantissa bits. */
    private static final float ROUNDER = 0x1.8p23f;
    private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);
    /** Below this, exp is under 2^-125: taken as 0 (Math.exp gives subnormals that no sum notices). */
    private static final float EXP_MIN = -87f;

    /** Lane rotations by L/2, L/4, L/8, L/16 for the pairwise lane sum (only the first log2(L) are used). */
    private static final VectorShuffle<Float> ROT_A = VectorShuffle.iota(F, L / 2, 1, true);
    private static final VectorShuffle<Float> ROT_B = VectorShuffle.iota(F, Math.max(1, L / 4), 1, true);
    private static final VectorShuffle<Float> ROT_C = VectorShuffle.iota(F, Math.max(1, L / 8), 1, true);
    private static final VectorShuffle<Float> ROT_D = VectorShuffle.iota(F, Math.max(1, L / 16), 1, true);

    VectorAttentionKernels() {
        if (L != 4 && L != 8 && L != 16) {
            throw new IllegalStateException("unsupported vector size: " + F.vectorBitSize() + " bits");
        }
        if (S.length() != L) {
            throw new IllegalStateException("no " + (L * 16) + "-bit short vectors for " + L + " float lanes");
        }
    }

    @Override
    public boolean vectorized() {
        return true;
    }

    @Override
    public void dotRows(float[] q, int qOff, float[] rows, int rowsOff, int n, int count, float scale,
            float[] scores, int sOff) {
        int vn = n - n % L;
        for (int r = 0; r < count; r++) {
            int row = rowsOff + r * n;
            FloatVector acc = FloatVector.zero(F);
            for (int i = 0; i < vn; i += L) {
                acc = FloatVector.fromArray(F, q, qOff + i).fma(FloatVector.fromArray(F, rows, row + i), acc);
            }
            acc = acc.add(acc.rearrange(ROT_A));
            acc = acc.add(acc.rearrange(ROT_B));
            if (L >= 8) {
                acc = acc.add(acc.rearrange(ROT_C));
            }
            if (L >= 16) {
                acc = acc.add(acc.rearrange(ROT_D));
            }
            float total = acc.lane(0);
            for (int i = vn; i < n; i++) {
                total += q[qOff + i] * rows[row + i];
            }
            scores[sOff + r] = total * scale;
        }
    }

    @Override
    public void dotRows(float[] q, int qOff, MemorySegment rows, long rowsOff, int n, int count, float scale,
            float[] scores, int sOff) {
        int vn = n - n % L;
        for (int r = 0; r < count; r++) {
            long row = rowsOff + 4L * r * n;
            FloatVector acc = FloatVector.zero(F);
            for (int i = 0; i < vn; i += L) {
                acc = FloatVector.fromArray(F, q, qOff + i)
                        .fma(FloatVector.fromMemorySegment(F, rows, row + 4L * i, LE), acc);
            }
            acc = acc.add(acc.rearrange(ROT_A));
            acc = acc.add(acc.rearrange(ROT_B));
            if (L >= 8) {
                acc = acc.add(acc.rearrange(ROT_C));
            }
            if (L >= 16) {
                acc = acc.add(acc.rearrange(ROT_D));
            }
            float total = acc.lane(0);
            for (int i = vn; i < n; i++) {
                total += q[qOff + i] * rows.get(KvCache.FLOAT_LE, row + 4L * i);
            }
            scores[sOff + r] = total * scale;
        }
    }

    // The output slice stays in registers while the rows are added into it, one FMA per row, spread over four
    // accumulators (rows r mod 4) so that consecutive FMAs do not wait for each other; they are summed in a fixed
    // order at the end.
    @Override
    public void accumulateRows(float[] p, int pOff, float[] rows, int rowsOff, int n, int count, float[] out, int outOff) {
        int vn = n - n % L;
        int c4 = count & ~3;
        for (int i = 0; i < vn; i += L) {
            FloatVector a0 = FloatVector.fromArray(F, out, outOff + i);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            int at = rowsOff + i;
            int r = 0;
            for (; r < c4; r += 4, at += 4 * n) {
                a0 = FloatVector.fromArray(F, rows, at).fma(FloatVector.broadcast(F, p[pOff + r]), a0);
                a1 = FloatVector.fromArray(F, rows, at + n).fma(FloatVector.broadcast(F, p[pOff + r + 1]), a1);
                a2 = FloatVector.fromArray(F, rows, at + 2 * n).fma(FloatVector.broadcast(F, p[pOff + r + 2]), a2);
                a3 = FloatVector.fromArray(F, rows, at + 3 * n).fma(FloatVector.broadcast(F, p[pOff + r + 3]), a3);
            }
            for (; r < count; r++, at += n) {
                a0 = FloatVector.fromArray(F, rows, at).fma(FloatVector.broadcast(F, p[pOff + r]), a0);
            }
            a0.add(a1).add(a2.add(a3)).intoArray(out, outOff + i);
        }
        for (int i = vn; i < n; i++) {
            float acc = out[outOff + i];
            for (int r = 0; r < count; r++) {
                acc += p[pOff + r] * rows[rowsOff + r * n + i];
            }
            out[outOff + i] = acc;
        }
    }

    @Override
    public void accumulateRows(float[] p, int pOff, MemorySegment rows, long rowsOff, int n, int count,
            float[] out, int outOff) {
        int vn = n - n % L;
        int c4 = count & ~3;
        long rowBytes = 4L * n;
        for (int i = 0; i < vn; i += L) {
            FloatVector a0 = FloatVector.fromArray(F, out, outOff + i);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            long at = rowsOff + 4L * i;
            int r = 0;
            for (; r < c4; r += 4, at += 4 * rowBytes) {
                a0 = FloatVector.fromMemorySegment(F, rows, at, LE).fma(FloatVector.broadcast(F, p[pOff + r]), a0);
                a1 = FloatVector.fromMemorySegment(F, rows, at + rowBytes, LE)
                        .fma(FloatVector.broadcast(F, p[pOff + r + 1]), a1);
                a2 = FloatVector.fromMemorySegment(F, rows, at + 2 * rowBytes, LE)
                        .fma(FloatVector.broadcast(F, p[pOff + r + 2]), a2);
                a3 = FloatVector.fromMemorySegment(F, rows, at + 3 * rowBytes, LE)
                        .fma(FloatVector.broadcast(F, p[pOff + r + 3]), a3);
            }
            for (; r < count; r++, at += rowBytes) {
                a0 = FloatVector.fromMemorySegment(F, rows, at, LE).fma(FloatVector.broadcast(F, p[pOff + r]), a0);
            }
            a0.add(a1).add(a2.add(a3)).intoArray(out, outOff + i);
        }
        for (int i = vn; i < n; i++) {
            float acc = out[outOff + i];
            for (int r = 0; r < count; r++) {
                acc += p[pOff + r] * rows.get(KvCache.FLOAT_LE, rowsOff + r * rowBytes + 4L * i);
            }
            out[outOff + i] = acc;
        }
    }

    // Softmax with exp evaluated in vector lanes: range reduction to |r| <= ln2/2 and the Taylor polynomial of degree
    // 7 (truncation error 5e-9 relative, below float's half-ulp), by Horner with FMA; 2^n is assembled from bits.
    // Only exact-or-correctly-rounded lane operations are used (no vector exp/convert intrinsics, which may
    // round differently in interpreted and compiled code), so every evaluation gives the same bits; the results are
    // within about 2 ulp of (float) Math.exp. The double sum adds each lane's share in a fixed order.
    @Override
    public void softmax(float[] x, int off, int n) {
        int vn = n - n % L;
        FloatVector mv = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < vn; i += L) {
            mv = mv.max(FloatVector.fromArray(F, x, off + i));
        }
        float max = mv.reduceLanes(MAX);
        for (int i = vn; i < n; i++) {
            if (x[off + i] > max) {
                max = x[off + i];
            }
        }
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = DoubleVector.zero(D);
        for (int i = 0; i < vn; i += L) {
            FloatVector d = FloatVector.fromArray(F, x, off + i).sub(max);
            FloatVector xv = d.max(EXP_MIN);
            FloatVector t = xv.fma(LOG2E, ROUNDER);
            FloatVector nf = t.sub(ROUNDER);
            FloatVector r = nf.fma(FloatVector.broadcast(F, -LN2_HI), xv);
            r = nf.fma(FloatVector.broadcast(F, -LN2_LO), r);
            FloatVector p = r.fma(1f / 5040, 1f / 720);
            p = p.fma(r, FloatVector.broadcast(F, 1f / 120));
            p = p.fma(r, FloatVector.broadcast(F, 1f / 24));
            p = p.fma(r, FloatVector.broadcast(F, 1f / 6));
            p = p.fma(r, FloatVector.broadcast(F, 0.5f));
            p = p.fma(r, FloatVector.broadcast(F, 1f));
            p = p.fma(r, FloatVector.broadcast(F, 1f));
            IntVector pow2 = t.reinterpretAsInts().sub(ROUNDER_BITS - 127).lanewise(LSHL, 23);
            FloatVector e = p.mul(pow2.reinterpretAsFloats());
            e = e.blend(0f, d.compare(LT, EXP_MIN));
            e.intoArray(x, off + i);
            s0 = s0.add(e.convertShape(F2D, D, 0));
            s1 = s1.add(e.convertShape(F2D, D, 1));
        }
        DoubleVector s01 = s0.add(s1);
        double sum = 0;
        for (int lane = 0; lane < D.length(); lane++) {
            sum += s01.lane(lane);
        }
        for (int i = vn; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < vn; i += L) {
            FloatVector.fromArray(F, x, off + i).mul(inv).intoArray(x, off + i);
        }
        for (int i = vn; i < n; i++) {
            x[off + i] *= inv;
        }
    }

    // SwiGLU with the softmax's lane exp (above), taken only of -|g| <= 0, where it needs no overflow handling:
    // silu(g) = g / (1 + e) for g >= 0 and g * e / (1 + e) for g < 0, e = exp(-|g|) (the same value, with exp of a
    // non-positive argument either way). The scalar loop took a double exp per element on the forward thread while
    // the other threads waited: 50 us per 8192 values against 8 here (Sapphire Rapids), 0.8 ms of a decoded 1B token
    // (16 layers) and 3.1 ms of four sessions' step. The last partial vector is masked, so every element gets the
    // same operations. The lane exp is spelled out here and in softmax rather than shared: as a helper method taking
    // and returning a vector, C2 left it out of line in a scratch harness and the gate ran ten times slower (5.6-7.9
    // against 0.53 us per 1024 values, 2026-12-07).
    @Override
    public void swiglu(float[] gate, float[] up, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector g = FloatVector.fromArray(F, gate, i, m);
            FloatVector d = g.abs().neg();
            FloatVector xv = d.max(EXP_MIN);
            FloatVector t = xv.fma(LOG2E, ROUNDER);
            FloatVector nf = t.sub(ROUNDER);
            FloatVector r = nf.fma(FloatVector.broadcast(F, -LN2_HI), xv);
            r = nf.fma(FloatVector.broadcast(F, -LN2_LO), r);
            FloatVector p = r.fma(1f / 5040, 1f / 720);
            p = p.fma(r, FloatVector.broadcast(F, 1f / 120));
            p = p.fma(r, FloatVector.broadcast(F, 1f / 24));
            p = p.fma(r, FloatVector.broadcast(F, 1f / 6));
            p = p.fma(r, FloatVector.broadcast(F, 0.5f));
            p = p.fma(r, FloatVector.broadcast(F, 1f));
            p = p.fma(r, FloatVector.broadcast(F, 1f));
            IntVector pow2 = t.reinterpretAsInts().sub(ROUNDER_BITS - 127).lanewise(LSHL, 23);
            FloatVector e = p.mul(pow2.reinterpretAsFloats());
            e = e.blend(0f, d.compare(LT, EXP_MIN));
            FloatVector silu = g.blend(g.mul(e), g.compare(LT, 0f)).div(e.add(1f));
            silu.mul(FloatVector.fromArray(F, up, i, m)).intoArray(gate, i, m);
        }
    }

    // binary16 -> float32 exactly: move exponent and mantissa to the float's position and rebias the exponent by
    // multiplying with 2^(127-15) (exact for normal and subnormal halves alike); Inf/NaN get the all-ones exponent,
    // NaNs also the quiet bit, as Float.float16ToFloat (and vcvtph2ps) give them.
    @Override
    public void halfToFloat(MemorySegment src, long off, int n, float[] dst, int dstOff) {
        int i = 0;
        for (; i <= n - L; i += L) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(S, src, off + 2L * i, LE).castShape(I, 0);
            IntVector em = h.and(0x7FFF);
            IntVector shifted = em.lanewise(LSHL, 13);
            IntVector finite = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
            IntVector bits = finite.blend(shifted.or(0x7F80_0000), em.compare(GE, 0x7C00))
                    .blend(shifted.or(0x7FC0_0000), em.compare(GT, 0x7C00));
            bits.or(h.and(0x8000).lanewise(LSHL, 16)).reinterpretAsFloats().intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) {
            dst[dstOff + i] = Float.float16ToFloat(src.get(KvCache.SHORT_LE, off + 2L * i));
        }
    }
}
