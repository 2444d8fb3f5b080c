package dev.llama3.tensor;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.B2F;
import static jdk.incubator.vector.VectorOperators.B2I;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.ULT;
import static jdk.incubator.vector.VectorOperators.XOR;
import static jdk.incubator.vector.VectorOperators.ZERO_EXTEND_B2I;

import dev.llama3.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels. Only loaded (reflectively, by {@link Kernels}) when {@code jdk.incubator.vector} is present.
 *
 * <p>Every supported format is dotted in one pass over the row: each block is loaded once, unpacked to float lanes
 * in registers and multiplied into float32 accumulator lanes with FMA, without touching memory in between. Batched
 * products (prefill, several sessions' decode steps) of Q8_0, Q4_0, Q4_K and Q6_K go through register tiles: a
 * block of R rows is unpacked once and multiplied with T input vectors (2x8 and 4x4 for Q8_0 and Q4_0, 2x4 for Q4_K,
 * 1x4 for Q6_K); with 512-bit vectors Q4_K and Q6_K rows are instead unpacked once per batch into a float panel that
 * float32 tiles then read ({@link #matmulPanel}). With 512-bit vectors the Q6_K kernels take their vectors in their
 * own lane order ({@link #copyInQ6_KOrder}, one copy per product and thread); {@link #dot} copies for them.
 * F16, BF16 and Q5_K combine one row with four vectors. Everything
 * is written against {@link #F}, the preferred float species, and works for 128-, 256- and 512-bit vectors (4, 8 or
 * 16 float lanes). Dequantizing whole rows (embedding lookups) uses the bit-exact scalar
 * {@link Dequantizer}, except for F16/BF16 whose vector conversion is exact.
 *
 * <p>Writing style, on purpose: the kernels call the Vector API directly and never through small helper methods
 * of this class. C2 always inlines the API's own (force-inline) methods, but stops inlining ordinary methods once
 * a compilation grows past its node budget, which a kernel reaches quickly; a helper left out-of-line then boxes
 * every vector it passes or returns and the kernel runs ten times slower. For the same reason the lane sums at the
 * end are spelled out in each kernel. Scalar reads from the segment ({@code seg.get(SHORT_LE, ..)}, a block's scale)
 * end in such an ordinary method ({@code Unsafe.getShortUnaligned}), and the budget at parse time is a count of nodes
 * created so far (18000, {@code NodeCountInliningCutoff}): so each block loop reads its scales first, before its
 * vector loads. Read after them, the 8th row's scale of {@code mm8x1Q8_0} fell just past that count in some
 * compilations and not in others (profiles differ from run to run), and the call left in the loop made Q8_0 decoding
 * a quarter slower for the whole process (docs/performance.md, "Prompt products").
 *
 * <p>Numerics: Q6_K forms each weight exactly as ggml dequantizes it ({@code q * d}, one rounding) and Q4_K with one
 * FMA where ggml rounds twice ({@code q * d1 - m1}; with 512-bit vectors that FMA fills a 16-entry table per
 * sub-block once, and each weight is looked up in it), then FMA it into the accumulator; Q8_0, Q4_0, Q5_0, IQ4_NL and
 * IQ4_XS sum {@code q * x} per block of 32 and apply the block scale once (Q4_0's sum starts with a multiply, the
 * others' with an FMA into zero: the same value up to the sign of a zero). Activations stay float32 (int8
 * activations were measured and did not pay without a dot-product instruction in the Vector API, see
 * docs/performance.md). Determinism: within a type, every kernel (single row, R x 1, R x T) performs the same
 * operations in the same order for each (row, vector) pair, one accumulator per pair, so a vector's result does not
 * depend on the batch it is in. The lane sum is a fixed pairwise tree,
 * not {@code reduceLanes(ADD)}, whose association may differ between interpreted and compiled code: every
 * evaluation of the same dot product gives the same bits.
 */
final class VectorKernels implements DotKernels {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED.vectorBitSize() > 512
            ? FloatVector.SPECIES_512 : FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    static final VectorSpecies<Integer> I = F.withLanes(int.class);
    /** L half/bfloat16 values. */
    static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(Math.max(64, L * 16)));
    /** Quant bytes per load: L (one float vector per load), at least 8 (then split into PARTS float vectors). */
    static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8)));
    static final int BL = B.length();
    /**
     * Nibble shifts by a count vector, not a constant: for {@code lanewise(LSHR, 4)} on a short vector C2 (JDK 25)
     * emits a shift by a count register that it rebuilds at every use (a scalar move and a port-5 {@code vmovd}),
     * while a count vector stays in a register. The Q6_K kernels that widen 16 weight bytes at a time (dotQ6_K,
     * unpackQ6_K512) do five shifts per 16 weights: the single-vector kernel of that form went from 8.0-8.5 to
     * 10.2-10.3 Gweights/s on one thread with count vectors.
     */
    private static final VectorSpecies<Short> BS = VectorSpecies.of(short.class, B.vectorShape());
    private static final ShortVector SHIFT2 = ShortVector.broadcast(BS, (short) 2);
    private static final ShortVector SHIFT4 = ShortVector.broadcast(BS, (short) 4);
    static final int PARTS = BL / L;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort SHORT_LE = Dequantizer.SHORT_LE;
    private static final ValueLayout.OfInt INT_LE = Dequantizer.INT_LE;
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfFloat FLOAT_LE = Dequantizer.FLOAT_LE;

    /** Lane rotations by L/2, L/4, L/8, L/16 for the pairwise lane sum (only the first log2(L) are used). */
    private static final VectorShuffle<Float> ROT_A = VectorShuffle.iota(F, L / 2, 1, true);
    private static final VectorShuffle<Float> ROT_B = VectorShuffle.iota(F, Math.max(1, L / 4), 1, true);
    private static final VectorShuffle<Float> ROT_C = VectorShuffle.iota(F, Math.max(1, L / 8), 1, true);
    private static final VectorShuffle<Float> ROT_D = VectorShuffle.iota(F, Math.max(1, L / 16), 1, true);

    /** The 16 IQ4_NL levels as a lookup vector (two vectors of 8 when byte vectors have 8 lanes). */
    private static final ByteVector IQ4_LO = ByteVector.fromArray(B, Dequantizer.IQ4NL_VALUES, 0);
    private static final ByteVector IQ4_HI = BL >= 16 ? IQ4_LO : ByteVector.fromArray(B, Dequantizer.IQ4NL_VALUES, 8);

    /**
     * {@code Float.float16ToFloat}, exactly, for the super-block scales of Q4_K and Q6_K. Normal half values (all
     * real scales) are converted with integer operations; zero, subnormals, infinities and NaN go to the JDK.
     * Measured on this machine: with C2's intrinsic for {@code float16ToFloat} (vcvtph2ps) the Q4_K kernel ran at
     * half speed on a real model's data (2.6-3.0 against 6 GB/s on random data, one thread, same kernel and shape;
     * 4.1 GB/s with this conversion; a model's Q4_K/Q6_K matrices 243 -> 148 ms per token on one thread). The
     * Q8_0/Q4_0 kernels, with a scale every 32 values, keep the intrinsic: this conversion made their 8-row kernel
     * three times slower. See docs/performance.md.
     */
    static float halfToFloat(short half) {
        int bits = half & 0x7FFF;
        if (bits < 0x0400 || bits >= 0x7C00) {
            return Float.float16ToFloat(half);
        }
        // rebias the exponent (15 -> 127: + 112 << 10) and widen the mantissa (10 -> 23 bits)
        return Float.intBitsToFloat(((half & 0x8000) << 16) | ((bits + 0x1C000) << 13));
    }

    VectorKernels() {
        if (L != 4 && L != 8 && L != 16) {
            throw new IllegalStateException("unsupported vector size: " + F.vectorBitSize() + " bits");
        }
        if (S.length() != L) {
            throw new IllegalStateException("no " + (L * 16) + "-bit short vectors for " + L + " float lanes");
        }
    }

    @Override
    public String description() {
        return "Vector API, " + F.vectorBitSize() + "-bit vectors (" + L + " float lanes)";
    }

    @Override
    public boolean vectorized() {
        return true;
    }

    @Override
    public void dequantize(GgmlType type, MemorySegment data, long off, int n, float[] dst, int dstOff) {
        switch (type) {
            case F16 -> dequantizeF16(data, off, n, dst, dstOff);
            case BF16 -> dequantizeBF16(data, off, n, dst, dstOff);
            default -> Dequantizer.dequantize(type, data, off, n, dst, dstOff);
        }
    }

    @Override
    public float dot(GgmlType type, MemorySegment data, long off, int n, float[] x, int xOff) {
        return switch (type) {
            case F32 -> dotF32(data, off, n, x, xOff);
            case F16 -> dotF16(data, off, n, x, xOff);
            case BF16 -> dotBF16(data, off, n, x, xOff);
            case Q8_0 -> dotQ8_0(data, off, n, x, xOff);
            case Q4_0 -> dotQ4_0(data, off, n, x, xOff);
            case IQ4_NL -> dotIQ4_NL(data, off, n, x, xOff);
            case IQ4_XS -> dotIQ4_XS(data, off, n, x, xOff);
            case Q4_K -> dotQ4_K(data, off, n, x, xOff);
            case Q5_K -> dotQ5_K(data, off, n, x, xOff);
            case Q6_K -> L == 16 ? dotQ6_KLanes(data, off, n, x, xOff) : dotQ6_K(data, off, n, x, xOff);
            case Q2_K -> dotQ2_K(data, off, n, x, xOff);
            case Q3_K -> dotQ3_K(data, off, n, x, xOff);
            case Q4_1 -> dotQ4_1(data, off, n, x, xOff);
            case Q5_0 -> dotQ5_0(data, off, n, x, xOff);
            case Q5_1 -> dotQ5_1(data, off, n, x, xOff);
            default -> throw new IllegalArgumentException("no dot kernel for " + type);
        };
    }

    /** dotQ6_K512 of one row with a vector in natural order: the vector copied to its lane order first. */
    private static float dotQ6_KLanes(MemorySegment data, long off, int n, float[] x, int xOff) {
        VectorCopy lanes = Q6_VECTORS.get();
        int xo = lanes.copy(x, xOff, n, true, false, -1);
        return dotQ6_K512(data, off, n, lanes.buffer, xo);
    }

    // ---------------------------------------------------------------- float formats

    // binary16 -> float32, exactly: place exponent and mantissa at the float's position and rebias the exponent by
    // multiplying with 2^(127-15) (exact for normal and subnormal halves alike); Inf/NaN get the all-ones exponent.
    static void dequantizeF16(MemorySegment seg, long off, int n, float[] dst, int dstOff) {
        int i = 0;
        for (; i <= n - L; i += L) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(S, seg, off + 2L * i, LE).castShape(I, 0);
            IntVector em = h.and(0x7FFF);
            IntVector shifted = em.lanewise(LSHL, 13);
            IntVector finite = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
            IntVector bits = finite.blend(shifted.or(0x7F80_0000), em.compare(GE, 0x7C00));
            bits.or(h.and(0x8000).lanewise(LSHL, 16)).reinterpretAsFloats().intoArray(dst, dstOff + i);
        }
        Dequantizer.f16(seg, off + 2L * i, n - i, dst, dstOff + i);
    }

    static void dequantizeBF16(MemorySegment seg, long off, int n, float[] dst, int dstOff) {
        int i = 0;
        for (; i <= n - L; i += L) {
            ((IntVector) ShortVector.fromMemorySegment(S, seg, off + 2L * i, LE).castShape(I, 0))
                    .lanewise(LSHL, 16).reinterpretAsFloats().intoArray(dst, dstOff + i);
        }
        Dequantizer.bf16(seg, off + 2L * i, n - i, dst, dstOff + i);
    }

    static float dotF32(MemorySegment seg, long off, int n, float[] x, int xOff) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        int i = 0;
        for (; i <= n - 4 * L; i += 4 * L) {
            long o = off + 4L * i;
            int xi = xOff + i;
            a0 = FloatVector.fromMemorySegment(F, seg, o, LE).fma(FloatVector.fromArray(F, x, xi), a0);
            a1 = FloatVector.fromMemorySegment(F, seg, o + 4L * L, LE).fma(FloatVector.fromArray(F, x, xi + L), a1);
            a2 = FloatVector.fromMemorySegment(F, seg, o + 8L * L, LE).fma(FloatVector.fromArray(F, x, xi + 2 * L), a2);
            a3 = FloatVector.fromMemorySegment(F, seg, o + 12L * L, LE).fma(FloatVector.fromArray(F, x, xi + 3 * L), a3);
        }
        for (; i <= n - L; i += L) {
            a0 = FloatVector.fromMemorySegment(F, seg, off + 4L * i, LE).fma(FloatVector.fromArray(F, x, xOff + i), a0);
        }
        FloatVector acc = a0.add(a1).add(a2.add(a3));
        acc = acc.add(acc.rearrange(ROT_A));
        acc = acc.add(acc.rearrange(ROT_B));
        if (L >= 8) {
            acc = acc.add(acc.rearrange(ROT_C));
        }
        if (L >= 16) {
            acc = acc.add(acc.rearrange(ROT_D));
        }
        float total = acc.lane(0);
        for (; i < n; i++) {
            total += seg.get(FLOAT_LE, off + 4L * i) * x[xOff + i];
        }
        return total;
    }

    static float dotF16(MemorySegment seg, long off, int n, float[] x, int xOff) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int i = 0;
        for (; i <= n - L; i += L) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(S, seg, off + 2L * i, LE).castShape(I, 0);
            IntVector em = h.and(0x7FFF);
            IntVector shifted = em.lanewise(LSHL, 13);
            IntVector finite = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
            IntVector bits = finite.blend(shifted.or(0x7F80_0000), em.compare(GE, 0x7C00));
            FloatVector w = bits.or(h.and(0x8000).lanewise(LSHL, 16)).reinterpretAsFloats();
            // two accumulators, alternating, to halve the FMA dependency chain
            if ((i & L) == 0) {
                a0 = w.fma(FloatVector.fromArray(F, x, xOff + i), a0);
            } else {
                a1 = w.fma(FloatVector.fromArray(F, x, xOff + i), a1);
            }
        }
        FloatVector acc = a0.add(a1);
        acc = acc.add(acc.rearrange(ROT_A));
        acc = acc.add(acc.rearrange(ROT_B));
        if (L >= 8) {
            acc = acc.add(acc.rearrange(ROT_C));
        }
        if (L >= 16) {
            acc = acc.add(acc.rearrange(ROT_D));
        }
        float total = acc.lane(0);
        for (; i < n; i++) {
            total += Float.float16ToFloat(seg.get(SHORT_LE, off + 2L * i)) * x[xOff + i];
        }
        return total;
    }

    static float dotBF16(MemorySegment seg, long off, int n, float[] x, int xOff) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int i = 0;
        for (; i <= n - 2 * L; i += 2 * L) {
            long o = off + 2L * i;
            FloatVector w0 = ((IntVector) ShortVector.fromMemorySegment(S, seg, o, LE).castShape(I, 0))
                    .lanewise(LSHL, 16).reinterpretAsFloats();
            FloatVector w1 = ((IntVector) ShortVector.fromMemorySegment(S, seg, o + 2L * L, LE).castShape(I, 0))
                    .lanewise(LSHL, 16).reinterpretAsFloats();
            a0 = w0.fma(FloatVector.fromArray(F, x, xOff + i), a0);
            a1 = w1.fma(FloatVector.fromArray(F, x, xOff + i + L), a1);
        }
        for (; i <= n - L; i += L) {
            FloatVector w = ((IntVector) ShortVector.fromMemorySegment(S, seg, off + 2L * i, LE).castShape(I, 0))
                    .lanewise(LSHL, 16).reinterpretAsFloats();
            a0 = w.fma(FloatVector.fromArray(F, x, xOff + i), a0);
        }
        FloatVector acc = a0.add(a1);
        acc = acc.add(acc.rearrange(ROT_A));
        acc = acc.add(acc.rearrange(ROT_B));
        if (L >= 8) {
            acc = acc.add(acc.rearrange(ROT_C));
        }
        if (L >= 16) {
            acc = acc.add(acc.rearrange(ROT_D));
        }
        float total = acc.lane(0);
        for (; i < n; i++) {
            total += Float.intBitsToFloat(seg.get(SHORT_LE, off + 2L * i) << 16) * x[xOff + i];
        }
        return total;
    }

    // ---------------------------------------------------------------- 32-value block formats

    // IQ4_NL block: f16 d, 16 bytes of 4-bit indices into the non-linear levels, laid out like Q4_0.
    static float dotIQ4_NL(MemorySegment seg, long off, int n, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(F);
        for (int xi = xOff, end = xOff + n; xi < end; xi += 32, off += 18) {
            // the scale first, before the vector loads (class comment)
            FloatVector d = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, off)));
            FloatVector s = FloatVector.zero(F);
            for (int j = 0; j < 16; j += BL) {
                ByteVector q = ByteVector.fromMemorySegment(B, seg, off + 2 + j, LE);
                ByteVector li = q.and((byte) 0x0F);
                ByteVector hi = q.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes().and((byte) 0x0F);
                ByteVector lo = BL >= 16 ? li.selectFrom(IQ4_LO) : li.selectFrom(IQ4_LO, IQ4_HI);
                ByteVector hv = BL >= 16 ? hi.selectFrom(IQ4_LO) : hi.selectFrom(IQ4_LO, IQ4_HI);
                for (int p = 0; p < PARTS; p++) {
                    s = ((FloatVector) lo.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xi + j + p * L), s);
                    s = ((FloatVector) hv.convertShape(B2F, F, p))
                            .fma(FloatVector.fromArray(F, x, xi + 16 + j + p * L), s);
                }
            }
            acc = s.fma(d, acc);
        }
        acc = acc.add(acc.rearrange(ROT_A));
        acc = acc.add(acc.rearrange(ROT_B));
        if (L >= 8) {
            acc = acc.add(acc.rearrange(ROT_C));
        }
        if (L >= 16) {
            acc = acc.add(acc.rearrange(ROT_D));
        }
        return acc.lane(0);
    }

    // ---------------------------------------------------------------- 256-value super-block formats

    // IQ4_XS: f16 d, u16 scales_h, u8 scales_l[4], 128 bytes; sub-block ib (32 values) is an IQ4_NL block with
    // scale d * (ls - 32), ls = nibble ib of scales_l | bits 2ib..2ib+1 of scales_h << 4.
    static float dotIQ4_XS(MemorySegment seg, long off, int n, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(F);
        for (int xb = xOff, end = xOff + n; xb < end; xb += 256, off += 136) {
            float d = Float.float16ToFloat(seg.get(SHORT_LE, off));
            int scalesH = seg.get(SHORT_LE, off + 2) & 0xFFFF;
            int scalesL = seg.get(INT_LE, off + 4);
            for (int ib = 0; ib < 8; ib++) {
                int ls = ((scalesL >>> (4 * ib)) & 0xF) | (((scalesH >>> (2 * ib)) & 3) << 4);
                int xi = xb + 32 * ib;
                FloatVector s = FloatVector.zero(F);
                for (int j = 0; j < 16; j += BL) {
                    ByteVector q = ByteVector.fromMemorySegment(B, seg, off + 8 + 16L * ib + j, LE);
                    ByteVector li = q.and((byte) 0x0F);
                    ByteVector hi = q.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes().and((byte) 0x0F);
                    ByteVector lo = BL >= 16 ? li.selectFrom(IQ4_LO) : li.selectFrom(IQ4_LO, IQ4_HI);
                    ByteVector hv = BL >= 16 ? hi.selectFrom(IQ4_LO) : hi.selectFrom(IQ4_LO, IQ4_HI);
                    for (int p = 0; p < PARTS; p++) {
                        s = ((FloatVector) lo.convertShape(B2F, F, p))
                                .fma(FloatVector.fromArray(F, x, xi + j + p * L), s);
                        s = ((FloatVector) hv.convertShape(B2F, F, p))
                                .fma(FloatVector.fromArray(F, x, xi + 16 + j + p * L), s);
                    }
                }
                acc = s.fma(FloatVector.broadcast(F, d * (ls - 32)), acc);
            }
        }
        acc = acc.add(acc.rearrange(ROT_A));
        acc = acc.add(acc.rearrange(ROT_B));
        if (L >= 8) {
            acc = acc.add(acc.rearrange(ROT_C));
        }
        if (L >= 16) {
            acc = acc.add(acc.rearrange(ROT_D));
        }
        return acc.lane(0);
    }

    // Q4_K/Q5_K scale bytes: for sub-block j (0..7), with b = the 12 bytes,
    //   j < 4:  scale = b[j] & 63,                          min = b[j+4] & 63
    //   j >= 4: scale = (b[j+4] & 15) | (b[j-4] >> 6) << 4,  min = (b[j+4] >> 4) | (b[j] >> 6) << 4
    // Below, b[0..7] is the long s0 and b[8..11] the int s8.

    // Q5_K: f16 d, f16 dmin, 12 scale bytes, qh[32], ql[128]. Like Q4_K; the 5th bit of value l of group g is
    // bit 2g (low nibbles) or 2g+1 (high nibbles) of qh[l].
    static float dotQ5_K(MemorySegment seg, long off, int n, float[] x, int xOff) {
        FloatVector accLo = FloatVector.zero(F);
        FloatVector accHi = FloatVector.zero(F);
        for (int xb = xOff, end = xOff + n; xb < end; xb += 256, off += 176) {
            float d = Float.float16ToFloat(seg.get(SHORT_LE, off));
            float dmin = Float.float16ToFloat(seg.get(SHORT_LE, off + 2));
            long s0 = seg.get(LONG_LE, off + 4);
            int s8 = seg.get(INT_LE, off + 12);
            for (int g = 0; g < 4; g++) {
                int j = 2 * g;
                int sc1;
                int m1;
                int sc2;
                int m2;
                if (g < 2) {
                    sc1 = (int) (s0 >>> (8 * j)) & 63;
                    sc2 = (int) (s0 >>> (8 * j + 8)) & 63;
                    m1 = (int) (s0 >>> (8 * j + 32)) & 63;
                    m2 = (int) (s0 >>> (8 * j + 40)) & 63;
                } else {
                    int t = s8 >>> (8 * (j - 4));
                    int lo = (int) (s0 >>> (8 * (j - 4)));
                    int hi = (int) (s0 >>> (8 * j));
                    sc1 = (t & 0xF) | (((lo >>> 6) & 3) << 4);
                    m1 = ((t >>> 4) & 0xF) | (((hi >>> 6) & 3) << 4);
                    sc2 = ((t >>> 8) & 0xF) | (((lo >>> 14) & 3) << 4);
                    m2 = ((t >>> 12) & 0xF) | (((hi >>> 14) & 3) << 4);
                }
                FloatVector vd1 = FloatVector.broadcast(F, d * sc1);
                FloatVector vm1 = FloatVector.broadcast(F, -(dmin * m1));
                FloatVector vd2 = FloatVector.broadcast(F, d * sc2);
                FloatVector vm2 = FloatVector.broadcast(F, -(dmin * m2));
                int xg = xb + 64 * g;
                for (int jj = 0; jj < 32; jj += BL) {
                    ByteVector q = ByteVector.fromMemorySegment(B, seg, off + 48 + 32L * g + jj, LE);
                    ByteVector h = ByteVector.fromMemorySegment(B, seg, off + 16 + jj, LE);
                    // bit 2g of h moved to bit 4: (h >> 2g) & 1, then << 4 (inside 16-bit lanes; masked per byte)
                    ByteVector h1 = h.reinterpretAsShorts().lanewise(LSHR, j).reinterpretAsBytes().and((byte) 1)
                            .reinterpretAsShorts().lanewise(LSHL, SHIFT4).reinterpretAsBytes();
                    ByteVector h2 = h.reinterpretAsShorts().lanewise(LSHR, j + 1).reinterpretAsBytes().and((byte) 1)
                            .reinterpretAsShorts().lanewise(LSHL, SHIFT4).reinterpretAsBytes();
                    ByteVector lo = q.and((byte) 0x0F).or(h1);
                    ByteVector hi = q.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes().and((byte) 0x0F)
                            .or(h2);
                    for (int p = 0; p < PARTS; p++) {
                        accLo = ((FloatVector) lo.convertShape(B2F, F, p)).fma(vd1, vm1)
                                .fma(FloatVector.fromArray(F, x, xg + jj + p * L), accLo);
                        accHi = ((FloatVector) hi.convertShape(B2F, F, p)).fma(vd2, vm2)
                                .fma(FloatVector.fromArray(F, x, xg + 32 + jj + p * L), accHi);
                    }
                }
            }
        }
        FloatVector acc = accLo.add(accHi);
        acc = acc.add(acc.rearrange(ROT_A));
        acc = acc.add(acc.rearrange(ROT_B));
        if (L >= 8) {
            acc = acc.add(acc.rearrange(ROT_C));
        }
        if (L >= 16) {
            acc = acc.add(acc.rearrange(ROT_D));
        }
        return acc.lane(0);
    }

    // Q2_K: u8 scales[16] (low nibble: scale, high nibble: min), qs[64], f16 d @80, f16 dmin @82. Half h
    // (128 values), j = 0..3: values 128h + 32j + l (l = 0..31) are bits 2j..2j+1 of qs[32h + l], with the
    // scale byte 8h + 2j + l/16.  y = (d * sc) * q - (dmin * m)
    static float dotQ2_K(MemorySegment seg, long off, int n, float[] x, int xOff) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        for (int xb = xOff, end = xOff + n; xb < end; xb += 256, off += 84) {
            float d = Float.float16ToFloat(seg.get(SHORT_LE, off + 80));
            float dmin = Float.float16ToFloat(seg.get(SHORT_LE, off + 82));
            for (int h = 0; h < 2; h++) {
                long q = off + 16 + 32L * h;
                for (int j = 0; j < 4; j += 2) {
                    int xj = xb + 128 * h + 32 * j;
                    for (int l = 0; l < 32; l += BL) {
                        ByteVector v = ByteVector.fromMemorySegment(B, seg, q + l, LE);
                        ByteVector v0 = v.reinterpretAsShorts().lanewise(LSHR, 2 * j).reinterpretAsBytes().and((byte) 3);
                        ByteVector v1 = v.reinterpretAsShorts().lanewise(LSHR, 2 * j + 2).reinterpretAsBytes()
                                .and((byte) 3);
                        int sc0 = seg.get(JAVA_BYTE, off + 8 * h + 2 * j + l / 16) & 0xFF;
                        int sc1 = seg.get(JAVA_BYTE, off + 8 * h + 2 * j + 2 + l / 16) & 0xFF;
                        FloatVector dl0 = FloatVector.broadcast(F, d * (sc0 & 0xF));
                        FloatVector ml0 = FloatVector.broadcast(F, -(dmin * (sc0 >>> 4)));
                        FloatVector dl1 = FloatVector.broadcast(F, d * (sc1 & 0xF));
                        FloatVector ml1 = FloatVector.broadcast(F, -(dmin * (sc1 >>> 4)));
                        for (int p = 0; p < PARTS; p++) {
                            int xi = xj + l + p * L;
                            acc0 = ((FloatVector) v0.convertShape(B2F, F, p)).fma(dl0, ml0)
                                    .fma(FloatVector.fromArray(F, x, xi), acc0);
                            acc1 = ((FloatVector) v1.convertShape(B2F, F, p)).fma(dl1, ml1)
                                    .fma(FloatVector.fromArray(F, x, xi + 32), acc1);
                        }
                    }
                }
            }
        }
        FloatVector acc = acc0.add(acc1);
        acc = acc.add(acc.rearrange(ROT_A));
        acc = acc.add(acc.rearrange(ROT_B));
        if (L >= 8) {
            acc = acc.add(acc.rearrange(ROT_C));
        }
        if (L >= 16) {
            acc = acc.add(acc.rearrange(ROT_D));
        }
        return acc.lane(0);
    }

    // Q3_K: hmask[32], qs[64], 12 scale bytes @96, f16 d @108. Half h, j = 0..3: value 128h + 32j + l is
    // (bits 2j..2j+1 of qs[32h + l]) - (bit 4h+j of hmask[l] ? 0 : 4), times d * (6-bit scale 8h + 2j + l/16 - 32).
    static float dotQ3_K(MemorySegment seg, long off, int n, float[] x, int xOff) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        for (int xb = xOff, end = xOff + n; xb < end; xb += 256, off += 110) {
            float d = Float.float16ToFloat(seg.get(SHORT_LE, off + 108));
            long s0 = seg.get(LONG_LE, off + 96);
            int s8 = seg.get(INT_LE, off + 104);
            for (int h = 0; h < 2; h++) {
                long q = off + 32 + 32L * h;
                for (int j = 0; j < 4; j++) {
                    int xj = xb + 128 * h + 32 * j;
                    for (int l = 0; l < 32; l += BL) {
                        int is = 8 * h + 2 * j + l / 16;
                        int low = is < 8 ? (int) (s0 >>> (8 * is)) & 0xF : (int) (s0 >>> (8 * (is - 8) + 4)) & 0xF;
                        int high = (s8 >>> (8 * (is & 3) + 2 * (is >>> 2))) & 3;
                        FloatVector dl = FloatVector.broadcast(F, d * ((low | (high << 4)) - 32));
                        ByteVector v = ByteVector.fromMemorySegment(B, seg, q + l, LE)
                                .reinterpretAsShorts().lanewise(LSHR, 2 * j).reinterpretAsBytes().and((byte) 3);
                        ByteVector hm = ByteVector.fromMemorySegment(B, seg, off + l, LE)
                                .reinterpretAsShorts().lanewise(LSHR, 4 * h + j).reinterpretAsBytes().and((byte) 1);
                        ByteVector value = v.or(hm.reinterpretAsShorts().lanewise(LSHL, SHIFT2).reinterpretAsBytes())
                                .sub((byte) 4);
                        for (int p = 0; p < PARTS; p++) {
                            FloatVector w = ((FloatVector) value.convertShape(B2F, F, p)).mul(dl);
                            if ((j & 1) == 0) {
                                acc0 = w.fma(FloatVector.fromArray(F, x, xj + l + p * L), acc0);
                            } else {
                                acc1 = w.fma(FloatVector.fromArray(F, x, xj + l + p * L), acc1);
                            }
                        }
                    }
                }
            }
        }
        FloatVector acc = acc0.add(acc1);
        acc = acc.add(acc.rearrange(ROT_A));
        acc = acc.add(acc.rearrange(ROT_B));
        if (L >= 8) {
            acc = acc.add(acc.rearrange(ROT_C));
        }
        if (L >= 16) {
            acc = acc.add(acc.rearrange(ROT_D));
        }
        return acc.lane(0);
    }

    // Q4_1 block: f16 d, f16 m, 16 bytes laid out like Q4_0 (no offset).  y = q * d + m
    static float dotQ4_1(MemorySegment seg, long off, int n, float[] x, int xOff) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        for (int xi = xOff, end = xOff + n; xi < end; xi += 32, off += 20) {
            FloatVector vd = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, off)));
            FloatVector vm = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, off + 2)));
            for (int j = 0; j < 16; j += BL) {
                ByteVector q = ByteVector.fromMemorySegment(B, seg, off + 4 + j, LE);
                ByteVector lo = q.and((byte) 0x0F);
                ByteVector hi = q.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes().and((byte) 0x0F);
                for (int p = 0; p < PARTS; p++) {
                    acc0 = ((FloatVector) lo.convertShape(B2F, F, p)).fma(vd, vm)
                            .fma(FloatVector.fromArray(F, x, xi + j + p * L), acc0);
                    acc1 = ((FloatVector) hi.convertShape(B2F, F, p)).fma(vd, vm)
                            .fma(FloatVector.fromArray(F, x, xi + 16 + j + p * L), acc1);
                }
            }
        }
        FloatVector acc = acc0.add(acc1);
        acc = acc.add(acc.rearrange(ROT_A));
        acc = acc.add(acc.rearrange(ROT_B));
        if (L >= 8) {
            acc = acc.add(acc.rearrange(ROT_C));
        }
        if (L >= 16) {
            acc = acc.add(acc.rearrange(ROT_D));
        }
        return acc.lane(0);
    }

    /** 0, 1, ..., L-1: per-lane shift counts that pick consecutive bits of a broadcast 32-bit word. */
    private static final IntVector IOTA = IntVector.zero(I).addIndex(1);

    // Q5_0 block: f16 d, u32 qh, 16 bytes. Value j < 16: low nibble of byte j | bit j of qh << 4; value j + 16:
    // high nibble | bit j + 16 << 4; minus 16.  sum_j y_j x_j = d * sum_j q_j x_j
    static float dotQ5_0(MemorySegment seg, long off, int n, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(F);
        for (int xi = xOff, end = xOff + n; xi < end; xi += 32, off += 22) {
            // the scale first, before the vector loads (class comment)
            FloatVector d = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, off)));
            int qh = seg.get(INT_LE, off + 2);
            FloatVector s = FloatVector.zero(F);
            for (int j = 0; j < 16; j += BL) {
                ByteVector q = ByteVector.fromMemorySegment(B, seg, off + 6 + j, LE);
                ByteVector lo = q.and((byte) 0x0F);
                ByteVector hi = q.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes().and((byte) 0x0F);
                for (int p = 0; p < PARTS; p++) {
                    int b = j + p * L;
                    IntVector hl = IntVector.broadcast(I, qh >>> b).lanewise(LSHR, IOTA).and(1).lanewise(LSHL, 4);
                    IntVector hh = IntVector.broadcast(I, qh >>> (16 + b)).lanewise(LSHR, IOTA).and(1).lanewise(LSHL, 4);
                    FloatVector vl = (FloatVector) ((IntVector) lo.castShape(I, p)).or(hl).sub(16).convertShape(I2F, F, 0);
                    FloatVector vh = (FloatVector) ((IntVector) hi.castShape(I, p)).or(hh).sub(16).convertShape(I2F, F, 0);
                    s = vl.fma(FloatVector.fromArray(F, x, xi + b), s);
                    s = vh.fma(FloatVector.fromArray(F, x, xi + 16 + b), s);
                }
            }
            acc = s.fma(d, acc);
        }
        acc = acc.add(acc.rearrange(ROT_A));
        acc = acc.add(acc.rearrange(ROT_B));
        if (L >= 8) {
            acc = acc.add(acc.rearrange(ROT_C));
        }
        if (L >= 16) {
            acc = acc.add(acc.rearrange(ROT_D));
        }
        return acc.lane(0);
    }

    // Q5_1 block: f16 d, f16 m, u32 qh, 16 bytes; 5-bit values as Q5_0 without the offset.  y = q * d + m
    static float dotQ5_1(MemorySegment seg, long off, int n, float[] x, int xOff) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        for (int xi = xOff, end = xOff + n; xi < end; xi += 32, off += 24) {
            FloatVector vd = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, off)));
            FloatVector vm = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, off + 2)));
            int qh = seg.get(INT_LE, off + 4);
            for (int j = 0; j < 16; j += BL) {
                ByteVector q = ByteVector.fromMemorySegment(B, seg, off + 8 + j, LE);
                ByteVector lo = q.and((byte) 0x0F);
                ByteVector hi = q.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes().and((byte) 0x0F);
                for (int p = 0; p < PARTS; p++) {
                    int b = j + p * L;
                    IntVector hl = IntVector.broadcast(I, qh >>> b).lanewise(LSHR, IOTA).and(1).lanewise(LSHL, 4);
                    IntVector hh = IntVector.broadcast(I, qh >>> (16 + b)).lanewise(LSHR, IOTA).and(1).lanewise(LSHL, 4);
                    FloatVector vl = (FloatVector) ((IntVector) lo.castShape(I, p)).or(hl).convertShape(I2F, F, 0);
                    FloatVector vh = (FloatVector) ((IntVector) hi.castShape(I, p)).or(hh).convertShape(I2F, F, 0);
                    acc0 = vl.fma(vd, vm).fma(FloatVector.fromArray(F, x, xi + b), acc0);
                    acc1 = vh.fma(vd, vm).fma(FloatVector.fromArray(F, x, xi + 16 + b), acc1);
                }
            }
        }
        FloatVector acc = acc0.add(acc1);
        acc = acc.add(acc.rearrange(ROT_A));
        acc = acc.add(acc.rearrange(ROT_B));
        if (L >= 8) {
            acc = acc.add(acc.rearrange(ROT_C));
        }
        if (L >= 16) {
            acc = acc.add(acc.rearrange(ROT_D));
        }
        return acc.lane(0);
    }

    // ---------------------------------------------------------------- batched products
    //
    // Q8_0, Q4_0, Q4_K and Q6_K: register tiles of R rows x T input vectors (see the generated kernels at the end),
    // R x 1 for a single vector (decode) and for the vectors left over. F16, BF16 and Q5_K: one row x four vectors.
    // In every kernel each (row, vector) pair goes through the same operations in the same order as dot(), so the
    // result for a vector does not depend on the batch it came in or its place there.

    /** Weight bytes per row tile: kept in L2 while every group of T vectors passes over it. */
    private static final long ROW_TILE_BYTES = 256 << 10;

    @Override
    public void matmulRows(GgmlType type, MemorySegment data, long rowBytes, int cols, int rows,
                           int rowFrom, int rowTo, float[] x, int batch, float[] out, long product) {
        switch (type) {
            case Q8_0, Q4_0 -> {
                if (L == 16) {
                    matmulTiled(type, data, rowBytes, cols, rows, rowFrom, rowTo, x, batch, out, product);
                } else if (batch >= 4) {
                    matmulFour(type, data, rowBytes, cols, rows, rowFrom, rowTo, x, batch, out);
                } else {
                    matmulTiled(type, data, rowBytes, cols, rows, rowFrom, rowTo, x, batch, out, product); // row by row
                }
            }
            case Q4_K, Q6_K -> {
                if (L == 16 && batch >= PANEL_MIN_BATCH) {
                    matmulPanel(type, data, rowBytes, cols, rows, rowFrom, rowTo, x, batch, out, true,
                            ALIGNED_VECTORS_MAX, product);
                } else {
                    matmulTiled(type, data, rowBytes, cols, rows, rowFrom, rowTo, x, batch, out, product);
                }
            }
            case F16, BF16, Q5_K -> {
                if (batch >= 4) {
                    matmulFour(type, data, rowBytes, cols, rows, rowFrom, rowTo, x, batch, out);
                } else {
                    DotKernels.super.matmulRows(type, data, rowBytes, cols, rows, rowFrom, rowTo, x, batch, out,
                            product);
                }
            }
            default -> DotKernels.super.matmulRows(type, data, rowBytes, cols, rows, rowFrom, rowTo, x, batch, out,
                    product);
        }
    }

    private static void matmulTiled(GgmlType type, MemorySegment data, long rowBytes, int cols, int rows,
                                    int rowFrom, int rowTo, float[] x, int batch, float[] out, long product) {
        // tile shape (rows x vectors), chosen by measurement on AVX-512 (docs/performance.md). Q6_K's unpacking is
        // long: its larger tiles exceed what C1 can compile, which leaves them interpreted until C2 gets to them.
        // The Q8_0/Q4_0 tiles are written for 512-bit vectors; narrower ones use the 1 x 4 kernels (matmulFour).
        // Q4_K/Q6_K come here with 512-bit vectors only for fewer than PANEL_MIN_BATCH vectors (else matmulPanel).
        int tr = switch (type) {
            case Q6_K -> 1;
            default -> 2;
        };
        int tt = switch (type) {
            case Q8_0, Q4_0 -> 8; // only used for 512-bit vectors
            default -> 4;
        };
        // Q8_0 and Q4_0 with 4 to 7 vectors left (several sessions decoding at once): a 4 x 4 tile, see below
        boolean quads = (type == GgmlType.Q8_0 || type == GgmlType.Q4_0) && L == 16;
        if (batch < (quads ? 4 : tt)) {
            // A single vector (decode) or a few: bound by streaming the weights from memory, so rowByRow picks how
            // many rows' streams are in flight per type (see rowGroups).
            rowByRow(type, data, rowBytes, cols, rows, rowFrom, rowTo, x, 0, batch, out, product);
            return;
        }
        int rowTile = (int) Math.max(4, Math.min(rowTo - rowFrom, ROW_TILE_BYTES / rowBytes)) & ~3;
        for (int r0 = rowFrom; r0 < rowTo; r0 += rowTile) {
            int r1 = Math.min(rowTo, r0 + rowTile);
            int b = 0;
            for (; b + tt <= batch; b += tt) {
                tileSweep(type, data, rowBytes, cols, rows, r0, r1, x, b, tr, tt, out);
            }
            if (quads && b + 4 <= batch) {
                // Four vectors meet four rows at a time: each activation load serves four rows and each unpacked
                // block four vectors. The one-row x four-vector kernel (dot4Q8_0) loads every activation vector
                // once per row, and 512-bit loads (one per cycle on Zen 4) bounded it: 24.5 against 30-35.6
                // Gweights x vectors/s for this tile (KernelBench, one thread). For Q4_0 the tile is no faster in
                // cache (31 against 28-33), but four rows are four streams of weights in flight, which is what one
                // core needs from memory on Sapphire Rapids: four Q4_0 sessions 23.0-23.6 -> 32.0-32.7 tok/s.
                tileSweep(type, data, rowBytes, cols, rows, r0, r1, x, b, 4, 4, out);
                b += 4;
            }
            // the vectors left over: row by row
            rowByRow(type, data, rowBytes, cols, rows, r0, r1, x, b, batch, out, product);
        }
    }

    /** Q4_K and Q6_K (512-bit vectors) with at least this many vectors go through {@link #matmulPanel}. */
    static final int PANEL_MIN_BATCH = 4;

    /** Floats of a thread's panel of unpacked rows: 256 KiB, which stays in L2 next to the vectors being combined. */
    private static final int PANEL_FLOATS = 64 << 10;

    /** Floats of slack before a panel or a copy of vectors, from which they start on a 64-byte line. */
    private static final int ALIGN_FLOATS = ArrayAlignment.BYTES / Float.BYTES;

    /**
     * Each thread's panel (compute pool workers and the threads that call matmul; grown for very long rows), with
     * {@link #ALIGN_FLOATS} of slack: the rows are unpacked from its first 64-byte line on (ArrayAlignment).
     */
    private static final ThreadLocal<float[]> PANELS =
            ThreadLocal.withInitial(() -> new float[PANEL_FLOATS + ALIGN_FLOATS]);

    /** This thread's panel, grown to hold {@code floats} from its first 64-byte line. */
    private static float[] panel(int floats) {
        float[] panel = PANELS.get();
        if (panel.length < floats + ALIGN_FLOATS) {
            panel = new float[floats + ALIGN_FLOATS];
            PANELS.set(panel);
        }
        return panel;
    }

    /**
     * Most floats of vectors a thread copies at once (16 MiB: a 512-token prompt chunk of 8192-column vectors). The
     * prompt path reads larger batches where they are; the batched decode path copies them a slice at a time. Each
     * thread keeps its buffer (up to this size) for the life of the thread.
     */
    private static final int ALIGNED_VECTORS_MAX = 4 << 20;

    /** The first index of {@code a} on a 64-byte line, or 0 where that cannot be known (see ArrayAlignment). */
    private static int firstLine(float[] a) {
        return Math.max(0, ArrayAlignment.alignedIndex(a));
    }

    /**
     * A thread's copy of vectors for the register tiles. Java arrays start 16 bytes past an 8-byte boundary, so
     * nearly every 512-bit load from them spans two cache lines, and the tiles, which load a vector of weights or
     * activations for every two FMAs, ran at half their rate (docs/performance.md, "Aligned panels"): the copy starts
     * on the buffer's first 64-byte line. A thread is usually given several ranges of rows of one product (see
     * ComputePool); it copies the vectors for the first and reuses them for the others (a 512-token prompt chunk's
     * products, ModelMatmulBench: Q8_0 2-5 % and Q4_K_M 9-11 % faster than with a copy per range).
     */
    private static final class VectorCopy {
        float[] buffer = new float[0];
        // what the buffer holds from index offset: floats [from, from + floats) of product's vectors, in Q6_K order
        // or not (product -1: nothing that can be reused)
        long product = -1;
        int from;
        int floats;
        boolean q6Order;
        int offset;

        /**
         * Floats {@code [from, from + floats)} of {@code x} in {@link #buffer} (Q6_K: in dotQ6_K512's lane order,
         * see copyInQ6_KOrder), from its first 64-byte line when {@code align}; returns their index there. Copies
         * nothing when the buffer already holds them for this {@code product} (a negative one is never reused).
         */
        int copy(float[] x, int from, int floats, boolean q6Order, boolean align, long product) {
            if (product >= 0 && product == this.product && from == this.from && floats == this.floats
                    && q6Order == this.q6Order) {
                return offset;
            }
            if (buffer.length < floats + ALIGN_FLOATS) {
                buffer = new float[floats + ALIGN_FLOATS];
            }
            int xo = align ? firstLine(buffer) : 0;
            if (q6Order) {
                copyInQ6_KOrder(x, from, buffer, xo, floats);
            } else {
                System.arraycopy(x, from, buffer, xo, floats);
            }
            this.product = product;
            this.from = from;
            this.floats = floats;
            this.q6Order = q6Order;
            this.offset = xo;
            return xo;
        }
    }

    private static final ThreadLocal<VectorCopy> VECTORS = ThreadLocal.withInitial(VectorCopy::new);

    /**
     * Each thread's copy of vectors in dotQ6_K512's lane order for the single-row Q6_K kernel (decode, and what the
     * panel leaves over), apart from {@link #VECTORS}, which the panel path is still using when it gets there.
     */
    private static final ThreadLocal<VectorCopy> Q6_VECTORS = ThreadLocal.withInitial(VectorCopy::new);

    /**
     * Row at {@code off} times vector {@code v} of {@code x} ({@code batch} vectors) with the single-row kernel, for
     * the rows and vectors a panel leaves over; Q6_K's from a lane-order copy of the vectors (made once per product).
     */
    private static float leftOver(GgmlType type, MemorySegment data, long off, int cols, float[] x, int batch, int v,
                                  long product) {
        if (type == GgmlType.Q6_K) {
            VectorCopy lanes = Q6_VECTORS.get();
            int xo = lanes.copy(x, 0, batch * cols, true, true, product);
            return dotQ6_K512(data, off, cols, lanes.buffer, xo + v * cols);
        }
        return dotTiled(type, data, off, cols, x, v * cols);
    }

    /**
     * Copies {@code floats} floats of vectors (a whole number of 256-value super-blocks) from {@code x[from ..]} to
     * {@code xv[xo ..]} in dotQ6_K512's lane order, the order in which {@link #unpackQ6_K512Ordered} stores the
     * weights: in each super-block, step {@code s} (16 floats) holds in lane {@code j} value
     * {@code 128h + 32k + 4 (j % 8) + b}, where {@code h = s / 8}, {@code b = s % 4} and {@code k = 2 ((s / 4) % 2)
     * + j / 8} (see the generator's q6_k_512_lane_super_block).
     */
    static void copyInQ6_KOrder(float[] x, int from, float[] xv, int xo, int floats) {
        for (int sb = 0; sb < floats; sb += 256) {
            int src = from + sb;
            int dst = xo + sb;
            for (int step = 0; step < 16; step++) {
                int first = 128 * (step >> 3) + 64 * ((step >> 2) & 1) + (step & 3);
                for (int j = 0; j < 8; j++) {
                    xv[dst + 16 * step + j] = x[src + first + 4 * j];
                    xv[dst + 16 * step + 8 + j] = x[src + first + 32 + 4 * j];
                }
            }
        }
    }

    /**
     * Q4_K and Q6_K times a batch (several sessions decoding together; prompts take matmulPromptPanel): a panel of
     * rows is unpacked once to float32 weights (exactly the floats the dot kernels form), then every group of 4
     * vectors meets it in float32 register tiles (2 rows x 4 vectors for Q4_K, whose two accumulators per pair fill
     * the registers; 4 x 4 for Q6_K). The K-quant tiles unpacked every block again for each group of vectors, and
     * unpacking, not arithmetic, bounded them. Per pair the tile does the FMAs of dotQ4_K512/dotQ6_K512 in their
     * order, so results stay bit-identical: Q6_K's rows are unpacked and its vectors copied in dotQ6_K512's lane
     * order (unpackQ6_K512Ordered, copyInQ6_KOrder), so that the plain prompt tile (mmPrompt4x4) goes through them in
     * that order.
     *
     * <p>{@code align} false (for the tests) unpacks the rows and copies the vectors from index 0 of their buffers
     * instead of from their first 64-byte lines; {@code sliceFloats} bounds the floats of vectors copied per pass
     * over the rows (a slice is at least 4 vectors); {@code product} as in {@link DotKernels#matmulRows}.
     */
    static void matmulPanel(GgmlType type, MemorySegment data, long rowBytes, int cols, int rows,
                            int rowFrom, int rowTo, float[] x, int batch, float[] out, boolean align,
                            int sliceFloats, long product) {
        boolean q6 = type == GgmlType.Q6_K;
        int tr = q6 ? 4 : 2;
        int quads = batch & ~3;
        if (quads == 0) { // fewer than 4 vectors (tests; matmulRows sends them to matmulTiled): the decode path
            rowByRow(type, data, rowBytes, cols, rows, rowFrom, rowTo, x, 0, batch, out, product);
            return;
        }
        // One group of vectors (4-7 sessions decoding together) meets each panel once: unpacking one tile's rows at a
        // time keeps them in L1 for it instead of sending a whole panel through L2 (model's Q4_K gate and up products
        // at batch 4: 32-33 -> 24-28 ms; Q6_K's 4 rows of 8192 columns exceed L1 either way).
        int panelRows = quads == 4 ? tr : Math.max(tr, PANEL_FLOATS / cols / tr * tr);
        float[] panel = panel(panelRows * cols);
        int po = align ? firstLine(panel) : 0;
        VectorCopy copy = VECTORS.get();
        // The vectors go through this thread's buffer (Q6_K's in the order of its panel, see unpackQ6_K512Ordered; with
        // or without their addresses), a slice of them per pass over the rows, so that a huge batch does not grow it
        // without bound. Rows and vectors left over go with the last slice.
        int slice = Math.max(4, Math.min(quads, sliceFloats / cols) & ~3);
        for (int v0 = 0; v0 < quads; v0 += slice) {
            int v1 = Math.min(quads, v0 + slice);
            int xo = copy.copy(x, v0 * cols, (v1 - v0) * cols, q6, align, product);
            float[] xv = copy.buffer;
            for (int r0 = rowFrom; r0 < rowTo; r0 += panelRows) {
                int r1 = Math.min(rowTo, r0 + panelRows);
                int tiled = r0 + (r1 - r0) / tr * tr;
                for (int r = r0; r < tiled; r++) {
                    if (q6) {
                        unpackQ6_K512Ordered(data, r * rowBytes, cols, panel, po + (r - r0) * cols);
                    } else {
                        unpackQ4_K512(data, r * rowBytes, cols, panel, po + (r - r0) * cols);
                    }
                }
                for (int b = v0; b < v1; b += 4) {
                    int xb = xo + (b - v0) * cols;
                    for (int r = r0; r < tiled; r += tr) {
                        int wo = po + (r - r0) * cols;
                        if (q6) {
                            mmPrompt4x4(panel, wo, cols, cols, xv, xb, cols, out, b * rows + r, rows);
                        } else {
                            mmPanel2x4Q4_K(panel, wo, cols, cols, xv, xb, cols, out, b * rows + r, rows);
                        }
                    }
                }
                if (v1 == quads) {
                    // rows left over (every vector) and vectors left over (every row): the single-row kernels
                    for (int r = r0; r < r1; r++) {
                        long off = r * rowBytes;
                        for (int v = r < tiled ? quads : 0; v < batch; v++) {
                            out[v * rows + r] = leftOver(type, data, off, cols, x, batch, v, product);
                        }
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- prompt products
    //
    // A prompt's vectors only have to agree with each other, not with decode (see DotKernels.matmulPromptRows). With
    // 512-bit vectors the prompt path of Q8_0, Q4_0, Q4_K and Q6_K multiplies unpacked weights in one plain order:
    // one accumulator per (row, vector) pair taking w[i..i+15] * x[i..i+15] in column order. Rows are unpacked once
    // into a panel of floats (Q8_0: w = q * d, Q4_0: w = (q - 8) * d, ggml's values; Q4_K/Q6_K: the weights their dot
    // kernels form) that every group of four vectors meets in a 4 x 4 register tile (mmPrompt4x4). For Q8_0/Q4_0
    // that is two FMAs per pair and 32-value block instead of the decode kernels' three (per-block sum, then the
    // scale); for Q4_K/Q6_K it drops the decode order's constraints (two accumulators, Q6_K's lane order) on the
    // tile. Rows and vectors left over (all of them for one to three vectors, e.g. a prompt's last-token logits) go
    // one pair at a time over the same panel (promptDotPanel), so every vector gets the same bits whatever the batch,
    // chunk or row range. Other types' prompts take the decode path (matmulRows).

    @Override
    public void matmulPromptRows(GgmlType type, MemorySegment data, long rowBytes, int cols, int rows,
                                 int rowFrom, int rowTo, float[] x, int batch, float[] out, long product) {
        if (L == 16 && (type == GgmlType.Q8_0 || type == GgmlType.Q4_0 || type == GgmlType.Q4_K
                || type == GgmlType.Q6_K)) {
            matmulPromptPanel(type, data, rowBytes, cols, rows, rowFrom, rowTo, x, batch, out, true, product);
        } else {
            matmulRows(type, data, rowBytes, cols, rows, rowFrom, rowTo, x, batch, out, product);
        }
    }

    /**
     * The prompt path of Q8_0, Q4_0, Q4_K and Q6_K (see above). {@code align} false (for the tests) unpacks the rows
     * from index 0 of the panel and reads the vectors where they are; {@code product} as in
     * {@link DotKernels#matmulRows}.
     */
    static void matmulPromptPanel(GgmlType type, MemorySegment data, long rowBytes, int cols, int rows,
                                  int rowFrom, int rowTo, float[] x, int batch, float[] out, boolean align,
                                  long product) {
        int quads = batch & ~3;
        int panelRows = Math.max(4, PANEL_FLOATS / cols & ~3);
        float[] panel = panel(panelRows * cols);
        int po = align ? firstLine(panel) : 0;
        float[] xv = x;
        int xo = 0;
        // the vectors from a 64-byte line: only where its address can be had (else a copy gains nothing), only for
        // tiles (4 vectors or more), and not beyond ALIGNED_VECTORS_MAX
        if (align && ArrayAlignment.available() && quads > 0 && quads * cols <= ALIGNED_VECTORS_MAX) {
            VectorCopy copy = VECTORS.get();
            xo = copy.copy(x, 0, quads * cols, false, true, product);
            xv = copy.buffer;
        }
        for (int r0 = rowFrom; r0 < rowTo; r0 += panelRows) {
            int r1 = Math.min(rowTo, r0 + panelRows);
            int tiled = r0 + ((r1 - r0) & ~3);
            for (int r = r0; r < r1; r++) {
                long off = r * rowBytes;
                int wo = po + (r - r0) * cols;
                switch (type) {
                    case Q8_0 -> unpackQ8_0(data, off, cols, panel, wo);
                    case Q4_0 -> unpackQ4_0(data, off, cols, panel, wo);
                    case Q4_K -> unpackQ4_K512(data, off, cols, panel, wo);
                    default -> unpackQ6_K512(data, off, cols, panel, wo);
                }
            }
            for (int b = 0; b < quads; b += 4) {
                for (int r = r0; r < tiled; r += 4) {
                    mmPrompt4x4(panel, po + (r - r0) * cols, cols, cols, xv, xo + b * cols, cols, out, b * rows + r, rows);
                }
            }
            // rows left over (every vector) and vectors left over (every row): one pair at a time, same order
            for (int r = r0; r < r1; r++) {
                for (int v = r < tiled ? quads : 0; v < batch; v++) {
                    out[v * rows + r] = promptDotPanel(panel, po + (r - r0) * cols, cols, x, v * cols);
                }
            }
        }
    }

    /** A Q8_0 row's dequantized weights (ggml's {@code q * d}) as float32 (512-bit vectors). */
    static void unpackQ8_0(MemorySegment seg, long off, int n, float[] w, int wo) {
        for (int i = 0; i < n; i += 32, off += 34) {
            FloatVector d = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, off)));
            ByteVector q0 = ByteVector.fromMemorySegment(B, seg, off + 2, LE);
            ByteVector q1 = ByteVector.fromMemorySegment(B, seg, off + 18, LE);
            ((FloatVector) q0.convertShape(B2F, F, 0)).mul(d).intoArray(w, wo + i);
            ((FloatVector) q1.convertShape(B2F, F, 0)).mul(d).intoArray(w, wo + i + 16);
        }
    }

    /** A Q4_0 row's dequantized weights (ggml's {@code (q - 8) * d}) as float32 (512-bit vectors). */
    static void unpackQ4_0(MemorySegment seg, long off, int n, float[] w, int wo) {
        for (int i = 0; i < n; i += 32, off += 18) {
            FloatVector d = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, off)));
            ByteVector q = ByteVector.fromMemorySegment(B, seg, off + 2, LE);
            ByteVector lo = q.and((byte) 0x0F).sub((byte) 8);
            ByteVector hi = q.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes().and((byte) 0x0F)
                    .sub((byte) 8);
            ((FloatVector) lo.convertShape(B2F, F, 0)).mul(d).intoArray(w, wo + i);
            ((FloatVector) hi.convertShape(B2F, F, 0)).mul(d).intoArray(w, wo + i + 16);
        }
    }

    /** One unpacked row and one vector in the prompt order (mmPrompt4x4's per pair; 512-bit vectors). */
    static float promptDotPanel(float[] w, int wo, int n, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(F);
        for (int i = 0; i < n; i += 16) {
            acc = FloatVector.fromArray(F, w, wo + i).fma(FloatVector.fromArray(F, x, xOff + i), acc);
        }
        acc = acc.add(acc.rearrange(ROT_A));
        acc = acc.add(acc.rearrange(ROT_B));
        acc = acc.add(acc.rearrange(ROT_C));
        acc = acc.add(acc.rearrange(ROT_D));
        return acc.lane(0);
    }

    /**
     * Rows {@code [r0, r1)} times vectors {@code [b, b + tt)} in {@code tr x tt} register tiles (the shapes
     * {@link #matmulTiled} and {@link #rowGroups} pick), the rows of a tile {@link #pageSpread} rows apart; the rows
     * left over one at a time.
     */
    private static void tileSweep(GgmlType type, MemorySegment data, long rowBytes, int cols, int rows, int r0, int r1,
                                  float[] x, int b, int tr, int tt, float[] out) {
        int xo = b * cols;
        int r = r0;
        // rows a page apart while a whole block of them is left, then adjacent ones
        for (int spread = tr > 1 ? pageSpread(rowBytes) : 1; r + tr <= r1; spread = 1) {
            for (; r + tr * spread <= r1; r += tr * spread) {
                for (int s = 0; s < spread; s++) {
                    tile(type, tt, data, (r + s) * rowBytes, spread * rowBytes, cols, x, xo, out, b * rows + r + s,
                            rows, spread);
                }
            }
        }
        for (; r < r1; r++) {
            long off = r * rowBytes;
            for (int t = 0; t < tt; t++) {
                out[(b + t) * rows + r] = dotTiled(type, data, off, cols, x, (b + t) * cols);
            }
        }
    }

    /**
     * One register tile of {@link #tileSweep}: its rows {@code rb} bytes apart, their results {@code ors} apart. Q8_0,
     * Q4_0 and (512-bit) Q4_K with fewer than 4 vectors ({@link #rowGroups}): the R x 1 kernel for each vector in
     * turn, while the rows are in cache.
     */
    private static void tile(GgmlType type, int tt, MemorySegment data, long off, long rb, int cols, float[] x, int xo,
                             float[] out, int oo, int rows, int ors) {
        switch (type) {
            case Q8_0 -> {
                if (tt == 4) {
                    mm4x4Q8_0(data, off, rb, cols, x, xo, cols, out, oo, rows, ors);
                } else if (tt == 8) {
                    mm2x8Q8_0(data, off, rb, cols, x, xo, cols, out, oo, rows, ors);
                } else {
                    for (int t = 0; t < tt; t++) {
                        mm8x1Q8_0(data, off, rb, cols, x, xo + t * cols, out, oo + t * rows, ors);
                    }
                }
            }
            case Q4_0 -> {
                if (tt == 4) {
                    mm4x4Q4_0(data, off, rb, cols, x, xo, cols, out, oo, rows, ors);
                } else if (tt == 8) {
                    mm2x8Q4_0(data, off, rb, cols, x, xo, cols, out, oo, rows, ors);
                } else {
                    for (int t = 0; t < tt; t++) {
                        mm4x1Q4_0(data, off, rb, cols, x, xo + t * cols, out, oo + t * rows, ors);
                    }
                }
            }
            case Q4_K -> {
                if (L == 16 && tt < 4) {
                    for (int t = 0; t < tt; t++) {
                        mm2x1Q4_K512(data, off, rb, cols, x, xo + t * cols, out, oo + t * rows, ors);
                    }
                } else {
                    mm2x4Q4_K(data, off, rb, cols, x, xo, cols, out, oo, rows, ors);
                }
            }
            default -> mm1x4Q6_K(data, off, rb, cols, x, xo, cols, out, oo, rows, ors);
        }
    }

    /**
     * How many rows apart the rows of a multi-row kernel are taken: enough that each is in a 4 KiB page of its own.
     * A kernel over several rows reads them as that many streams at once, and the L2 hardware prefetcher follows
     * streams page by page, one per page and direction: adjacent rows of 2048 columns (2176 bytes for Q8_0, 1152 for
     * Q4_0) put two to four streams in one page, and it prefetched for few of them. Walking rows r, r + s, r + 2s,
     * ... (then r + 1, r + 1 + s, ...) reads the same rows with the same operations, so the results are the same
     * bits; only the order of the rows changes. Two threads, 216 MiB of 2048-column rows (KernelBench): Q8_0, one
     * vector, 13.9-14.7 -> 18.3-19.1 GB/s (docs/performance.md, "Rows a page apart").
     */
    static int pageSpread(long rowBytes) {
        return (int) Math.max(1, Math.min(8, (PAGE_BYTES + rowBytes - 1) / rowBytes));
    }

    private static final long PAGE_BYTES = 4096;

    /**
     * Sink for the loads of {@link #touchRow}; written so that the JIT keeps them. Racy writes from several threads
     * are harmless: nothing reads it.
     */
    @SuppressWarnings("unused")
    private static int touchSink;

    /**
     * Rows {@code [r0, r1)} times vectors {@code [v0, v1)}, one row after the other (Q8_0/Q4_0: 4 vectors at once;
     * the vectors left over meet the rows several at a time, see {@link #rowGroups}).
     */
    private static void rowByRow(GgmlType type, MemorySegment data, long rowBytes, int cols, int rows, int r0, int r1,
                                 float[] x, int v0, int v1, float[] out, long product) {
        if (L == 16 && type == GgmlType.Q6_K) {
            q6Rows(data, rowBytes, cols, rows, r0, r1, x, v0, v1, out, product);
            return;
        }
        boolean four = type == GgmlType.Q8_0 || type == GgmlType.Q4_0;
        boolean grouped = L == 16 && (type == GgmlType.Q8_0 || type == GgmlType.Q4_0 || type == GgmlType.Q4_K);
        int single = grouped ? v0 + ((v1 - v0) & ~3) : v1;
        // Q4_K below 512 bits, one vector: the kernel is fast enough that a single stream of weights starves it
        // (Sapphire Rapids, before the 512-bit kernels took two rows a page apart: the 16 gate matrices took 38 ms,
        // 17.5 ms with the next row touched ahead). Q6_K and Q4_0 are bound by unpacking and gained nothing.
        boolean touch = type == GgmlType.Q4_K && single > v0;
        int sink = 0;
        for (int r = r0; r < r1; r++) {
            long off = r * rowBytes;
            if (touch && r + 1 < r1) {
                sink += touchRow(data, off + rowBytes, rowBytes);
            }
            int v = v0;
            if (four) {
                for (; v + 4 <= v1; v += 4) {
                    if (type == GgmlType.Q8_0) {
                        dot4Q8_0(data, off, cols, x, v * cols, cols, out, v * rows + r, rows);
                    } else {
                        dot4Q4_0(data, off, cols, x, v * cols, cols, out, v * rows + r, rows);
                    }
                }
            }
            for (; v < single; v++) {
                out[v * rows + r] = dotTiled(type, data, off, cols, x, v * cols);
            }
        }
        if (touch) {
            touchSink = sink;
        }
        if (single < v1) {
            rowGroups(type, data, rowBytes, cols, rows, r0, r1, x, single, v1, out);
        }
    }

    /**
     * Loads one byte of every cache line of {@code [off, off + bytes)}, so that the memory system fetches a row
     * while the kernel works on the previous one (the Vector API has no prefetch instruction). Returns their sum
     * for {@link #touchSink}.
     */
    private static int touchRow(MemorySegment data, long off, long bytes) {
        int sum = 0;
        for (long a = off, end = off + bytes; a < end; a += 64) {
            sum += data.get(JAVA_BYTE, a);
        }
        return sum;
    }

    /**
     * Vectors {@code [v0, v1)} (fewer than 4) times Q8_0/Q4_0/Q4_K rows, several rows at a time (measured,
     * docs/performance.md "Decode"): Q8_0 8 ({@code mm8x1Q8_0}), Q4_0 4 ({@code mm4x1Q4_0}), taken
     * {@link #pageSpread} rows apart. Each row's weights are a separate stream, and on Sapphire Rapids one core
     * reaches only about 5 GB/s from a single sequential stream: the model's Q8_0 products went from 108 to 72 ms per
     * token on two cores with 8 adjacent rows in flight, and to 67 ms with the rows a page apart. Q4_0 had kept one
     * row at a time for 2048-column rows, where 4 adjacent rows measured slower (19 against 14 ms for the 16 gate
     * matrices); 4 rows a page apart are faster (13 against 15-17 ms). Q4_K (512-bit) 2 ({@code mm2x1Q4_K512}): with
     * its weights from tables it is bound by unpacking less than before, and two rows a page apart took the model's
     * Q4_K products from 51 to 44 ms per token; more rows are too large for C1 (see mm2x1Q4_K512).
     */
    private static void rowGroups(GgmlType type, MemorySegment data, long rowBytes, int cols, int rows, int r0, int r1,
                                  float[] x, int v0, int v1, float[] out) {
        int tr = switch (type) {
            case Q8_0 -> 8;
            case Q4_K -> 2;
            default -> 4;
        };
        tileSweep(type, data, rowBytes, cols, rows, r0, r1, x, v0, tr, v1 - v0, out);
    }

    /**
     * Q6_K (512-bit vectors) rows {@code [r0, r1)} times vectors {@code [v0, v1)}, fewer than
     * {@link #PANEL_MIN_BATCH}: the vectors copied once per product into dotQ6_K512's lane order, then two rows a page
     * apart at a time ({@code mm2x1Q6_K512}: two streams of weights in flight, as for the other types in
     * {@link #rowGroups}), the rows left over one at a time. The same walk as {@link #tileSweep}, kept apart on
     * purpose: routed through rowGroups, tileSweep and {@code tile} (an x offset added to each), the same kernels
     * made Q4_K_M decode about 7 % slower (12.1-12.7 against 13.2-13.9 tok/s, four alternating pairs in both orders,
     * although {@code ModelMatmulBench} showed no difference).
     */
    private static void q6Rows(MemorySegment data, long rowBytes, int cols, int rows, int r0, int r1, float[] x,
                               int v0, int v1, float[] out, long product) {
        VectorCopy lanes = Q6_VECTORS.get();
        int xo = lanes.copy(x, v0 * cols, (v1 - v0) * cols, true, true, product) - v0 * cols;
        float[] xl = lanes.buffer;
        int r = r0;
        for (int spread = pageSpread(rowBytes); r + 2 <= r1; spread = 1) {
            for (; r + 2 * spread <= r1; r += 2 * spread) {
                for (int s = 0; s < spread; s++) {
                    for (int v = v0; v < v1; v++) {
                        mm2x1Q6_K512(data, (r + s) * rowBytes, spread * rowBytes, cols, xl, xo + v * cols, out,
                                v * rows + r + s, spread);
                    }
                }
            }
        }
        for (; r < r1; r++) {
            for (int v = v0; v < v1; v++) {
                out[v * rows + r] = dotQ6_K512(data, r * rowBytes, cols, xl, xo + v * cols);
            }
        }
    }

    /** The single-row kernels of the tiled types; Q6_K with 512-bit vectors takes {@code x} in its lane order. */
    private static float dotTiled(GgmlType type, MemorySegment data, long off, int n, float[] x, int xOff) {
        return switch (type) {
            case Q8_0 -> dotQ8_0(data, off, n, x, xOff);
            case Q4_0 -> dotQ4_0(data, off, n, x, xOff);
            case Q4_K -> L == 16 ? dotQ4_K512(data, off, n, x, xOff) : dotQ4_K(data, off, n, x, xOff);
            default -> L == 16 ? dotQ6_K512(data, off, n, x, xOff) : dotQ6_K(data, off, n, x, xOff);
        };
    }

    // one row x four vectors (F16, BF16, Q5_K; Q8_0 and Q4_0 below 512 bits): per vector, exactly the operations
    // of the single-vector kernel
    private void matmulFour(GgmlType type, MemorySegment data, long rowBytes, int cols, int rows,
                            int rowFrom, int rowTo, float[] x, int batch, float[] out) {
        int rowTile = DotKernels.rowTile(rowBytes);
        int batchTile = Math.max(4, DotKernels.batchTile(cols) & ~3);
        for (int r0 = rowFrom; r0 < rowTo; r0 += rowTile) {
            int r1 = Math.min(rowTo, r0 + rowTile);
            for (int b0 = 0; b0 < batch; b0 += batchTile) {
                int b1 = Math.min(batch, b0 + batchTile);
                for (int r = r0; r < r1; r++) {
                    long off = r * rowBytes;
                    int b = b0;
                    for (; b + 4 <= b1; b += 4) {
                        int xo = b * cols;
                        int oo = b * rows + r;
                        switch (type) {
                            case F16 -> dot4F16(data, off, cols, x, xo, cols, out, oo, rows);
                            case BF16 -> dot4BF16(data, off, cols, x, xo, cols, out, oo, rows);
                            case Q8_0 -> dot4Q8_0(data, off, cols, x, xo, cols, out, oo, rows);
                            case Q4_0 -> dot4Q4_0(data, off, cols, x, xo, cols, out, oo, rows);
                            default -> dot4Q5_K(data, off, cols, x, xo, cols, out, oo, rows);
                        }
                    }
                    for (; b < b1; b++) {
                        out[b * rows + r] = dot(type, data, off, cols, x, b * cols);
                    }
                }
            }
        }
    }

    static void dot4F16(MemorySegment seg, long off, int n, float[] x, int x0, int xs, float[] out, int o0, int os) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector b0 = FloatVector.zero(F);
        FloatVector b1 = FloatVector.zero(F);
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = FloatVector.zero(F);
        FloatVector d0 = FloatVector.zero(F);
        FloatVector d1 = FloatVector.zero(F);
        int i = 0;
        for (; i <= n - L; i += L) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(S, seg, off + 2L * i, LE).castShape(I, 0);
            IntVector em = h.and(0x7FFF);
            IntVector shifted = em.lanewise(LSHL, 13);
            IntVector finite = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
            IntVector bits = finite.blend(shifted.or(0x7F80_0000), em.compare(GE, 0x7C00));
            FloatVector w = bits.or(h.and(0x8000).lanewise(LSHL, 16)).reinterpretAsFloats();
            int xi = x0 + i;
            if ((i & L) == 0) {
                a0 = w.fma(FloatVector.fromArray(F, x, xi), a0);
                b0 = w.fma(FloatVector.fromArray(F, x, xi + xs), b0);
                c0 = w.fma(FloatVector.fromArray(F, x, xi + 2 * xs), c0);
                d0 = w.fma(FloatVector.fromArray(F, x, xi + 3 * xs), d0);
            } else {
                a1 = w.fma(FloatVector.fromArray(F, x, xi), a1);
                b1 = w.fma(FloatVector.fromArray(F, x, xi + xs), b1);
                c1 = w.fma(FloatVector.fromArray(F, x, xi + 2 * xs), c1);
                d1 = w.fma(FloatVector.fromArray(F, x, xi + 3 * xs), d1);
            }
        }
        FloatVector a = a0.add(a1);
        FloatVector b = b0.add(b1);
        FloatVector c = c0.add(c1);
        FloatVector d = d0.add(d1);
        a = a.add(a.rearrange(ROT_A));
        a = a.add(a.rearrange(ROT_B));
        if (L >= 8) {
            a = a.add(a.rearrange(ROT_C));
        }
        if (L >= 16) {
            a = a.add(a.rearrange(ROT_D));
        }
        out[o0] = a.lane(0);
        b = b.add(b.rearrange(ROT_A));
        b = b.add(b.rearrange(ROT_B));
        if (L >= 8) {
            b = b.add(b.rearrange(ROT_C));
        }
        if (L >= 16) {
            b = b.add(b.rearrange(ROT_D));
        }
        out[o0 + os] = b.lane(0);
        c = c.add(c.rearrange(ROT_A));
        c = c.add(c.rearrange(ROT_B));
        if (L >= 8) {
            c = c.add(c.rearrange(ROT_C));
        }
        if (L >= 16) {
            c = c.add(c.rearrange(ROT_D));
        }
        out[o0 + 2 * os] = c.lane(0);
        d = d.add(d.rearrange(ROT_A));
        d = d.add(d.rearrange(ROT_B));
        if (L >= 8) {
            d = d.add(d.rearrange(ROT_C));
        }
        if (L >= 16) {
            d = d.add(d.rearrange(ROT_D));
        }
        out[o0 + 3 * os] = d.lane(0);
        for (; i < n; i++) {
            float w = Float.float16ToFloat(seg.get(SHORT_LE, off + 2L * i));
            out[o0] += w * x[x0 + i];
            out[o0 + os] += w * x[x0 + xs + i];
            out[o0 + 2 * os] += w * x[x0 + 2 * xs + i];
            out[o0 + 3 * os] += w * x[x0 + 3 * xs + i];
        }
    }

    static void dot4BF16(MemorySegment seg, long off, int n, float[] x, int x0, int xs, float[] out, int o0, int os) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector b0 = FloatVector.zero(F);
        FloatVector b1 = FloatVector.zero(F);
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = FloatVector.zero(F);
        FloatVector d0 = FloatVector.zero(F);
        FloatVector d1 = FloatVector.zero(F);
        int i = 0;
        for (; i <= n - 2 * L; i += 2 * L) {
            long o = off + 2L * i;
            FloatVector w0 = ((IntVector) ShortVector.fromMemorySegment(S, seg, o, LE).castShape(I, 0))
                    .lanewise(LSHL, 16).reinterpretAsFloats();
            FloatVector w1 = ((IntVector) ShortVector.fromMemorySegment(S, seg, o + 2L * L, LE).castShape(I, 0))
                    .lanewise(LSHL, 16).reinterpretAsFloats();
            int xi = x0 + i;
            a0 = w0.fma(FloatVector.fromArray(F, x, xi), a0);
            a1 = w1.fma(FloatVector.fromArray(F, x, xi + L), a1);
            b0 = w0.fma(FloatVector.fromArray(F, x, xi + xs), b0);
            b1 = w1.fma(FloatVector.fromArray(F, x, xi + xs + L), b1);
            c0 = w0.fma(FloatVector.fromArray(F, x, xi + 2 * xs), c0);
            c1 = w1.fma(FloatVector.fromArray(F, x, xi + 2 * xs + L), c1);
            d0 = w0.fma(FloatVector.fromArray(F, x, xi + 3 * xs), d0);
            d1 = w1.fma(FloatVector.fromArray(F, x, xi + 3 * xs + L), d1);
        }
        for (; i <= n - L; i += L) {
            FloatVector w = ((IntVector) ShortVector.fromMemorySegment(S, seg, off + 2L * i, LE).castShape(I, 0))
                    .lanewise(LSHL, 16).reinterpretAsFloats();
            int xi = x0 + i;
            a0 = w.fma(FloatVector.fromArray(F, x, xi), a0);
            b0 = w.fma(FloatVector.fromArray(F, x, xi + xs), b0);
            c0 = w.fma(FloatVector.fromArray(F, x, xi + 2 * xs), c0);
            d0 = w.fma(FloatVector.fromArray(F, x, xi + 3 * xs), d0);
        }
        FloatVector a = a0.add(a1);
        FloatVector b = b0.add(b1);
        FloatVector c = c0.add(c1);
        FloatVector d = d0.add(d1);
        a = a.add(a.rearrange(ROT_A));
        a = a.add(a.rearrange(ROT_B));
        if (L >= 8) {
            a = a.add(a.rearrange(ROT_C));
        }
        if (L >= 16) {
            a = a.add(a.rearrange(ROT_D));
        }
        out[o0] = a.lane(0);
        b = b.add(b.rearrange(ROT_A));
        b = b.add(b.rearrange(ROT_B));
        if (L >= 8) {
            b = b.add(b.rearrange(ROT_C));
        }
        if (L >= 16) {
            b = b.add(b.rearrange(ROT_D));
        }
        out[o0 + os] = b.lane(0);
        c = c.add(c.rearrange(ROT_A));
        c = c.add(c.rearrange(ROT_B));
        if (L >= 8) {
            c = c.add(c.rearrange(ROT_C));
        }
        if (L >= 16) {
            c = c.add(c.rearrange(ROT_D));
        }
        out[o0 + 2 * os] = c.lane(0);
        d = d.add(d.rearrange(ROT_A));
        d = d.add(d.rearrange(ROT_B));
        if (L >= 8) {
            d = d.add(d.rearrange(ROT_C));
        }
        if (L >= 16) {
            d = d.add(d.rearrange(ROT_D));
        }
        out[o0 + 3 * os] = d.lane(0);
        for (; i < n; i++) {
            float w = Float.intBitsToFloat(seg.get(SHORT_LE, off + 2L * i) << 16);
            out[o0] += w * x[x0 + i];
            out[o0 + os] += w * x[x0 + xs + i];
            out[o0 + 2 * os] += w * x[x0 + 2 * xs + i];
            out[o0 + 3 * os] += w * x[x0 + 3 * xs + i];
        }
    }

    static void dot4Q8_0(MemorySegment seg, long off, int n, float[] x, int x0, int xs, float[] out, int o0, int os) {
        FloatVector a = FloatVector.zero(F);
        FloatVector b = FloatVector.zero(F);
        FloatVector c = FloatVector.zero(F);
        FloatVector d = FloatVector.zero(F);
        for (int i = 0; i < n; i += 32, off += 34) {
            FloatVector sa = FloatVector.zero(F);
            FloatVector sb = FloatVector.zero(F);
            FloatVector sc = FloatVector.zero(F);
            FloatVector sd = FloatVector.zero(F);
            for (int j = 0; j < 32; j += BL) {
                ByteVector q = ByteVector.fromMemorySegment(B, seg, off + 2 + j, LE);
                for (int p = 0; p < PARTS; p++) {
                    FloatVector w = (FloatVector) q.convertShape(B2F, F, p);
                    int xi = x0 + i + j + p * L;
                    sa = w.fma(FloatVector.fromArray(F, x, xi), sa);
                    sb = w.fma(FloatVector.fromArray(F, x, xi + xs), sb);
                    sc = w.fma(FloatVector.fromArray(F, x, xi + 2 * xs), sc);
                    sd = w.fma(FloatVector.fromArray(F, x, xi + 3 * xs), sd);
                }
            }
            FloatVector scale = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, off)));
            a = sa.fma(scale, a);
            b = sb.fma(scale, b);
            c = sc.fma(scale, c);
            d = sd.fma(scale, d);
        }
        a = a.add(a.rearrange(ROT_A));
        a = a.add(a.rearrange(ROT_B));
        if (L >= 8) {
            a = a.add(a.rearrange(ROT_C));
        }
        if (L >= 16) {
            a = a.add(a.rearrange(ROT_D));
        }
        out[o0] = a.lane(0);
        b = b.add(b.rearrange(ROT_A));
        b = b.add(b.rearrange(ROT_B));
        if (L >= 8) {
            b = b.add(b.rearrange(ROT_C));
        }
        if (L >= 16) {
            b = b.add(b.rearrange(ROT_D));
        }
        out[o0 + os] = b.lane(0);
        c = c.add(c.rearrange(ROT_A));
        c = c.add(c.rearrange(ROT_B));
        if (L >= 8) {
            c = c.add(c.rearrange(ROT_C));
        }
        if (L >= 16) {
            c = c.add(c.rearrange(ROT_D));
        }
        out[o0 + 2 * os] = c.lane(0);
        d = d.add(d.rearrange(ROT_A));
        d = d.add(d.rearrange(ROT_B));
        if (L >= 8) {
            d = d.add(d.rearrange(ROT_C));
        }
        if (L >= 16) {
            d = d.add(d.rearrange(ROT_D));
        }
        out[o0 + 3 * os] = d.lane(0);
    }

    static void dot4Q4_0(MemorySegment seg, long off, int n, float[] x, int x0, int xs, float[] out, int o0, int os) {
        FloatVector a = FloatVector.zero(F);
        FloatVector b = FloatVector.zero(F);
        FloatVector c = FloatVector.zero(F);
        FloatVector d = FloatVector.zero(F);
        for (int i = 0; i < n; i += 32, off += 18) {
            FloatVector sa = FloatVector.zero(F);
            FloatVector sb = FloatVector.zero(F);
            FloatVector sc = FloatVector.zero(F);
            FloatVector sd = FloatVector.zero(F);
            for (int j = 0; j < 16; j += BL) {
                ByteVector q = ByteVector.fromMemorySegment(B, seg, off + 2 + j, LE);
                ByteVector lo = q.and((byte) 0x0F).sub((byte) 8);
                ByteVector hi = q.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes().and((byte) 0x0F)
                        .sub((byte) 8);
                for (int p = 0; p < PARTS; p++) {
                    FloatVector wl = (FloatVector) lo.convertShape(B2F, F, p);
                    FloatVector wh = (FloatVector) hi.convertShape(B2F, F, p);
                    int xi = x0 + i + j + p * L;
                    FloatVector xa = FloatVector.fromArray(F, x, xi);
                    FloatVector xb = FloatVector.fromArray(F, x, xi + xs);
                    FloatVector xc = FloatVector.fromArray(F, x, xi + 2 * xs);
                    FloatVector xd = FloatVector.fromArray(F, x, xi + 3 * xs);
                    boolean first = j == 0 && p == 0; // as dotQ4_0: the block's first product is a multiply
                    sa = wh.fma(FloatVector.fromArray(F, x, xi + 16), first ? wl.mul(xa) : wl.fma(xa, sa));
                    sb = wh.fma(FloatVector.fromArray(F, x, xi + xs + 16), first ? wl.mul(xb) : wl.fma(xb, sb));
                    sc = wh.fma(FloatVector.fromArray(F, x, xi + 2 * xs + 16), first ? wl.mul(xc) : wl.fma(xc, sc));
                    sd = wh.fma(FloatVector.fromArray(F, x, xi + 3 * xs + 16), first ? wl.mul(xd) : wl.fma(xd, sd));
                }
            }
            FloatVector scale = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, off)));
            a = sa.fma(scale, a);
            b = sb.fma(scale, b);
            c = sc.fma(scale, c);
            d = sd.fma(scale, d);
        }
        a = a.add(a.rearrange(ROT_A));
        a = a.add(a.rearrange(ROT_B));
        if (L >= 8) {
            a = a.add(a.rearrange(ROT_C));
        }
        if (L >= 16) {
            a = a.add(a.rearrange(ROT_D));
        }
        out[o0] = a.lane(0);
        b = b.add(b.rearrange(ROT_A));
        b = b.add(b.rearrange(ROT_B));
        if (L >= 8) {
            b = b.add(b.rearrange(ROT_C));
        }
        if (L >= 16) {
            b = b.add(b.rearrange(ROT_D));
        }
        out[o0 + os] = b.lane(0);
        c = c.add(c.rearrange(ROT_A));
        c = c.add(c.rearrange(ROT_B));
        if (L >= 8) {
            c = c.add(c.rearrange(ROT_C));
        }
        if (L >= 16) {
            c = c.add(c.rearrange(ROT_D));
        }
        out[o0 + 2 * os] = c.lane(0);
        d = d.add(d.rearrange(ROT_A));
        d = d.add(d.rearrange(ROT_B));
        if (L >= 8) {
            d = d.add(d.rearrange(ROT_C));
        }
        if (L >= 16) {
            d = d.add(d.rearrange(ROT_D));
        }
        out[o0 + 3 * os] = d.lane(0);
    }

    static void dot4Q5_K(MemorySegment seg, long off, int n, float[] x, int x0, int xs, float[] out, int o0, int os) {
        FloatVector aLo = FloatVector.zero(F);
        FloatVector aHi = FloatVector.zero(F);
        FloatVector bLo = FloatVector.zero(F);
        FloatVector bHi = FloatVector.zero(F);
        FloatVector cLo = FloatVector.zero(F);
        FloatVector cHi = FloatVector.zero(F);
        FloatVector dLo = FloatVector.zero(F);
        FloatVector dHi = FloatVector.zero(F);
        for (int xb = 0; xb < n; xb += 256, off += 176) {
            float d = Float.float16ToFloat(seg.get(SHORT_LE, off));
            float dmin = Float.float16ToFloat(seg.get(SHORT_LE, off + 2));
            long s0 = seg.get(LONG_LE, off + 4);
            int s8 = seg.get(INT_LE, off + 12);
            for (int g = 0; g < 4; g++) {
                int j = 2 * g;
                int sc1;
                int m1;
                int sc2;
                int m2;
                if (g < 2) {
                    sc1 = (int) (s0 >>> (8 * j)) & 63;
                    sc2 = (int) (s0 >>> (8 * j + 8)) & 63;
                    m1 = (int) (s0 >>> (8 * j + 32)) & 63;
                    m2 = (int) (s0 >>> (8 * j + 40)) & 63;
                } else {
                    int t = s8 >>> (8 * (j - 4));
                    int lo = (int) (s0 >>> (8 * (j - 4)));
                    int hi = (int) (s0 >>> (8 * j));
                    sc1 = (t & 0xF) | (((lo >>> 6) & 3) << 4);
                    m1 = ((t >>> 4) & 0xF) | (((hi >>> 6) & 3) << 4);
                    sc2 = ((t >>> 8) & 0xF) | (((lo >>> 14) & 3) << 4);
                    m2 = ((t >>> 12) & 0xF) | (((hi >>> 14) & 3) << 4);
                }
                FloatVector vd1 = FloatVector.broadcast(F, d * sc1);
                FloatVector vm1 = FloatVector.broadcast(F, -(dmin * m1));
                FloatVector vd2 = FloatVector.broadcast(F, d * sc2);
                FloatVector vm2 = FloatVector.broadcast(F, -(dmin * m2));
                int xg = x0 + xb + 64 * g;
                for (int jj = 0; jj < 32; jj += BL) {
                    ByteVector q = ByteVector.fromMemorySegment(B, seg, off + 48 + 32L * g + jj, LE);
                    ByteVector h = ByteVector.fromMemorySegment(B, seg, off + 16 + jj, LE);
                    ByteVector h1 = h.reinterpretAsShorts().lanewise(LSHR, j).reinterpretAsBytes().and((byte) 1)
                            .reinterpretAsShorts().lanewise(LSHL, SHIFT4).reinterpretAsBytes();
                    ByteVector h2 = h.reinterpretAsShorts().lanewise(LSHR, j + 1).reinterpretAsBytes().and((byte) 1)
                            .reinterpretAsShorts().lanewise(LSHL, SHIFT4).reinterpretAsBytes();
                    ByteVector lo = q.and((byte) 0x0F).or(h1);
                    ByteVector hi = q.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes().and((byte) 0x0F)
                            .or(h2);
                    for (int p = 0; p < PARTS; p++) {
                        FloatVector wl = ((FloatVector) lo.convertShape(B2F, F, p)).fma(vd1, vm1);
                        FloatVector wh = ((FloatVector) hi.convertShape(B2F, F, p)).fma(vd2, vm2);
                        int xi = xg + jj + p * L;
                        aLo = wl.fma(FloatVector.fromArray(F, x, xi), aLo);
                        aHi = wh.fma(FloatVector.fromArray(F, x, xi + 32), aHi);
                        bLo = wl.fma(FloatVector.fromArray(F, x, xi + xs), bLo);
                        bHi = wh.fma(FloatVector.fromArray(F, x, xi + xs + 32), bHi);
                        cLo = wl.fma(FloatVector.fromArray(F, x, xi + 2 * xs), cLo);
                        cHi = wh.fma(FloatVector.fromArray(F, x, xi + 2 * xs + 32), cHi);
                        dLo = wl.fma(FloatVector.fromArray(F, x, xi + 3 * xs), dLo);
                        dHi = wh.fma(FloatVector.fromArray(F, x, xi + 3 * xs + 32), dHi);
                    }
                }
            }
        }
        FloatVector a = aLo.add(aHi);
        FloatVector b = bLo.add(bHi);
        FloatVector c = cLo.add(cHi);
        FloatVector d = dLo.add(dHi);
        a = a.add(a.rearrange(ROT_A));
        a = a.add(a.rearrange(ROT_B));
        if (L >= 8) {
            a = a.add(a.rearrange(ROT_C));
        }
        if (L >= 16) {
            a = a.add(a.rearrange(ROT_D));
        }
        out[o0] = a.lane(0);
        b = b.add(b.rearrange(ROT_A));
        b = b.add(b.rearrange(ROT_B));
        if (L >= 8) {
            b = b.add(b.rearrange(ROT_C));
        }
        if (L >= 16) {
            b = b.add(b.rearrange(ROT_D));
        }
        out[o0 + os] = b.lane(0);
        c = c.add(c.rearrange(ROT_A));
        c = c.add(c.rearrange(ROT_B));
        if (L >= 8) {
            c = c.add(c.rearrange(ROT_C));
        }
        if (L >= 16) {
            c = c.add(c.rearrange(ROT_D));
        }
        out[o0 + 2 * os] = c.lane(0);
        d = d.add(d.rearrange(ROT_A));
        d = d.add(d.rearrange(ROT_B));
        if (L >= 8) {
            d = d.add(d.rearrange(ROT_C));
        }
        if (L >= 16) {
            d = d.add(d.rearrange(ROT_D));
        }
        out[o0 + 3 * os] = d.lane(0);
    }

    // ---------------------------------------------------------------- Q8_0 and Q4_0, one row

    // Q8_0 block: f16 d, int8 q[32].  sum_j (q_j * d) * x_j  ~  d * sum_j q_j * x_j
    static float dotQ8_0(MemorySegment seg, long off, int n, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(F);
        for (int xi = xOff, end = xOff + n; xi < end; xi += 32, off += 34) {
            // the scale first, before the vector loads (class comment)
            FloatVector d = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, off)));
            FloatVector s = FloatVector.zero(F);
            for (int j = 0; j < 32; j += BL) {
                ByteVector q = ByteVector.fromMemorySegment(B, seg, off + 2 + j, LE);
                for (int p = 0; p < PARTS; p++) {
                    s = ((FloatVector) q.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xi + j + p * L), s);
                }
            }
            acc = s.fma(d, acc);
        }
        acc = acc.add(acc.rearrange(ROT_A));
        acc = acc.add(acc.rearrange(ROT_B));
        if (L >= 8) {
            acc = acc.add(acc.rearrange(ROT_C));
        }
        if (L >= 16) {
            acc = acc.add(acc.rearrange(ROT_D));
        }
        return acc.lane(0);
    }

    // Q4_0 block: f16 d, 16 bytes; value j = low nibble of byte j - 8, value j + 16 = high nibble - 8.
    // (Nibbles are split with 16-bit shifts and a byte mask: x86 has no byte shifts.)
    static float dotQ4_0(MemorySegment seg, long off, int n, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(F);
        for (int xi = xOff, end = xOff + n; xi < end; xi += 32, off += 18) {
            // the scale first, before the vector loads (class comment)
            FloatVector d = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, off)));
            FloatVector s = FloatVector.zero(F);
            for (int j = 0; j < 16; j += BL) {
                ByteVector q = ByteVector.fromMemorySegment(B, seg, off + 2 + j, LE);
                ByteVector lo = q.and((byte) 0x0F).sub((byte) 8);
                ByteVector hi = q.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes().and((byte) 0x0F)
                        .sub((byte) 8);
                for (int p = 0; p < PARTS; p++) {
                    FloatVector wl = (FloatVector) lo.convertShape(B2F, F, p);
                    FloatVector xl = FloatVector.fromArray(F, x, xi + j + p * L);
                    // the block's first product is a multiply (fma(w, x, 0) up to the sign of a zero): see the tiles
                    s = j == 0 && p == 0 ? wl.mul(xl) : wl.fma(xl, s);
                    s = ((FloatVector) hi.convertShape(B2F, F, p))
                            .fma(FloatVector.fromArray(F, x, xi + 16 + j + p * L), s);
                }
            }
            acc = s.fma(d, acc);
        }
        acc = acc.add(acc.rearrange(ROT_A));
        acc = acc.add(acc.rearrange(ROT_B));
        if (L >= 8) {
            acc = acc.add(acc.rearrange(ROT_C));
        }
        if (L >= 16) {
            acc = acc.add(acc.rearrange(ROT_D));
        }
        return acc.lane(0);
    }

    // ---------------------------------------------------------------- generated tiled kernels
    //
    // Written out by tools/gen_tiled_kernels.py (change the generator and rerun it rather than editing by hand): per
    // (row, vector) pair every kernel of a type performs the same operations in the same order.
    // mmRxT: rows off, off + rb, ... (R of them) times vectors x[x0 + t*xs ..] (T of them) -> out[o + t*os + r*ors].
    // dotX: one row, one vector.
    //
    // Q8_0 block: f16 d, int8 q[32]. Q4_0 block: f16 d, 16 bytes; value j = low nibble of byte j - 8, value j + 16 =
    // high nibble - 8. Both (512-bit only): per (row, vector) and block, s = fma(q[16..31], x[16..31],
    // fma(q[0..15], x[0..15], 0)), then acc = fma(s, d, acc), exactly as dotQ8_0/dotQ4_0 at 16 lanes.
    // Q4_K: f16 d, f16 dmin, 12 scale bytes, 128 quant bytes. Group g (64 values) = 32 bytes: low nibbles with
    // sub-block 2g's (scale, min), then high nibbles with sub-block 2g+1's.  w = q * (d*sc) - (dmin*m), one FMA.
    // Scale bytes (b = the 12 bytes, sub-block j): j < 4: sc = b[j] & 63, m = b[j+4] & 63; j >= 4:
    // sc = (b[j+4] & 15) | (b[j-4] >> 6) << 4, m = (b[j+4] >> 4) | (b[j] >> 6) << 4 (b[0..7] = long s, b[8..11] = int t).
    // Q6_K: ql[128], qh[64], int8 scales[16], f16 d. Half h (128 values), l = 0..31, k = 0..3:
    // w[l + 32k] = (q - 32) * (d * sc[8h + l/16 + 2k]), q = nibble of ql[64h + l + 32(k&1)] (low for k < 2)
    // | bits 2k..2k+1 of qh[32h + l] << 4.
    // Q4_K512: dotQ4_K unrolled for 512-bit vectors (the scales of a super-block decoded up front), same order.
    // (Nibbles are split with 16-bit shifts and a byte mask: x86 has no byte shifts.)

    // LANE_j: every lane takes lane j (512-bit vectors; the Q4_K512 and Q6_K512 scale broadcasts).
    private static final VectorShuffle<Float> LANE_0 = VectorShuffle.iota(F, 0, 0, true);
    private static final VectorShuffle<Float> LANE_1 = VectorShuffle.iota(F, 1, 0, true);
    private static final VectorShuffle<Float> LANE_2 = VectorShuffle.iota(F, 2, 0, true);
    private static final VectorShuffle<Float> LANE_3 = VectorShuffle.iota(F, 3, 0, true);
    private static final VectorShuffle<Float> LANE_4 = VectorShuffle.iota(F, 4, 0, true);
    private static final VectorShuffle<Float> LANE_5 = VectorShuffle.iota(F, 5, 0, true);
    private static final VectorShuffle<Float> LANE_6 = VectorShuffle.iota(F, 6, 0, true);
    private static final VectorShuffle<Float> LANE_7 = VectorShuffle.iota(F, 7, 0, true);
    private static final VectorShuffle<Float> LANE_8 = VectorShuffle.iota(F, 8, 0, true);
    private static final VectorShuffle<Float> LANE_9 = VectorShuffle.iota(F, 9, 0, true);
    private static final VectorShuffle<Float> LANE_10 = VectorShuffle.iota(F, 10, 0, true);
    private static final VectorShuffle<Float> LANE_11 = VectorShuffle.iota(F, 11, 0, true);
    private static final VectorShuffle<Float> LANE_12 = VectorShuffle.iota(F, 12, 0, true);
    private static final VectorShuffle<Float> LANE_13 = VectorShuffle.iota(F, 13, 0, true);
    private static final VectorShuffle<Float> LANE_14 = VectorShuffle.iota(F, 14, 0, true);
    private static final VectorShuffle<Float> LANE_15 = VectorShuffle.iota(F, 15, 0, true);
    // Q4K_HEADER: the bytes of a Q4_K block's first 64 that make each int lane of its scales (lanes 0-7) and mins
    // (8-15): the two scale bytes the value is built from, then d or dmin (q4_k_512_scale_reads in the generator);
    // Q4K_SHIFT, Q4K_LOW, Q4K_HIGH: how (q4_k_512_scales); Q4K_DM_SIGN: the sign of -dmin; Q4K_MINS: lanes 8-15.
    private static final VectorSpecies<Byte> B64 = ByteVector.SPECIES_512;
    private static final VectorShuffle<Byte> Q4K_HEADER = L == 16 ? VectorShuffle.fromValues(B64,
            4, 4, 0, 1, 5, 4, 0, 1, 6, 4, 0, 1, 7, 4, 0, 1,
            12, 4, 0, 1, 13, 5, 0, 1, 14, 6, 0, 1, 15, 7, 0, 1,
            8, 4, 2, 3, 9, 4, 2, 3, 10, 4, 2, 3, 11, 4, 2, 3,
            12, 8, 2, 3, 13, 9, 2, 3, 14, 10, 2, 3, 15, 11, 2, 3) : null;
    private static final IntVector Q4K_SHIFT = L == 16
            ? IntVector.fromArray(I, new int[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 4, 4}, 0) : null;
    private static final IntVector Q4K_LOW = L == 16
            ? IntVector.fromArray(I, new int[] {63, 63, 63, 63, 15, 15, 15, 15, 63, 63, 63, 63, 15, 15, 15, 15}, 0) : null;
    private static final IntVector Q4K_HIGH = L == 16
            ? IntVector.fromArray(I, new int[] {0, 0, 0, 0, 0x30, 0x30, 0x30, 0x30, 0, 0, 0, 0, 0x30, 0x30, 0x30, 0x30}, 0) : null;
    private static final IntVector Q4K_DM_SIGN = L == 16
            ? IntVector.zero(I).blend(0x80000000, VectorMask.fromLong(I, 0xFF00L)) : null;
    private static final VectorMask<Float> Q4K_MINS = VectorMask.fromLong(F, 0xFF00L);
    // Q6K_HALF_h: half h's 32 qh bytes (of a super-block's 64) twice over; Q6K_SHIFT01, Q6K_SHIFT23: the 16-bit
    // shifts that bring the qh bits of k = 0 and 1 (2 and 3) to bits 4-5 of bytes 0-31 and 32-63; Q6K_SCALES_h_LO,
    // Q6K_SCALES_h_HI: each lane's scale for the steps of half h (q6_k_512_lane_super_block in the generator).
    private static final VectorSpecies<Short> S64 = ShortVector.SPECIES_512;
    private static final VectorShuffle<Byte> Q6K_HALF_0 = L == 16 ? VectorShuffle.fromOp(B64, i -> i & 31) : null;
    private static final VectorShuffle<Byte> Q6K_HALF_1 = L == 16 ? VectorShuffle.fromOp(B64, i -> 32 | (i & 31)) : null;
    private static final ShortVector Q6K_SHIFT01 = L == 16
            ? ShortVector.broadcast(S64, (short) 4).blend((short) 2, VectorMask.fromLong(S64, 0xFFFF0000L)) : null;
    private static final ShortVector Q6K_SHIFT23 = L == 16
            ? ShortVector.zero(S64).blend((short) 2, VectorMask.fromLong(S64, 0xFFFF0000L)) : null;
    private static final VectorShuffle<Float> Q6K_SCALES_0_LO = L == 16
            ? VectorShuffle.fromValues(F, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3) : null;
    private static final VectorShuffle<Float> Q6K_SCALES_0_HI = L == 16
            ? VectorShuffle.fromValues(F, 4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7) : null;
    private static final VectorShuffle<Float> Q6K_SCALES_1_LO = L == 16
            ? VectorShuffle.fromValues(F, 8, 8, 8, 8, 9, 9, 9, 9, 10, 10, 10, 10, 11, 11, 11, 11) : null;
    private static final VectorShuffle<Float> Q6K_SCALES_1_HI = L == 16
            ? VectorShuffle.fromValues(F, 12, 12, 12, 12, 13, 13, 13, 13, 14, 14, 14, 14, 15, 15, 15, 15) : null;
    // ROT_Q4K: lanes 2-7 to 0-5 and 0-1 to 6-7, the same within lanes 8-15 (the next group's scales and mins).
    private static final VectorShuffle<Float> ROT_Q4K = L == 16
            ? VectorShuffle.fromValues(F, 2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9) : null;
    // IOTA_F: lane q holds q (the nibble values of the Q4_K512 weight tables).
    private static final FloatVector IOTA_F = (FloatVector) IOTA.convert(I2F, 0);

    static void mm2x8Q8_0(MemorySegment seg, long off, long rb, int n, float[] x, int x0, int xs,
            float[] out, int o, int os, int ors) {
        long o0 = off;
        long o1 = off + rb;
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c01 = FloatVector.zero(F);
        FloatVector c02 = FloatVector.zero(F);
        FloatVector c03 = FloatVector.zero(F);
        FloatVector c04 = FloatVector.zero(F);
        FloatVector c05 = FloatVector.zero(F);
        FloatVector c06 = FloatVector.zero(F);
        FloatVector c07 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F);
        FloatVector c11 = FloatVector.zero(F);
        FloatVector c12 = FloatVector.zero(F);
        FloatVector c13 = FloatVector.zero(F);
        FloatVector c14 = FloatVector.zero(F);
        FloatVector c15 = FloatVector.zero(F);
        FloatVector c16 = FloatVector.zero(F);
        FloatVector c17 = FloatVector.zero(F);
        FloatVector zero = FloatVector.zero(F);
        FloatVector x0v;
        FloatVector x1v;
        for (int i = 0; i < n; i += 32) {
            FloatVector d0 = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, o0)));
            FloatVector d1 = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, o1)));
            FloatVector u0 = (FloatVector) ByteVector.fromMemorySegment(B, seg, o0 + 2, LE).convertShape(B2F, F, 0);
            FloatVector v0 = (FloatVector) ByteVector.fromMemorySegment(B, seg, o0 + 18, LE).convertShape(B2F, F, 0);
            FloatVector u1 = (FloatVector) ByteVector.fromMemorySegment(B, seg, o1 + 2, LE).convertShape(B2F, F, 0);
            FloatVector v1 = (FloatVector) ByteVector.fromMemorySegment(B, seg, o1 + 18, LE).convertShape(B2F, F, 0);
            x0v = FloatVector.fromArray(F, x, x0 + i);
            x1v = FloatVector.fromArray(F, x, x0 + i + 16);
            c00 = v0.fma(x1v, u0.fma(x0v, zero)).fma(d0, c00);
            c10 = v1.fma(x1v, u1.fma(x0v, zero)).fma(d1, c10);
            x0v = FloatVector.fromArray(F, x, x0 + xs + i);
            x1v = FloatVector.fromArray(F, x, x0 + xs + i + 16);
            c01 = v0.fma(x1v, u0.fma(x0v, zero)).fma(d0, c01);
            c11 = v1.fma(x1v, u1.fma(x0v, zero)).fma(d1, c11);
            x0v = FloatVector.fromArray(F, x, x0 + 2 * xs + i);
            x1v = FloatVector.fromArray(F, x, x0 + 2 * xs + i + 16);
            c02 = v0.fma(x1v, u0.fma(x0v, zero)).fma(d0, c02);
            c12 = v1.fma(x1v, u1.fma(x0v, zero)).fma(d1, c12);
            x0v = FloatVector.fromArray(F, x, x0 + 3 * xs + i);
            x1v = FloatVector.fromArray(F, x, x0 + 3 * xs + i + 16);
            c03 = v0.fma(x1v, u0.fma(x0v, zero)).fma(d0, c03);
            c13 = v1.fma(x1v, u1.fma(x0v, zero)).fma(d1, c13);
            x0v = FloatVector.fromArray(F, x, x0 + 4 * xs + i);
            x1v = FloatVector.fromArray(F, x, x0 + 4 * xs + i + 16);
            c04 = v0.fma(x1v, u0.fma(x0v, zero)).fma(d0, c04);
            c14 = v1.fma(x1v, u1.fma(x0v, zero)).fma(d1, c14);
            x0v = FloatVector.fromArray(F, x, x0 + 5 * xs + i);
            x1v = FloatVector.fromArray(F, x, x0 + 5 * xs + i + 16);
            c05 = v0.fma(x1v, u0.fma(x0v, zero)).fma(d0, c05);
            c15 = v1.fma(x1v, u1.fma(x0v, zero)).fma(d1, c15);
            x0v = FloatVector.fromArray(F, x, x0 + 6 * xs + i);
            x1v = FloatVector.fromArray(F, x, x0 + 6 * xs + i + 16);
            c06 = v0.fma(x1v, u0.fma(x0v, zero)).fma(d0, c06);
            c16 = v1.fma(x1v, u1.fma(x0v, zero)).fma(d1, c16);
            x0v = FloatVector.fromArray(F, x, x0 + 7 * xs + i);
            x1v = FloatVector.fromArray(F, x, x0 + 7 * xs + i + 16);
            c07 = v0.fma(x1v, u0.fma(x0v, zero)).fma(d0, c07);
            c17 = v1.fma(x1v, u1.fma(x0v, zero)).fma(d1, c17);
            o0 += 34;
            o1 += 34;
        }
        c00 = c00.add(c00.rearrange(ROT_A));
        c00 = c00.add(c00.rearrange(ROT_B));
        if (L >= 8) {
            c00 = c00.add(c00.rearrange(ROT_C));
        }
        if (L >= 16) {
            c00 = c00.add(c00.rearrange(ROT_D));
        }
        out[o] = c00.lane(0);
        c10 = c10.add(c10.rearrange(ROT_A));
        c10 = c10.add(c10.rearrange(ROT_B));
        if (L >= 8) {
            c10 = c10.add(c10.rearrange(ROT_C));
        }
        if (L >= 16) {
            c10 = c10.add(c10.rearrange(ROT_D));
        }
        out[o + ors] = c10.lane(0);
        c01 = c01.add(c01.rearrange(ROT_A));
        c01 = c01.add(c01.rearrange(ROT_B));
        if (L >= 8) {
            c01 = c01.add(c01.rearrange(ROT_C));
        }
        if (L >= 16) {
            c01 = c01.add(c01.rearrange(ROT_D));
        }
        out[o + os] = c01.lane(0);
        c11 = c11.add(c11.rearrange(ROT_A));
        c11 = c11.add(c11.rearrange(ROT_B));
        if (L >= 8) {
            c11 = c11.add(c11.rearrange(ROT_C));
        }
        if (L >= 16) {
            c11 = c11.add(c11.rearrange(ROT_D));
        }
        out[o + ors + os] = c11.lane(0);
        c02 = c02.add(c02.rearrange(ROT_A));
        c02 = c02.add(c02.rearrange(ROT_B));
        if (L >= 8) {
            c02 = c02.add(c02.rearrange(ROT_C));
        }
        if (L >= 16) {
            c02 = c02.add(c02.rearrange(ROT_D));
        }
        out[o + 2 * os] = c02.lane(0);
        c12 = c12.add(c12.rearrange(ROT_A));
        c12 = c12.add(c12.rearrange(ROT_B));
        if (L >= 8) {
            c12 = c12.add(c12.rearrange(ROT_C));
        }
        if (L >= 16) {
            c12 = c12.add(c12.rearrange(ROT_D));
        }
        out[o + ors + 2 * os] = c12.lane(0);
        c03 = c03.add(c03.rearrange(ROT_A));
        c03 = c03.add(c03.rearrange(ROT_B));
        if (L >= 8) {
            c03 = c03.add(c03.rearrange(ROT_C));
        }
        if (L >= 16) {
            c03 = c03.add(c03.rearrange(ROT_D));
        }
        out[o + 3 * os] = c03.lane(0);
        c13 = c13.add(c13.rearrange(ROT_A));
        c13 = c13.add(c13.rearrange(ROT_B));
        if (L >= 8) {
            c13 = c13.add(c13.rearrange(ROT_C));
        }
        if (L >= 16) {
            c13 = c13.add(c13.rearrange(ROT_D));
        }
        out[o + ors + 3 * os] = c13.lane(0);
        c04 = c04.add(c04.rearrange(ROT_A));
        c04 = c04.add(c04.rearrange(ROT_B));
        if (L >= 8) {
            c04 = c04.add(c04.rearrange(ROT_C));
        }
        if (L >= 16) {
            c04 = c04.add(c04.rearrange(ROT_D));
        }
        out[o + 4 * os] = c04.lane(0);
        c14 = c14.add(c14.rearrange(ROT_A));
        c14 = c14.add(c14.rearrange(ROT_B));
        if (L >= 8) {
            c14 = c14.add(c14.rearrange(ROT_C));
        }
        if (L >= 16) {
            c14 = c14.add(c14.rearrange(ROT_D));
        }
        out[o + ors + 4 * os] = c14.lane(0);
        c05 = c05.add(c05.rearrange(ROT_A));
        c05 = c05.add(c05.rearrange(ROT_B));
        if (L >= 8) {
            c05 = c05.add(c05.rearrange(ROT_C));
        }
        if (L >= 16) {
            c05 = c05.add(c05.rearrange(ROT_D));
        }
        out[o + 5 * os] = c05.lane(0);
        c15 = c15.add(c15.rearrange(ROT_A));
        c15 = c15.add(c15.rearrange(ROT_B));
        if (L >= 8) {
            c15 = c15.add(c15.rearrange(ROT_C));
        }
        if (L >= 16) {
            c15 = c15.add(c15.rearrange(ROT_D));
        }
        out[o + ors + 5 * os] = c15.lane(0);
        c06 = c06.add(c06.rearrange(ROT_A));
        c06 = c06.add(c06.rearrange(ROT_B));
        if (L >= 8) {
            c06 = c06.add(c06.rearrange(ROT_C));
        }
        if (L >= 16) {
            c06 = c06.add(c06.rearrange(ROT_D));
        }
        out[o + 6 * os] = c06.lane(0);
        c16 = c16.add(c16.rearrange(ROT_A));
        c16 = c16.add(c16.rearrange(ROT_B));
        if (L >= 8) {
            c16 = c16.add(c16.rearrange(ROT_C));
        }
        if (L >= 16) {
            c16 = c16.add(c16.rearrange(ROT_D));
        }
        out[o + ors + 6 * os] = c16.lane(0);
        c07 = c07.add(c07.rearrange(ROT_A));
        c07 = c07.add(c07.rearrange(ROT_B));
        if (L >= 8) {
            c07 = c07.add(c07.rearrange(ROT_C));
        }
        if (L >= 16) {
            c07 = c07.add(c07.rearrange(ROT_D));
        }
        out[o + 7 * os] = c07.lane(0);
        c17 = c17.add(c17.rearrange(ROT_A));
        c17 = c17.add(c17.rearrange(ROT_B));
        if (L >= 8) {
            c17 = c17.add(c17.rearrange(ROT_C));
        }
        if (L >= 16) {
            c17 = c17.add(c17.rearrange(ROT_D));
        }
        out[o + ors + 7 * os] = c17.lane(0);
    }

    static void mm2x8Q4_0(MemorySegment seg, long off, long rb, int n, float[] x, int x0, int xs,
            float[] out, int o, int os, int ors) {
        long o0 = off;
        long o1 = off + rb;
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c01 = FloatVector.zero(F);
        FloatVector c02 = FloatVector.zero(F);
        FloatVector c03 = FloatVector.zero(F);
        FloatVector c04 = FloatVector.zero(F);
        FloatVector c05 = FloatVector.zero(F);
        FloatVector c06 = FloatVector.zero(F);
        FloatVector c07 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F);
        FloatVector c11 = FloatVector.zero(F);
        FloatVector c12 = FloatVector.zero(F);
        FloatVector c13 = FloatVector.zero(F);
        FloatVector c14 = FloatVector.zero(F);
        FloatVector c15 = FloatVector.zero(F);
        FloatVector c16 = FloatVector.zero(F);
        FloatVector c17 = FloatVector.zero(F);
        FloatVector x0v;
        FloatVector x1v;
        for (int i = 0; i < n; i += 32) {
            FloatVector d0 = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, o0)));
            FloatVector d1 = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, o1)));
            ByteVector q0 = ByteVector.fromMemorySegment(B, seg, o0 + 2, LE);
            FloatVector u0 = (FloatVector) q0.and((byte) 0x0F).sub((byte) 8).convertShape(B2F, F, 0);
            FloatVector v0 = (FloatVector) q0.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes()
                    .and((byte) 0x0F).sub((byte) 8).convertShape(B2F, F, 0);
            ByteVector q1 = ByteVector.fromMemorySegment(B, seg, o1 + 2, LE);
            FloatVector u1 = (FloatVector) q1.and((byte) 0x0F).sub((byte) 8).convertShape(B2F, F, 0);
            FloatVector v1 = (FloatVector) q1.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes()
                    .and((byte) 0x0F).sub((byte) 8).convertShape(B2F, F, 0);
            x0v = FloatVector.fromArray(F, x, x0 + i);
            x1v = FloatVector.fromArray(F, x, x0 + i + 16);
            c00 = v0.fma(x1v, u0.mul(x0v)).fma(d0, c00);
            c10 = v1.fma(x1v, u1.mul(x0v)).fma(d1, c10);
            x0v = FloatVector.fromArray(F, x, x0 + xs + i);
            x1v = FloatVector.fromArray(F, x, x0 + xs + i + 16);
            c01 = v0.fma(x1v, u0.mul(x0v)).fma(d0, c01);
            c11 = v1.fma(x1v, u1.mul(x0v)).fma(d1, c11);
            x0v = FloatVector.fromArray(F, x, x0 + 2 * xs + i);
            x1v = FloatVector.fromArray(F, x, x0 + 2 * xs + i + 16);
            c02 = v0.fma(x1v, u0.mul(x0v)).fma(d0, c02);
            c12 = v1.fma(x1v, u1.mul(x0v)).fma(d1, c12);
            x0v = FloatVector.fromArray(F, x, x0 + 3 * xs + i);
            x1v = FloatVector.fromArray(F, x, x0 + 3 * xs + i + 16);
            c03 = v0.fma(x1v, u0.mul(x0v)).fma(d0, c03);
            c13 = v1.fma(x1v, u1.mul(x0v)).fma(d1, c13);
            x0v = FloatVector.fromArray(F, x, x0 + 4 * xs + i);
            x1v = FloatVector.fromArray(F, x, x0 + 4 * xs + i + 16);
            c04 = v0.fma(x1v, u0.mul(x0v)).fma(d0, c04);
            c14 = v1.fma(x1v, u1.mul(x0v)).fma(d1, c14);
            x0v = FloatVector.fromArray(F, x, x0 + 5 * xs + i);
            x1v = FloatVector.fromArray(F, x, x0 + 5 * xs + i + 16);
            c05 = v0.fma(x1v, u0.mul(x0v)).fma(d0, c05);
            c15 = v1.fma(x1v, u1.mul(x0v)).fma(d1, c15);
            x0v = FloatVector.fromArray(F, x, x0 + 6 * xs + i);
            x1v = FloatVector.fromArray(F, x, x0 + 6 * xs + i + 16);
            c06 = v0.fma(x1v, u0.mul(x0v)).fma(d0, c06);
            c16 = v1.fma(x1v, u1.mul(x0v)).fma(d1, c16);
            x0v = FloatVector.fromArray(F, x, x0 + 7 * xs + i);
            x1v = FloatVector.fromArray(F, x, x0 + 7 * xs + i + 16);
            c07 = v0.fma(x1v, u0.mul(x0v)).fma(d0, c07);
            c17 = v1.fma(x1v, u1.mul(x0v)).fma(d1, c17);
            o0 += 18;
            o1 += 18;
        }
        c00 = c00.add(c00.rearrange(ROT_A));
        c00 = c00.add(c00.rearrange(ROT_B));
        if (L >= 8) {
            c00 = c00.add(c00.rearrange(ROT_C));
        }
        if (L >= 16) {
            c00 = c00.add(c00.rearrange(ROT_D));
        }
        out[o] = c00.lane(0);
        c10 = c10.add(c10.rearrange(ROT_A));
        c10 = c10.add(c10.rearrange(ROT_B));
        if (L >= 8) {
            c10 = c10.add(c10.rearrange(ROT_C));
        }
        if (L >= 16) {
            c10 = c10.add(c10.rearrange(ROT_D));
        }
        out[o + ors] = c10.lane(0);
        c01 = c01.add(c01.rearrange(ROT_A));
        c01 = c01.add(c01.rearrange(ROT_B));
        if (L >= 8) {
            c01 = c01.add(c01.rearrange(ROT_C));
        }
        if (L >= 16) {
            c01 = c01.add(c01.rearrange(ROT_D));
        }
        out[o + os] = c01.lane(0);
        c11 = c11.add(c11.rearrange(ROT_A));
        c11 = c11.add(c11.rearrange(ROT_B));
        if (L >= 8) {
            c11 = c11.add(c11.rearrange(ROT_C));
        }
        if (L >= 16) {
            c11 = c11.add(c11.rearrange(ROT_D));
        }
        out[o + ors + os] = c11.lane(0);
        c02 = c02.add(c02.rearrange(ROT_A));
        c02 = c02.add(c02.rearrange(ROT_B));
        if (L >= 8) {
            c02 = c02.add(c02.rearrange(ROT_C));
        }
        if (L >= 16) {
            c02 = c02.add(c02.rearrange(ROT_D));
        }
        out[o + 2 * os] = c02.lane(0);
        c12 = c12.add(c12.rearrange(ROT_A));
        c12 = c12.add(c12.rearrange(ROT_B));
        if (L >= 8) {
            c12 = c12.add(c12.rearrange(ROT_C));
        }
        if (L >= 16) {
            c12 = c12.add(c12.rearrange(ROT_D));
        }
        out[o + ors + 2 * os] = c12.lane(0);
        c03 = c03.add(c03.rearrange(ROT_A));
        c03 = c03.add(c03.rearrange(ROT_B));
        if (L >= 8) {
            c03 = c03.add(c03.rearrange(ROT_C));
        }
        if (L >= 16) {
            c03 = c03.add(c03.rearrange(ROT_D));
        }
        out[o + 3 * os] = c03.lane(0);
        c13 = c13.add(c13.rearrange(ROT_A));
        c13 = c13.add(c13.rearrange(ROT_B));
        if (L >= 8) {
            c13 = c13.add(c13.rearrange(ROT_C));
        }
        if (L >= 16) {
            c13 = c13.add(c13.rearrange(ROT_D));
        }
        out[o + ors + 3 * os] = c13.lane(0);
        c04 = c04.add(c04.rearrange(ROT_A));
        c04 = c04.add(c04.rearrange(ROT_B));
        if (L >= 8) {
            c04 = c04.add(c04.rearrange(ROT_C));
        }
        if (L >= 16) {
            c04 = c04.add(c04.rearrange(ROT_D));
        }
        out[o + 4 * os] = c04.lane(0);
        c14 = c14.add(c14.rearrange(ROT_A));
        c14 = c14.add(c14.rearrange(ROT_B));
        if (L >= 8) {
            c14 = c14.add(c14.rearrange(ROT_C));
        }
        if (L >= 16) {
            c14 = c14.add(c14.rearrange(ROT_D));
        }
        out[o + ors + 4 * os] = c14.lane(0);
        c05 = c05.add(c05.rearrange(ROT_A));
        c05 = c05.add(c05.rearrange(ROT_B));
        if (L >= 8) {
            c05 = c05.add(c05.rearrange(ROT_C));
        }
        if (L >= 16) {
            c05 = c05.add(c05.rearrange(ROT_D));
        }
        out[o + 5 * os] = c05.lane(0);
        c15 = c15.add(c15.rearrange(ROT_A));
        c15 = c15.add(c15.rearrange(ROT_B));
        if (L >= 8) {
            c15 = c15.add(c15.rearrange(ROT_C));
        }
        if (L >= 16) {
            c15 = c15.add(c15.rearrange(ROT_D));
        }
        out[o + ors + 5 * os] = c15.lane(0);
        c06 = c06.add(c06.rearrange(ROT_A));
        c06 = c06.add(c06.rearrange(ROT_B));
        if (L >= 8) {
            c06 = c06.add(c06.rearrange(ROT_C));
        }
        if (L >= 16) {
            c06 = c06.add(c06.rearrange(ROT_D));
        }
        out[o + 6 * os] = c06.lane(0);
        c16 = c16.add(c16.rearrange(ROT_A));
        c16 = c16.add(c16.rearrange(ROT_B));
        if (L >= 8) {
            c16 = c16.add(c16.rearrange(ROT_C));
        }
        if (L >= 16) {
            c16 = c16.add(c16.rearrange(ROT_D));
        }
        out[o + ors + 6 * os] = c16.lane(0);
        c07 = c07.add(c07.rearrange(ROT_A));
        c07 = c07.add(c07.rearrange(ROT_B));
        if (L >= 8) {
            c07 = c07.add(c07.rearrange(ROT_C));
        }
        if (L >= 16) {
            c07 = c07.add(c07.rearrange(ROT_D));
        }
        out[o + 7 * os] = c07.lane(0);
        c17 = c17.add(c17.rearrange(ROT_A));
        c17 = c17.add(c17.rearrange(ROT_B));
        if (L >= 8) {
            c17 = c17.add(c17.rearrange(ROT_C));
        }
        if (L >= 16) {
            c17 = c17.add(c17.rearrange(ROT_D));
        }
        out[o + ors + 7 * os] = c17.lane(0);
    }

    static void mm4x4Q8_0(MemorySegment seg, long off, long rb, int n, float[] x, int x0, int xs,
            float[] out, int o, int os, int ors) {
        long o0 = off;
        long o1 = off + rb;
        long o2 = off + 2 * rb;
        long o3 = off + 3 * rb;
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c01 = FloatVector.zero(F);
        FloatVector c02 = FloatVector.zero(F);
        FloatVector c03 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F);
        FloatVector c11 = FloatVector.zero(F);
        FloatVector c12 = FloatVector.zero(F);
        FloatVector c13 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F);
        FloatVector c21 = FloatVector.zero(F);
        FloatVector c22 = FloatVector.zero(F);
        FloatVector c23 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F);
        FloatVector c31 = FloatVector.zero(F);
        FloatVector c32 = FloatVector.zero(F);
        FloatVector c33 = FloatVector.zero(F);
        FloatVector zero = FloatVector.zero(F);
        FloatVector x0v;
        FloatVector x1v;
        for (int i = 0; i < n; i += 32) {
            FloatVector d0 = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, o0)));
            FloatVector d1 = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, o1)));
            FloatVector d2 = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, o2)));
            FloatVector d3 = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, o3)));
            FloatVector u0 = (FloatVector) ByteVector.fromMemorySegment(B, seg, o0 + 2, LE).convertShape(B2F, F, 0);
            FloatVector v0 = (FloatVector) ByteVector.fromMemorySegment(B, seg, o0 + 18, LE).convertShape(B2F, F, 0);
            FloatVector u1 = (FloatVector) ByteVector.fromMemorySegment(B, seg, o1 + 2, LE).convertShape(B2F, F, 0);
            FloatVector v1 = (FloatVector) ByteVector.fromMemorySegment(B, seg, o1 + 18, LE).convertShape(B2F, F, 0);
            FloatVector u2 = (FloatVector) ByteVector.fromMemorySegment(B, seg, o2 + 2, LE).convertShape(B2F, F, 0);
            FloatVector v2 = (FloatVector) ByteVector.fromMemorySegment(B, seg, o2 + 18, LE).convertShape(B2F, F, 0);
            FloatVector u3 = (FloatVector) ByteVector.fromMemorySegment(B, seg, o3 + 2, LE).convertShape(B2F, F, 0);
            FloatVector v3 = (FloatVector) ByteVector.fromMemorySegment(B, seg, o3 + 18, LE).convertShape(B2F, F, 0);
            x0v = FloatVector.fromArray(F, x, x0 + i);
            x1v = FloatVector.fromArray(F, x, x0 + i + 16);
            c00 = v0.fma(x1v, u0.fma(x0v, zero)).fma(d0, c00);
            c10 = v1.fma(x1v, u1.fma(x0v, zero)).fma(d1, c10);
            c20 = v2.fma(x1v, u2.fma(x0v, zero)).fma(d2, c20);
            c30 = v3.fma(x1v, u3.fma(x0v, zero)).fma(d3, c30);
            x0v = FloatVector.fromArray(F, x, x0 + xs + i);
            x1v = FloatVector.fromArray(F, x, x0 + xs + i + 16);
            c01 = v0.fma(x1v, u0.fma(x0v, zero)).fma(d0, c01);
            c11 = v1.fma(x1v, u1.fma(x0v, zero)).fma(d1, c11);
            c21 = v2.fma(x1v, u2.fma(x0v, zero)).fma(d2, c21);
            c31 = v3.fma(x1v, u3.fma(x0v, zero)).fma(d3, c31);
            x0v = FloatVector.fromArray(F, x, x0 + 2 * xs + i);
            x1v = FloatVector.fromArray(F, x, x0 + 2 * xs + i + 16);
            c02 = v0.fma(x1v, u0.fma(x0v, zero)).fma(d0, c02);
            c12 = v1.fma(x1v, u1.fma(x0v, zero)).fma(d1, c12);
            c22 = v2.fma(x1v, u2.fma(x0v, zero)).fma(d2, c22);
            c32 = v3.fma(x1v, u3.fma(x0v, zero)).fma(d3, c32);
            x0v = FloatVector.fromArray(F, x, x0 + 3 * xs + i);
            x1v = FloatVector.fromArray(F, x, x0 + 3 * xs + i + 16);
            c03 = v0.fma(x1v, u0.fma(x0v, zero)).fma(d0, c03);
            c13 = v1.fma(x1v, u1.fma(x0v, zero)).fma(d1, c13);
            c23 = v2.fma(x1v, u2.fma(x0v, zero)).fma(d2, c23);
            c33 = v3.fma(x1v, u3.fma(x0v, zero)).fma(d3, c33);
            o0 += 34;
            o1 += 34;
            o2 += 34;
            o3 += 34;
        }
        c00 = c00.add(c00.rearrange(ROT_A));
        c00 = c00.add(c00.rearrange(ROT_B));
        if (L >= 8) {
            c00 = c00.add(c00.rearrange(ROT_C));
        }
        if (L >= 16) {
            c00 = c00.add(c00.rearrange(ROT_D));
        }
        out[o] = c00.lane(0);
        c10 = c10.add(c10.rearrange(ROT_A));
        c10 = c10.add(c10.rearrange(ROT_B));
        if (L >= 8) {
            c10 = c10.add(c10.rearrange(ROT_C));
        }
        if (L >= 16) {
            c10 = c10.add(c10.rearrange(ROT_D));
        }
        out[o + ors] = c10.lane(0);
        c20 = c20.add(c20.rearrange(ROT_A));
        c20 = c20.add(c20.rearrange(ROT_B));
        if (L >= 8) {
            c20 = c20.add(c20.rearrange(ROT_C));
        }
        if (L >= 16) {
            c20 = c20.add(c20.rearrange(ROT_D));
        }
        out[o + 2 * ors] = c20.lane(0);
        c30 = c30.add(c30.rearrange(ROT_A));
        c30 = c30.add(c30.rearrange(ROT_B));
        if (L >= 8) {
            c30 = c30.add(c30.rearrange(ROT_C));
        }
        if (L >= 16) {
            c30 = c30.add(c30.rearrange(ROT_D));
        }
        out[o + 3 * ors] = c30.lane(0);
        c01 = c01.add(c01.rearrange(ROT_A));
        c01 = c01.add(c01.rearrange(ROT_B));
        if (L >= 8) {
            c01 = c01.add(c01.rearrange(ROT_C));
        }
        if (L >= 16) {
            c01 = c01.add(c01.rearrange(ROT_D));
        }
        out[o + os] = c01.lane(0);
        c11 = c11.add(c11.rearrange(ROT_A));
        c11 = c11.add(c11.rearrange(ROT_B));
        if (L >= 8) {
            c11 = c11.add(c11.rearrange(ROT_C));
        }
        if (L >= 16) {
            c11 = c11.add(c11.rearrange(ROT_D));
        }
        out[o + ors + os] = c11.lane(0);
        c21 = c21.add(c21.rearrange(ROT_A));
        c21 = c21.add(c21.rearrange(ROT_B));
        if (L >= 8) {
            c21 = c21.add(c21.rearrange(ROT_C));
        }
        if (L >= 16) {
            c21 = c21.add(c21.rearrange(ROT_D));
        }
        out[o + 2 * ors + os] = c21.lane(0);
        c31 = c31.add(c31.rearrange(ROT_A));
        c31 = c31.add(c31.rearrange(ROT_B));
        if (L >= 8) {
            c31 = c31.add(c31.rearrange(ROT_C));
        }
        if (L >= 16) {
            c31 = c31.add(c31.rearrange(ROT_D));
        }
        out[o + 3 * ors + os] = c31.lane(0);
        c02 = c02.add(c02.rearrange(ROT_A));
        c02 = c02.add(c02.rearrange(ROT_B));
        if (L >= 8) {
            c02 = c02.add(c02.rearrange(ROT_C));
        }
        if (L >= 16) {
            c02 = c02.add(c02.rearrange(ROT_D));
        }
        out[o + 2 * os] = c02.lane(0);
        c12 = c12.add(c12.rearrange(ROT_A));
        c12 = c12.add(c12.rearrange(ROT_B));
        if (L >= 8) {
            c12 = c12.add(c12.rearrange(ROT_C));
        }
        if (L >= 16) {
            c12 = c12.add(c12.rearrange(ROT_D));
        }
        out[o + ors + 2 * os] = c12.lane(0);
        c22 = c22.add(c22.rearrange(ROT_A));
        c22 = c22.add(c22.rearrange(ROT_B));
        if (L >= 8) {
            c22 = c22.add(c22.rearrange(ROT_C));
        }
        if (L >= 16) {
            c22 = c22.add(c22.rearrange(ROT_D));
        }
        out[o + 2 * ors + 2 * os] = c22.lane(0);
        c32 = c32.add(c32.rearrange(ROT_A));
        c32 = c32.add(c32.rearrange(ROT_B));
        if (L >= 8) {
            c32 = c32.add(c32.rearrange(ROT_C));
        }
        if (L >= 16) {
            c32 = c32.add(c32.rearrange(ROT_D));
        }
        out[o + 3 * ors + 2 * os] = c32.lane(0);
        c03 = c03.add(c03.rearrange(ROT_A));
        c03 = c03.add(c03.rearrange(ROT_B));
        if (L >= 8) {
            c03 = c03.add(c03.rearrange(ROT_C));
        }
        if (L >= 16) {
            c03 = c03.add(c03.rearrange(ROT_D));
        }
        out[o + 3 * os] = c03.lane(0);
        c13 = c13.add(c13.rearrange(ROT_A));
        c13 = c13.add(c13.rearrange(ROT_B));
        if (L >= 8) {
            c13 = c13.add(c13.rearrange(ROT_C));
        }
        if (L >= 16) {
            c13 = c13.add(c13.rearrange(ROT_D));
        }
        out[o + ors + 3 * os] = c13.lane(0);
        c23 = c23.add(c23.rearrange(ROT_A));
        c23 = c23.add(c23.rearrange(ROT_B));
        if (L >= 8) {
            c23 = c23.add(c23.rearrange(ROT_C));
        }
        if (L >= 16) {
            c23 = c23.add(c23.rearrange(ROT_D));
        }
        out[o + 2 * ors + 3 * os] = c23.lane(0);
        c33 = c33.add(c33.rearrange(ROT_A));
        c33 = c33.add(c33.rearrange(ROT_B));
        if (L >= 8) {
            c33 = c33.add(c33.rearrange(ROT_C));
        }
        if (L >= 16) {
            c33 = c33.add(c33.rearrange(ROT_D));
        }
        out[o + 3 * ors + 3 * os] = c33.lane(0);
    }

    static void mm4x4Q4_0(MemorySegment seg, long off, long rb, int n, float[] x, int x0, int xs,
            float[] out, int o, int os, int ors) {
        long o0 = off;
        long o1 = off + rb;
        long o2 = off + 2 * rb;
        long o3 = off + 3 * rb;
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c01 = FloatVector.zero(F);
        FloatVector c02 = FloatVector.zero(F);
        FloatVector c03 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F);
        FloatVector c11 = FloatVector.zero(F);
        FloatVector c12 = FloatVector.zero(F);
        FloatVector c13 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F);
        FloatVector c21 = FloatVector.zero(F);
        FloatVector c22 = FloatVector.zero(F);
        FloatVector c23 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F);
        FloatVector c31 = FloatVector.zero(F);
        FloatVector c32 = FloatVector.zero(F);
        FloatVector c33 = FloatVector.zero(F);
        FloatVector x0v;
        FloatVector x1v;
        for (int i = 0; i < n; i += 32) {
            FloatVector d0 = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, o0)));
            FloatVector d1 = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, o1)));
            FloatVector d2 = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, o2)));
            FloatVector d3 = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, o3)));
            ByteVector q0 = ByteVector.fromMemorySegment(B, seg, o0 + 2, LE);
            FloatVector u0 = (FloatVector) q0.and((byte) 0x0F).sub((byte) 8).convertShape(B2F, F, 0);
            FloatVector v0 = (FloatVector) q0.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes()
                    .and((byte) 0x0F).sub((byte) 8).convertShape(B2F, F, 0);
            ByteVector q1 = ByteVector.fromMemorySegment(B, seg, o1 + 2, LE);
            FloatVector u1 = (FloatVector) q1.and((byte) 0x0F).sub((byte) 8).convertShape(B2F, F, 0);
            FloatVector v1 = (FloatVector) q1.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes()
                    .and((byte) 0x0F).sub((byte) 8).convertShape(B2F, F, 0);
            ByteVector q2 = ByteVector.fromMemorySegment(B, seg, o2 + 2, LE);
            FloatVector u2 = (FloatVector) q2.and((byte) 0x0F).sub((byte) 8).convertShape(B2F, F, 0);
            FloatVector v2 = (FloatVector) q2.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes()
                    .and((byte) 0x0F).sub((byte) 8).convertShape(B2F, F, 0);
            ByteVector q3 = ByteVector.fromMemorySegment(B, seg, o3 + 2, LE);
            FloatVector u3 = (FloatVector) q3.and((byte) 0x0F).sub((byte) 8).convertShape(B2F, F, 0);
            FloatVector v3 = (FloatVector) q3.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes()
                    .and((byte) 0x0F).sub((byte) 8).convertShape(B2F, F, 0);
            x0v = FloatVector.fromArray(F, x, x0 + i);
            x1v = FloatVector.fromArray(F, x, x0 + i + 16);
            c00 = v0.fma(x1v, u0.mul(x0v)).fma(d0, c00);
            c10 = v1.fma(x1v, u1.mul(x0v)).fma(d1, c10);
            c20 = v2.fma(x1v, u2.mul(x0v)).fma(d2, c20);
            c30 = v3.fma(x1v, u3.mul(x0v)).fma(d3, c30);
            x0v = FloatVector.fromArray(F, x, x0 + xs + i);
            x1v = FloatVector.fromArray(F, x, x0 + xs + i + 16);
            c01 = v0.fma(x1v, u0.mul(x0v)).fma(d0, c01);
            c11 = v1.fma(x1v, u1.mul(x0v)).fma(d1, c11);
            c21 = v2.fma(x1v, u2.mul(x0v)).fma(d2, c21);
            c31 = v3.fma(x1v, u3.mul(x0v)).fma(d3, c31);
            x0v = FloatVector.fromArray(F, x, x0 + 2 * xs + i);
            x1v = FloatVector.fromArray(F, x, x0 + 2 * xs + i + 16);
            c02 = v0.fma(x1v, u0.mul(x0v)).fma(d0, c02);
            c12 = v1.fma(x1v, u1.mul(x0v)).fma(d1, c12);
            c22 = v2.fma(x1v, u2.mul(x0v)).fma(d2, c22);
            c32 = v3.fma(x1v, u3.mul(x0v)).fma(d3, c32);
            x0v = FloatVector.fromArray(F, x, x0 + 3 * xs + i);
            x1v = FloatVector.fromArray(F, x, x0 + 3 * xs + i + 16);
            c03 = v0.fma(x1v, u0.mul(x0v)).fma(d0, c03);
            c13 = v1.fma(x1v, u1.mul(x0v)).fma(d1, c13);
            c23 = v2.fma(x1v, u2.mul(x0v)).fma(d2, c23);
            c33 = v3.fma(x1v, u3.mul(x0v)).fma(d3, c33);
            o0 += 18;
            o1 += 18;
            o2 += 18;
            o3 += 18;
        }
        c00 = c00.add(c00.rearrange(ROT_A));
        c00 = c00.add(c00.rearrange(ROT_B));
        if (L >= 8) {
            c00 = c00.add(c00.rearrange(ROT_C));
        }
        if (L >= 16) {
            c00 = c00.add(c00.rearrange(ROT_D));
        }
        out[o] = c00.lane(0);
        c10 = c10.add(c10.rearrange(ROT_A));
        c10 = c10.add(c10.rearrange(ROT_B));
        if (L >= 8) {
            c10 = c10.add(c10.rearrange(ROT_C));
        }
        if (L >= 16) {
            c10 = c10.add(c10.rearrange(ROT_D));
        }
        out[o + ors] = c10.lane(0);
        c20 = c20.add(c20.rearrange(ROT_A));
        c20 = c20.add(c20.rearrange(ROT_B));
        if (L >= 8) {
            c20 = c20.add(c20.rearrange(ROT_C));
        }
        if (L >= 16) {
            c20 = c20.add(c20.rearrange(ROT_D));
        }
        out[o + 2 * ors] = c20.lane(0);
        c30 = c30.add(c30.rearrange(ROT_A));
        c30 = c30.add(c30.rearrange(ROT_B));
        if (L >= 8) {
            c30 = c30.add(c30.rearrange(ROT_C));
        }
        if (L >= 16) {
            c30 = c30.add(c30.rearrange(ROT_D));
        }
        out[o + 3 * ors] = c30.lane(0);
        c01 = c01.add(c01.rearrange(ROT_A));
        c01 = c01.add(c01.rearrange(ROT_B));
        if (L >= 8) {
            c01 = c01.add(c01.rearrange(ROT_C));
        }
        if (L >= 16) {
            c01 = c01.add(c01.rearrange(ROT_D));
        }
        out[o + os] = c01.lane(0);
        c11 = c11.add(c11.rearrange(ROT_A));
        c11 = c11.add(c11.rearrange(ROT_B));
        if (L >= 8) {
            c11 = c11.add(c11.rearrange(ROT_C));
        }
        if (L >= 16) {
            c11 = c11.add(c11.rearrange(ROT_D));
        }
        out[o + ors + os] = c11.lane(0);
        c21 = c21.add(c21.rearrange(ROT_A));
        c21 = c21.add(c21.rearrange(ROT_B));
        if (L >= 8) {
            c21 = c21.add(c21.rearrange(ROT_C));
        }
        if (L >= 16) {
            c21 = c21.add(c21.rearrange(ROT_D));
        }
        out[o + 2 * ors + os] = c21.lane(0);
        c31 = c31.add(c31.rearrange(ROT_A));
        c31 = c31.add(c31.rearrange(ROT_B));
        if (L >= 8) {
            c31 = c31.add(c31.rearrange(ROT_C));
        }
        if (L >= 16) {
            c31 = c31.add(c31.rearrange(ROT_D));
        }
        out[o + 3 * ors + os] = c31.lane(0);
        c02 = c02.add(c02.rearrange(ROT_A));
        c02 = c02.add(c02.rearrange(ROT_B));
        if (L >= 8) {
            c02 = c02.add(c02.rearrange(ROT_C));
        }
        if (L >= 16) {
            c02 = c02.add(c02.rearrange(ROT_D));
        }
        out[o + 2 * os] = c02.lane(0);
        c12 = c12.add(c12.rearrange(ROT_A));
        c12 = c12.add(c12.rearrange(ROT_B));
        if (L >= 8) {
            c12 = c12.add(c12.rearrange(ROT_C));
        }
        if (L >= 16) {
            c12 = c12.add(c12.rearrange(ROT_D));
        }
        out[o + ors + 2 * os] = c12.lane(0);
        c22 = c22.add(c22.rearrange(ROT_A));
        c22 = c22.add(c22.rearrange(ROT_B));
        if (L >= 8) {
            c22 = c22.add(c22.rearrange(ROT_C));
        }
        if (L >= 16) {
            c22 = c22.add(c22.rearrange(ROT_D));
        }
        out[o + 2 * ors + 2 * os] = c22.lane(0);
        c32 = c32.add(c32.rearrange(ROT_A));
        c32 = c32.add(c32.rearrange(ROT_B));
        if (L >= 8) {
            c32 = c32.add(c32.rearrange(ROT_C));
        }
        if (L >= 16) {
            c32 = c32.add(c32.rearrange(ROT_D));
        }
        out[o + 3 * ors + 2 * os] = c32.lane(0);
        c03 = c03.add(c03.rearrange(ROT_A));
        c03 = c03.add(c03.rearrange(ROT_B));
        if (L >= 8) {
            c03 = c03.add(c03.rearrange(ROT_C));
        }
        if (L >= 16) {
            c03 = c03.add(c03.rearrange(ROT_D));
        }
        out[o + 3 * os] = c03.lane(0);
        c13 = c13.add(c13.rearrange(ROT_A));
        c13 = c13.add(c13.rearrange(ROT_B));
        if (L >= 8) {
            c13 = c13.add(c13.rearrange(ROT_C));
        }
        if (L >= 16) {
            c13 = c13.add(c13.rearrange(ROT_D));
        }
        out[o + ors + 3 * os] = c13.lane(0);
        c23 = c23.add(c23.rearrange(ROT_A));
        c23 = c23.add(c23.rearrange(ROT_B));
        if (L >= 8) {
            c23 = c23.add(c23.rearrange(ROT_C));
        }
        if (L >= 16) {
            c23 = c23.add(c23.rearrange(ROT_D));
        }
        out[o + 2 * ors + 3 * os] = c23.lane(0);
        c33 = c33.add(c33.rearrange(ROT_A));
        c33 = c33.add(c33.rearrange(ROT_B));
        if (L >= 8) {
            c33 = c33.add(c33.rearrange(ROT_C));
        }
        if (L >= 16) {
            c33 = c33.add(c33.rearrange(ROT_D));
        }
        out[o + 3 * ors + 3 * os] = c33.lane(0);
    }

    static void mm8x1Q8_0(MemorySegment seg, long off, long rb, int n, float[] x, int x0, float[] out, int o,
            int ors) {
        long o0 = off;
        long o1 = off + rb;
        long o2 = off + 2 * rb;
        long o3 = off + 3 * rb;
        long o4 = off + 4 * rb;
        long o5 = off + 5 * rb;
        long o6 = off + 6 * rb;
        long o7 = off + 7 * rb;
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F);
        FloatVector c40 = FloatVector.zero(F);
        FloatVector c50 = FloatVector.zero(F);
        FloatVector c60 = FloatVector.zero(F);
        FloatVector c70 = FloatVector.zero(F);
        FloatVector zero = FloatVector.zero(F);
        FloatVector x0v;
        FloatVector x1v;
        for (int i = 0; i < n; i += 32) {
            FloatVector d0 = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, o0)));
            FloatVector d1 = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, o1)));
            FloatVector d2 = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, o2)));
            FloatVector d3 = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, o3)));
            FloatVector d4 = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, o4)));
            FloatVector d5 = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, o5)));
            FloatVector d6 = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, o6)));
            FloatVector d7 = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, o7)));
            FloatVector u0 = (FloatVector) ByteVector.fromMemorySegment(B, seg, o0 + 2, LE).convertShape(B2F, F, 0);
            FloatVector v0 = (FloatVector) ByteVector.fromMemorySegment(B, seg, o0 + 18, LE).convertShape(B2F, F, 0);
            FloatVector u1 = (FloatVector) ByteVector.fromMemorySegment(B, seg, o1 + 2, LE).convertShape(B2F, F, 0);
            FloatVector v1 = (FloatVector) ByteVector.fromMemorySegment(B, seg, o1 + 18, LE).convertShape(B2F, F, 0);
            FloatVector u2 = (FloatVector) ByteVector.fromMemorySegment(B, seg, o2 + 2, LE).convertShape(B2F, F, 0);
            FloatVector v2 = (FloatVector) ByteVector.fromMemorySegment(B, seg, o2 + 18, LE).convertShape(B2F, F, 0);
            FloatVector u3 = (FloatVector) ByteVector.fromMemorySegment(B, seg, o3 + 2, LE).convertShape(B2F, F, 0);
            FloatVector v3 = (FloatVector) ByteVector.fromMemorySegment(B, seg, o3 + 18, LE).convertShape(B2F, F, 0);
            FloatVector u4 = (FloatVector) ByteVector.fromMemorySegment(B, seg, o4 + 2, LE).convertShape(B2F, F, 0);
            FloatVector v4 = (FloatVector) ByteVector.fromMemorySegment(B, seg, o4 + 18, LE).convertShape(B2F, F, 0);
            FloatVector u5 = (FloatVector) ByteVector.fromMemorySegment(B, seg, o5 + 2, LE).convertShape(B2F, F, 0);
            FloatVector v5 = (FloatVector) ByteVector.fromMemorySegment(B, seg, o5 + 18, LE).convertShape(B2F, F, 0);
            FloatVector u6 = (FloatVector) ByteVector.fromMemorySegment(B, seg, o6 + 2, LE).convertShape(B2F, F, 0);
            FloatVector v6 = (FloatVector) ByteVector.fromMemorySegment(B, seg, o6 + 18, LE).convertShape(B2F, F, 0);
            FloatVector u7 = (FloatVector) ByteVector.fromMemorySegment(B, seg, o7 + 2, LE).convertShape(B2F, F, 0);
            FloatVector v7 = (FloatVector) ByteVector.fromMemorySegment(B, seg, o7 + 18, LE).convertShape(B2F, F, 0);
            x0v = FloatVector.fromArray(F, x, x0 + i);
            x1v = FloatVector.fromArray(F, x, x0 + i + 16);
            c00 = v0.fma(x1v, u0.fma(x0v, zero)).fma(d0, c00);
            c10 = v1.fma(x1v, u1.fma(x0v, zero)).fma(d1, c10);
            c20 = v2.fma(x1v, u2.fma(x0v, zero)).fma(d2, c20);
            c30 = v3.fma(x1v, u3.fma(x0v, zero)).fma(d3, c30);
            c40 = v4.fma(x1v, u4.fma(x0v, zero)).fma(d4, c40);
            c50 = v5.fma(x1v, u5.fma(x0v, zero)).fma(d5, c50);
            c60 = v6.fma(x1v, u6.fma(x0v, zero)).fma(d6, c60);
            c70 = v7.fma(x1v, u7.fma(x0v, zero)).fma(d7, c70);
            o0 += 34;
            o1 += 34;
            o2 += 34;
            o3 += 34;
            o4 += 34;
            o5 += 34;
            o6 += 34;
            o7 += 34;
        }
        c00 = c00.add(c00.rearrange(ROT_A));
        c00 = c00.add(c00.rearrange(ROT_B));
        if (L >= 8) {
            c00 = c00.add(c00.rearrange(ROT_C));
        }
        if (L >= 16) {
            c00 = c00.add(c00.rearrange(ROT_D));
        }
        out[o] = c00.lane(0);
        c10 = c10.add(c10.rearrange(ROT_A));
        c10 = c10.add(c10.rearrange(ROT_B));
        if (L >= 8) {
            c10 = c10.add(c10.rearrange(ROT_C));
        }
        if (L >= 16) {
            c10 = c10.add(c10.rearrange(ROT_D));
        }
        out[o + ors] = c10.lane(0);
        c20 = c20.add(c20.rearrange(ROT_A));
        c20 = c20.add(c20.rearrange(ROT_B));
        if (L >= 8) {
            c20 = c20.add(c20.rearrange(ROT_C));
        }
        if (L >= 16) {
            c20 = c20.add(c20.rearrange(ROT_D));
        }
        out[o + 2 * ors] = c20.lane(0);
        c30 = c30.add(c30.rearrange(ROT_A));
        c30 = c30.add(c30.rearrange(ROT_B));
        if (L >= 8) {
            c30 = c30.add(c30.rearrange(ROT_C));
        }
        if (L >= 16) {
            c30 = c30.add(c30.rearrange(ROT_D));
        }
        out[o + 3 * ors] = c30.lane(0);
        c40 = c40.add(c40.rearrange(ROT_A));
        c40 = c40.add(c40.rearrange(ROT_B));
        if (L >= 8) {
            c40 = c40.add(c40.rearrange(ROT_C));
        }
        if (L >= 16) {
            c40 = c40.add(c40.rearrange(ROT_D));
        }
        out[o + 4 * ors] = c40.lane(0);
        c50 = c50.add(c50.rearrange(ROT_A));
        c50 = c50.add(c50.rearrange(ROT_B));
        if (L >= 8) {
            c50 = c50.add(c50.rearrange(ROT_C));
        }
        if (L >= 16) {
            c50 = c50.add(c50.rearrange(ROT_D));
        }
        out[o + 5 * ors] = c50.lane(0);
        c60 = c60.add(c60.rearrange(ROT_A));
        c60 = c60.add(c60.rearrange(ROT_B));
        if (L >= 8) {
            c60 = c60.add(c60.rearrange(ROT_C));
        }
        if (L >= 16) {
            c60 = c60.add(c60.rearrange(ROT_D));
        }
        out[o + 6 * ors] = c60.lane(0);
        c70 = c70.add(c70.rearrange(ROT_A));
        c70 = c70.add(c70.rearrange(ROT_B));
        if (L >= 8) {
            c70 = c70.add(c70.rearrange(ROT_C));
        }
        if (L >= 16) {
            c70 = c70.add(c70.rearrange(ROT_D));
        }
        out[o + 7 * ors] = c70.lane(0);
    }

    static void mm4x1Q4_0(MemorySegment seg, long off, long rb, int n, float[] x, int x0, float[] out, int o,
            int ors) {
        long o0 = off;
        long o1 = off + rb;
        long o2 = off + 2 * rb;
        long o3 = off + 3 * rb;
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F);
        FloatVector x0v;
        FloatVector x1v;
        for (int i = 0; i < n; i += 32) {
            FloatVector d0 = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, o0)));
            FloatVector d1 = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, o1)));
            FloatVector d2 = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, o2)));
            FloatVector d3 = FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, o3)));
            ByteVector q0 = ByteVector.fromMemorySegment(B, seg, o0 + 2, LE);
            FloatVector u0 = (FloatVector) q0.and((byte) 0x0F).sub((byte) 8).convertShape(B2F, F, 0);
            FloatVector v0 = (FloatVector) q0.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes()
                    .and((byte) 0x0F).sub((byte) 8).convertShape(B2F, F, 0);
            ByteVector q1 = ByteVector.fromMemorySegment(B, seg, o1 + 2, LE);
            FloatVector u1 = (FloatVector) q1.and((byte) 0x0F).sub((byte) 8).convertShape(B2F, F, 0);
            FloatVector v1 = (FloatVector) q1.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes()
                    .and((byte) 0x0F).sub((byte) 8).convertShape(B2F, F, 0);
            ByteVector q2 = ByteVector.fromMemorySegment(B, seg, o2 + 2, LE);
            FloatVector u2 = (FloatVector) q2.and((byte) 0x0F).sub((byte) 8).convertShape(B2F, F, 0);
            FloatVector v2 = (FloatVector) q2.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes()
                    .and((byte) 0x0F).sub((byte) 8).convertShape(B2F, F, 0);
            ByteVector q3 = ByteVector.fromMemorySegment(B, seg, o3 + 2, LE);
            FloatVector u3 = (FloatVector) q3.and((byte) 0x0F).sub((byte) 8).convertShape(B2F, F, 0);
            FloatVector v3 = (FloatVector) q3.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes()
                    .and((byte) 0x0F).sub((byte) 8).convertShape(B2F, F, 0);
            x0v = FloatVector.fromArray(F, x, x0 + i);
            x1v = FloatVector.fromArray(F, x, x0 + i + 16);
            c00 = v0.fma(x1v, u0.mul(x0v)).fma(d0, c00);
            c10 = v1.fma(x1v, u1.mul(x0v)).fma(d1, c10);
            c20 = v2.fma(x1v, u2.mul(x0v)).fma(d2, c20);
            c30 = v3.fma(x1v, u3.mul(x0v)).fma(d3, c30);
            o0 += 18;
            o1 += 18;
            o2 += 18;
            o3 += 18;
        }
        c00 = c00.add(c00.rearrange(ROT_A));
        c00 = c00.add(c00.rearrange(ROT_B));
        if (L >= 8) {
            c00 = c00.add(c00.rearrange(ROT_C));
        }
        if (L >= 16) {
            c00 = c00.add(c00.rearrange(ROT_D));
        }
        out[o] = c00.lane(0);
        c10 = c10.add(c10.rearrange(ROT_A));
        c10 = c10.add(c10.rearrange(ROT_B));
        if (L >= 8) {
            c10 = c10.add(c10.rearrange(ROT_C));
        }
        if (L >= 16) {
            c10 = c10.add(c10.rearrange(ROT_D));
        }
        out[o + ors] = c10.lane(0);
        c20 = c20.add(c20.rearrange(ROT_A));
        c20 = c20.add(c20.rearrange(ROT_B));
        if (L >= 8) {
            c20 = c20.add(c20.rearrange(ROT_C));
        }
        if (L >= 16) {
            c20 = c20.add(c20.rearrange(ROT_D));
        }
        out[o + 2 * ors] = c20.lane(0);
        c30 = c30.add(c30.rearrange(ROT_A));
        c30 = c30.add(c30.rearrange(ROT_B));
        if (L >= 8) {
            c30 = c30.add(c30.rearrange(ROT_C));
        }
        if (L >= 16) {
            c30 = c30.add(c30.rearrange(ROT_D));
        }
        out[o + 3 * ors] = c30.lane(0);
    }

    static float dotQ4_K(MemorySegment seg, long off, int n, float[] x, int x0) {
        long o0 = off;
        FloatVector c00 = FloatVector.zero(F);
        FloatVector e00 = FloatVector.zero(F);
        FloatVector xv;
        for (int i = 0; i < n; i += 256) {
            float d0 = halfToFloat(seg.get(SHORT_LE, o0));
            float m0 = halfToFloat(seg.get(SHORT_LE, o0 + 2));
            long s0 = seg.get(LONG_LE, o0 + 4);
            int t0 = seg.get(INT_LE, o0 + 12);
            for (int g = 0; g < 4; g++) {
                int sa0;
                int ma0;
                int sb0;
                int mb0;
                if (g < 2) {
                    sa0 = (int) (s0 >>> (16 * g)) & 63;
                    sb0 = (int) (s0 >>> (16 * g + 8)) & 63;
                    ma0 = (int) (s0 >>> (16 * g + 32)) & 63;
                    mb0 = (int) (s0 >>> (16 * g + 40)) & 63;
                } else {
                    int u = t0 >>> (16 * (g - 2));
                    int lo = (int) (s0 >>> (16 * (g - 2)));
                    int hi = (int) (s0 >>> (16 * g));
                    sa0 = (u & 0xF) | (((lo >>> 6) & 3) << 4);
                    ma0 = ((u >>> 4) & 0xF) | (((hi >>> 6) & 3) << 4);
                    sb0 = ((u >>> 8) & 0xF) | (((lo >>> 14) & 3) << 4);
                    mb0 = ((u >>> 12) & 0xF) | (((hi >>> 14) & 3) << 4);
                }
                FloatVector da0 = FloatVector.broadcast(F, d0 * sa0);
                FloatVector na0 = FloatVector.broadcast(F, -(m0 * ma0));
                FloatVector db0 = FloatVector.broadcast(F, d0 * sb0);
                FloatVector nb0 = FloatVector.broadcast(F, -(m0 * mb0));
                for (int j = 0; j < 32; j += BL) {
                    ByteVector q0 = ByteVector.fromMemorySegment(B, seg, o0 + 16 + 32L * g + j, LE);
                    for (int p = 0; p < PARTS; p++) {
                        int xi = x0 + i + 64 * g + j + p * L;
                        FloatVector w0 = ((FloatVector) q0.and((byte) 0x0F).convertShape(B2F, F, p)).fma(da0, na0);
                        xv = FloatVector.fromArray(F, x, xi);
                        c00 = w0.fma(xv, c00);
                        w0 = ((FloatVector) q0.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes().and((byte) 0x0F)
                                .convertShape(B2F, F, p)).fma(db0, nb0);
                        xv = FloatVector.fromArray(F, x, xi + 32);
                        e00 = w0.fma(xv, e00);
                    }
                }
            }
            o0 += 144;
        }
        c00 = c00.add(e00);
        c00 = c00.add(c00.rearrange(ROT_A));
        c00 = c00.add(c00.rearrange(ROT_B));
        if (L >= 8) {
            c00 = c00.add(c00.rearrange(ROT_C));
        }
        if (L >= 16) {
            c00 = c00.add(c00.rearrange(ROT_D));
        }
        return c00.lane(0);
    }

    static void mm2x4Q4_K(MemorySegment seg, long off, long rb, int n, float[] x, int x0, int xs,
            float[] out, int o, int os, int ors) {
        long o0 = off;
        long o1 = off + rb;
        FloatVector c00 = FloatVector.zero(F);
        FloatVector e00 = FloatVector.zero(F);
        FloatVector c01 = FloatVector.zero(F);
        FloatVector e01 = FloatVector.zero(F);
        FloatVector c02 = FloatVector.zero(F);
        FloatVector e02 = FloatVector.zero(F);
        FloatVector c03 = FloatVector.zero(F);
        FloatVector e03 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F);
        FloatVector e10 = FloatVector.zero(F);
        FloatVector c11 = FloatVector.zero(F);
        FloatVector e11 = FloatVector.zero(F);
        FloatVector c12 = FloatVector.zero(F);
        FloatVector e12 = FloatVector.zero(F);
        FloatVector c13 = FloatVector.zero(F);
        FloatVector e13 = FloatVector.zero(F);
        FloatVector xv;
        for (int i = 0; i < n; i += 256) {
            float d0 = halfToFloat(seg.get(SHORT_LE, o0));
            float m0 = halfToFloat(seg.get(SHORT_LE, o0 + 2));
            long s0 = seg.get(LONG_LE, o0 + 4);
            int t0 = seg.get(INT_LE, o0 + 12);
            float d1 = halfToFloat(seg.get(SHORT_LE, o1));
            float m1 = halfToFloat(seg.get(SHORT_LE, o1 + 2));
            long s1 = seg.get(LONG_LE, o1 + 4);
            int t1 = seg.get(INT_LE, o1 + 12);
            for (int g = 0; g < 4; g++) {
                int sa0;
                int ma0;
                int sb0;
                int mb0;
                if (g < 2) {
                    sa0 = (int) (s0 >>> (16 * g)) & 63;
                    sb0 = (int) (s0 >>> (16 * g + 8)) & 63;
                    ma0 = (int) (s0 >>> (16 * g + 32)) & 63;
                    mb0 = (int) (s0 >>> (16 * g + 40)) & 63;
                } else {
                    int u = t0 >>> (16 * (g - 2));
                    int lo = (int) (s0 >>> (16 * (g - 2)));
                    int hi = (int) (s0 >>> (16 * g));
                    sa0 = (u & 0xF) | (((lo >>> 6) & 3) << 4);
                    ma0 = ((u >>> 4) & 0xF) | (((hi >>> 6) & 3) << 4);
                    sb0 = ((u >>> 8) & 0xF) | (((lo >>> 14) & 3) << 4);
                    mb0 = ((u >>> 12) & 0xF) | (((hi >>> 14) & 3) << 4);
                }
                FloatVector da0 = FloatVector.broadcast(F, d0 * sa0);
                FloatVector na0 = FloatVector.broadcast(F, -(m0 * ma0));
                FloatVector db0 = FloatVector.broadcast(F, d0 * sb0);
                FloatVector nb0 = FloatVector.broadcast(F, -(m0 * mb0));
                int sa1;
                int ma1;
                int sb1;
                int mb1;
                if (g < 2) {
                    sa1 = (int) (s1 >>> (16 * g)) & 63;
                    sb1 = (int) (s1 >>> (16 * g + 8)) & 63;
                    ma1 = (int) (s1 >>> (16 * g + 32)) & 63;
                    mb1 = (int) (s1 >>> (16 * g + 40)) & 63;
                } else {
                    int u = t1 >>> (16 * (g - 2));
                    int lo = (int) (s1 >>> (16 * (g - 2)));
                    int hi = (int) (s1 >>> (16 * g));
                    sa1 = (u & 0xF) | (((lo >>> 6) & 3) << 4);
                    ma1 = ((u >>> 4) & 0xF) | (((hi >>> 6) & 3) << 4);
                    sb1 = ((u >>> 8) & 0xF) | (((lo >>> 14) & 3) << 4);
                    mb1 = ((u >>> 12) & 0xF) | (((hi >>> 14) & 3) << 4);
                }
                FloatVector da1 = FloatVector.broadcast(F, d1 * sa1);
                FloatVector na1 = FloatVector.broadcast(F, -(m1 * ma1));
                FloatVector db1 = FloatVector.broadcast(F, d1 * sb1);
                FloatVector nb1 = FloatVector.broadcast(F, -(m1 * mb1));
                for (int j = 0; j < 32; j += BL) {
                    ByteVector q0 = ByteVector.fromMemorySegment(B, seg, o0 + 16 + 32L * g + j, LE);
                    ByteVector q1 = ByteVector.fromMemorySegment(B, seg, o1 + 16 + 32L * g + j, LE);
                    for (int p = 0; p < PARTS; p++) {
                        int xi = x0 + i + 64 * g + j + p * L;
                        FloatVector w0 = ((FloatVector) q0.and((byte) 0x0F).convertShape(B2F, F, p)).fma(da0, na0);
                        FloatVector w1 = ((FloatVector) q1.and((byte) 0x0F).convertShape(B2F, F, p)).fma(da1, na1);
                        xv = FloatVector.fromArray(F, x, xi);
                        c00 = w0.fma(xv, c00);
                        c10 = w1.fma(xv, c10);
                        xv = FloatVector.fromArray(F, x, xi + xs);
                        c01 = w0.fma(xv, c01);
                        c11 = w1.fma(xv, c11);
                        xv = FloatVector.fromArray(F, x, xi + 2 * xs);
                        c02 = w0.fma(xv, c02);
                        c12 = w1.fma(xv, c12);
                        xv = FloatVector.fromArray(F, x, xi + 3 * xs);
                        c03 = w0.fma(xv, c03);
                        c13 = w1.fma(xv, c13);
                        w0 = ((FloatVector) q0.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes().and((byte) 0x0F)
                                .convertShape(B2F, F, p)).fma(db0, nb0);
                        w1 = ((FloatVector) q1.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes().and((byte) 0x0F)
                                .convertShape(B2F, F, p)).fma(db1, nb1);
                        xv = FloatVector.fromArray(F, x, xi + 32);
                        e00 = w0.fma(xv, e00);
                        e10 = w1.fma(xv, e10);
                        xv = FloatVector.fromArray(F, x, xi + 32 + xs);
                        e01 = w0.fma(xv, e01);
                        e11 = w1.fma(xv, e11);
                        xv = FloatVector.fromArray(F, x, xi + 32 + 2 * xs);
                        e02 = w0.fma(xv, e02);
                        e12 = w1.fma(xv, e12);
                        xv = FloatVector.fromArray(F, x, xi + 32 + 3 * xs);
                        e03 = w0.fma(xv, e03);
                        e13 = w1.fma(xv, e13);
                    }
                }
            }
            o0 += 144;
            o1 += 144;
        }
        c00 = c00.add(e00);
        c00 = c00.add(c00.rearrange(ROT_A));
        c00 = c00.add(c00.rearrange(ROT_B));
        if (L >= 8) {
            c00 = c00.add(c00.rearrange(ROT_C));
        }
        if (L >= 16) {
            c00 = c00.add(c00.rearrange(ROT_D));
        }
        out[o] = c00.lane(0);
        c10 = c10.add(e10);
        c10 = c10.add(c10.rearrange(ROT_A));
        c10 = c10.add(c10.rearrange(ROT_B));
        if (L >= 8) {
            c10 = c10.add(c10.rearrange(ROT_C));
        }
        if (L >= 16) {
            c10 = c10.add(c10.rearrange(ROT_D));
        }
        out[o + ors] = c10.lane(0);
        c01 = c01.add(e01);
        c01 = c01.add(c01.rearrange(ROT_A));
        c01 = c01.add(c01.rearrange(ROT_B));
        if (L >= 8) {
            c01 = c01.add(c01.rearrange(ROT_C));
        }
        if (L >= 16) {
            c01 = c01.add(c01.rearrange(ROT_D));
        }
        out[o + os] = c01.lane(0);
        c11 = c11.add(e11);
        c11 = c11.add(c11.rearrange(ROT_A));
        c11 = c11.add(c11.rearrange(ROT_B));
        if (L >= 8) {
            c11 = c11.add(c11.rearrange(ROT_C));
        }
        if (L >= 16) {
            c11 = c11.add(c11.rearrange(ROT_D));
        }
        out[o + ors + os] = c11.lane(0);
        c02 = c02.add(e02);
        c02 = c02.add(c02.rearrange(ROT_A));
        c02 = c02.add(c02.rearrange(ROT_B));
        if (L >= 8) {
            c02 = c02.add(c02.rearrange(ROT_C));
        }
        if (L >= 16) {
            c02 = c02.add(c02.rearrange(ROT_D));
        }
        out[o + 2 * os] = c02.lane(0);
        c12 = c12.add(e12);
        c12 = c12.add(c12.rearrange(ROT_A));
        c12 = c12.add(c12.rearrange(ROT_B));
        if (L >= 8) {
            c12 = c12.add(c12.rearrange(ROT_C));
        }
        if (L >= 16) {
            c12 = c12.add(c12.rearrange(ROT_D));
        }
        out[o + ors + 2 * os] = c12.lane(0);
        c03 = c03.add(e03);
        c03 = c03.add(c03.rearrange(ROT_A));
        c03 = c03.add(c03.rearrange(ROT_B));
        if (L >= 8) {
            c03 = c03.add(c03.rearrange(ROT_C));
        }
        if (L >= 16) {
            c03 = c03.add(c03.rearrange(ROT_D));
        }
        out[o + 3 * os] = c03.lane(0);
        c13 = c13.add(e13);
        c13 = c13.add(c13.rearrange(ROT_A));
        c13 = c13.add(c13.rearrange(ROT_B));
        if (L >= 8) {
            c13 = c13.add(c13.rearrange(ROT_C));
        }
        if (L >= 16) {
            c13 = c13.add(c13.rearrange(ROT_D));
        }
        out[o + ors + 3 * os] = c13.lane(0);
    }

    static float dotQ4_K512(MemorySegment seg, long off, int n, float[] x, int x0) {
        long o0 = off;
        FloatVector c00 = FloatVector.zero(F);
        FloatVector e00 = FloatVector.zero(F);
        FloatVector xv;
        for (int i = 0; i < n; i += 256) {
            IntVector hd0 = ByteVector.fromMemorySegment(B64, seg, o0, LE).rearrange(Q4K_HEADER).reinterpretAsInts();
            IntVector hv0 = hd0.lanewise(LSHR, 16);
            FloatVector dm0 = hv0.sub(0x0400).compare(ULT, 0x7800).allTrue()
                    ? hv0.add(0x1C000).lanewise(LSHL, 13).lanewise(XOR, Q4K_DM_SIGN).reinterpretAsFloats()
                    : FloatVector.broadcast(F, halfToFloat(seg.get(SHORT_LE, o0)))
                            .blend(-halfToFloat(seg.get(SHORT_LE, o0 + 2)), Q4K_MINS);
            IntVector sm0 = hd0.lanewise(LSHR, Q4K_SHIFT).and(Q4K_LOW).or(hd0.lanewise(LSHR, 10).and(Q4K_HIGH));
            FloatVector ds0 = ((FloatVector) sm0.convert(I2F, 0)).mul(dm0);
            IntVector ta00 = IOTA_F.fma(ds0.rearrange(LANE_0), ds0.rearrange(LANE_8)).reinterpretAsInts();
            FloatVector sb00 = ds0.rearrange(LANE_1);
            FloatVector mb00 = ds0.rearrange(LANE_9);
            IntVector q0 = (IntVector) ByteVector.fromMemorySegment(B, seg, o0 + 16, LE)
                    .convertShape(ZERO_EXTEND_B2I, I, 0);
            xv = FloatVector.fromArray(F, x, x0 + i + 0);
            c00 = q0.selectFrom(ta00).reinterpretAsFloats().fma(xv, c00);
            xv = FloatVector.fromArray(F, x, x0 + i + 32);
            e00 = ((FloatVector) q0.lanewise(LSHR, 4).convert(I2F, 0))
                    .fma(sb00, mb00).fma(xv, e00);
            q0 = (IntVector) ByteVector.fromMemorySegment(B, seg, o0 + 32, LE)
                    .convertShape(ZERO_EXTEND_B2I, I, 0);
            xv = FloatVector.fromArray(F, x, x0 + i + 16);
            c00 = q0.selectFrom(ta00).reinterpretAsFloats().fma(xv, c00);
            xv = FloatVector.fromArray(F, x, x0 + i + 48);
            e00 = ((FloatVector) q0.lanewise(LSHR, 4).convert(I2F, 0))
                    .fma(sb00, mb00).fma(xv, e00);
            IntVector ta01 = IOTA_F.fma(ds0.rearrange(LANE_2), ds0.rearrange(LANE_10)).reinterpretAsInts();
            FloatVector sb01 = ds0.rearrange(LANE_3);
            FloatVector mb01 = ds0.rearrange(LANE_11);
            q0 = (IntVector) ByteVector.fromMemorySegment(B, seg, o0 + 48, LE)
                    .convertShape(ZERO_EXTEND_B2I, I, 0);
            xv = FloatVector.fromArray(F, x, x0 + i + 64);
            c00 = q0.selectFrom(ta01).reinterpretAsFloats().fma(xv, c00);
            xv = FloatVector.fromArray(F, x, x0 + i + 96);
            e00 = ((FloatVector) q0.lanewise(LSHR, 4).convert(I2F, 0))
                    .fma(sb01, mb01).fma(xv, e00);
            q0 = (IntVector) ByteVector.fromMemorySegment(B, seg, o0 + 64, LE)
                    .convertShape(ZERO_EXTEND_B2I, I, 0);
            xv = FloatVector.fromArray(F, x, x0 + i + 80);
            c00 = q0.selectFrom(ta01).reinterpretAsFloats().fma(xv, c00);
            xv = FloatVector.fromArray(F, x, x0 + i + 112);
            e00 = ((FloatVector) q0.lanewise(LSHR, 4).convert(I2F, 0))
                    .fma(sb01, mb01).fma(xv, e00);
            IntVector ta02 = IOTA_F.fma(ds0.rearrange(LANE_4), ds0.rearrange(LANE_12)).reinterpretAsInts();
            FloatVector sb02 = ds0.rearrange(LANE_5);
            FloatVector mb02 = ds0.rearrange(LANE_13);
            q0 = (IntVector) ByteVector.fromMemorySegment(B, seg, o0 + 80, LE)
                    .convertShape(ZERO_EXTEND_B2I, I, 0);
            xv = FloatVector.fromArray(F, x, x0 + i + 128);
            c00 = q0.selectFrom(ta02).reinterpretAsFloats().fma(xv, c00);
            xv = FloatVector.fromArray(F, x, x0 + i + 160);
            e00 = ((FloatVector) q0.lanewise(LSHR, 4).convert(I2F, 0))
                    .fma(sb02, mb02).fma(xv, e00);
            q0 = (IntVector) ByteVector.fromMemorySegment(B, seg, o0 + 96, LE)
                    .convertShape(ZERO_EXTEND_B2I, I, 0);
            xv = FloatVector.fromArray(F, x, x0 + i + 144);
            c00 = q0.selectFrom(ta02).reinterpretAsFloats().fma(xv, c00);
            xv = FloatVector.fromArray(F, x, x0 + i + 176);
            e00 = ((FloatVector) q0.lanewise(LSHR, 4).convert(I2F, 0))
                    .fma(sb02, mb02).fma(xv, e00);
            IntVector ta03 = IOTA_F.fma(ds0.rearrange(LANE_6), ds0.rearrange(LANE_14)).reinterpretAsInts();
            FloatVector sb03 = ds0.rearrange(LANE_7);
            FloatVector mb03 = ds0.rearrange(LANE_15);
            q0 = (IntVector) ByteVector.fromMemorySegment(B, seg, o0 + 112, LE)
                    .convertShape(ZERO_EXTEND_B2I, I, 0);
            xv = FloatVector.fromArray(F, x, x0 + i + 192);
            c00 = q0.selectFrom(ta03).reinterpretAsFloats().fma(xv, c00);
            xv = FloatVector.fromArray(F, x, x0 + i + 224);
            e00 = ((FloatVector) q0.lanewise(LSHR, 4).convert(I2F, 0))
                    .fma(sb03, mb03).fma(xv, e00);
            q0 = (IntVector) ByteVector.fromMemorySegment(B, seg, o0 + 128, LE)
                    .convertShape(ZERO_EXTEND_B2I, I, 0);
            xv = FloatVector.fromArray(F, x, x0 + i + 208);
            c00 = q0.selectFrom(ta03).reinterpretAsFloats().fma(xv, c00);
            xv = FloatVector.fromArray(F, x, x0 + i + 240);
            e00 = ((FloatVector) q0.lanewise(LSHR, 4).convert(I2F, 0))
                    .fma(sb03, mb03).fma(xv, e00);
            o0 += 144;
        }
        c00 = c00.add(e00);
        c00 = c00.add(c00.rearrange(ROT_A));
        c00 = c00.add(c00.rearrange(ROT_B));
        if (L >= 8) {
            c00 = c00.add(c00.rearrange(ROT_C));
        }
        if (L >= 16) {
            c00 = c00.add(c00.rearrange(ROT_D));
        }
        return c00.lane(0);
    }

    static void mm2x1Q4_K512(MemorySegment seg, long off, long rb, int n, float[] x, int x0, float[] out, int o,
            int ors) {
        long o0 = off;
        long o1 = off + rb;
        FloatVector c00 = FloatVector.zero(F);
        FloatVector e00 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F);
        FloatVector e10 = FloatVector.zero(F);
        FloatVector xv;
        for (int i = 0; i < n; i += 256) {
            IntVector hd0 = ByteVector.fromMemorySegment(B64, seg, o0, LE).rearrange(Q4K_HEADER).reinterpretAsInts();
            IntVector hv0 = hd0.lanewise(LSHR, 16);
            FloatVector dm0 = hv0.sub(0x0400).compare(ULT, 0x7800).allTrue()
                    ? hv0.add(0x1C000).lanewise(LSHL, 13).lanewise(XOR, Q4K_DM_SIGN).reinterpretAsFloats()
                    : FloatVector.broadcast(F, halfToFloat(seg.get(SHORT_LE, o0)))
                            .blend(-halfToFloat(seg.get(SHORT_LE, o0 + 2)), Q4K_MINS);
            IntVector hd1 = ByteVector.fromMemorySegment(B64, seg, o1, LE).rearrange(Q4K_HEADER).reinterpretAsInts();
            IntVector hv1 = hd1.lanewise(LSHR, 16);
            FloatVector dm1 = hv1.sub(0x0400).compare(ULT, 0x7800).allTrue()
                    ? hv1.add(0x1C000).lanewise(LSHL, 13).lanewise(XOR, Q4K_DM_SIGN).reinterpretAsFloats()
                    : FloatVector.broadcast(F, halfToFloat(seg.get(SHORT_LE, o1)))
                            .blend(-halfToFloat(seg.get(SHORT_LE, o1 + 2)), Q4K_MINS);
            IntVector sm0 = hd0.lanewise(LSHR, Q4K_SHIFT).and(Q4K_LOW).or(hd0.lanewise(LSHR, 10).and(Q4K_HIGH));
            FloatVector ds0 = ((FloatVector) sm0.convert(I2F, 0)).mul(dm0);
            IntVector sm1 = hd1.lanewise(LSHR, Q4K_SHIFT).and(Q4K_LOW).or(hd1.lanewise(LSHR, 10).and(Q4K_HIGH));
            FloatVector ds1 = ((FloatVector) sm1.convert(I2F, 0)).mul(dm1);
            for (int g = 0; g < 4; g++) {
                IntVector ta0 = IOTA_F.fma(ds0.rearrange(LANE_0), ds0.rearrange(LANE_8)).reinterpretAsInts();
                FloatVector sb0 = ds0.rearrange(LANE_1);
                FloatVector mb0 = ds0.rearrange(LANE_9);
                IntVector ta1 = IOTA_F.fma(ds1.rearrange(LANE_0), ds1.rearrange(LANE_8)).reinterpretAsInts();
                FloatVector sb1 = ds1.rearrange(LANE_1);
                FloatVector mb1 = ds1.rearrange(LANE_9);
                IntVector q0 = (IntVector) ByteVector.fromMemorySegment(B, seg, o0 + 16, LE)
                        .convertShape(ZERO_EXTEND_B2I, I, 0);
                IntVector q1 = (IntVector) ByteVector.fromMemorySegment(B, seg, o1 + 16, LE)
                        .convertShape(ZERO_EXTEND_B2I, I, 0);
                xv = FloatVector.fromArray(F, x, x0 + i + 64 * g + 0);
                c00 = q0.selectFrom(ta0).reinterpretAsFloats().fma(xv, c00);
                c10 = q1.selectFrom(ta1).reinterpretAsFloats().fma(xv, c10);
                xv = FloatVector.fromArray(F, x, x0 + i + 64 * g + 32);
                e00 = ((FloatVector) q0.lanewise(LSHR, 4).convert(I2F, 0))
                        .fma(sb0, mb0).fma(xv, e00);
                e10 = ((FloatVector) q1.lanewise(LSHR, 4).convert(I2F, 0))
                        .fma(sb1, mb1).fma(xv, e10);
                q0 = (IntVector) ByteVector.fromMemorySegment(B, seg, o0 + 32, LE)
                        .convertShape(ZERO_EXTEND_B2I, I, 0);
                q1 = (IntVector) ByteVector.fromMemorySegment(B, seg, o1 + 32, LE)
                        .convertShape(ZERO_EXTEND_B2I, I, 0);
                xv = FloatVector.fromArray(F, x, x0 + i + 64 * g + 16);
                c00 = q0.selectFrom(ta0).reinterpretAsFloats().fma(xv, c00);
                c10 = q1.selectFrom(ta1).reinterpretAsFloats().fma(xv, c10);
                xv = FloatVector.fromArray(F, x, x0 + i + 64 * g + 48);
                e00 = ((FloatVector) q0.lanewise(LSHR, 4).convert(I2F, 0))
                        .fma(sb0, mb0).fma(xv, e00);
                e10 = ((FloatVector) q1.lanewise(LSHR, 4).convert(I2F, 0))
                        .fma(sb1, mb1).fma(xv, e10);
                ds0 = ds0.rearrange(ROT_Q4K);
                o0 += 32;
                ds1 = ds1.rearrange(ROT_Q4K);
                o1 += 32;
            }
            o0 += 16;
            o1 += 16;
        }
        c00 = c00.add(e00);
        c00 = c00.add(c00.rearrange(ROT_A));
        c00 = c00.add(c00.rearrange(ROT_B));
        if (L >= 8) {
            c00 = c00.add(c00.rearrange(ROT_C));
        }
        if (L >= 16) {
            c00 = c00.add(c00.rearrange(ROT_D));
        }
        out[o] = c00.lane(0);
        c10 = c10.add(e10);
        c10 = c10.add(c10.rearrange(ROT_A));
        c10 = c10.add(c10.rearrange(ROT_B));
        if (L >= 8) {
            c10 = c10.add(c10.rearrange(ROT_C));
        }
        if (L >= 16) {
            c10 = c10.add(c10.rearrange(ROT_D));
        }
        out[o + ors] = c10.lane(0);
    }

    static float dotQ6_K(MemorySegment seg, long off, int n, float[] x, int x0) {
        long o0 = off;
        FloatVector c00 = FloatVector.zero(F);
        FloatVector xv;
        for (int i = 0; i < n; i += 256) {
            float d0 = halfToFloat(seg.get(SHORT_LE, o0 + 208));
            for (int h = 0; h < 2; h++) {
                for (int l = 0; l < 32; l += BL) {
                    ByteVector a0 = ByteVector.fromMemorySegment(B, seg, o0 + 64L * h + l, LE);
                    ByteVector c0 = ByteVector.fromMemorySegment(B, seg, o0 + 64L * h + 32 + l, LE);
                    ByteVector e0 = ByteVector.fromMemorySegment(B, seg, o0 + 128 + 32L * h + l, LE);
                    long is = 192 + 8L * h + l / 16;
                    for (int p = 0; p < PARTS; p++) {
                        int xi = x0 + i + 128 * h + l + p * L;
                        FloatVector w0 = ((FloatVector) a0.and((byte) 0x0F)
                                .or(e0.reinterpretAsShorts().lanewise(LSHL, SHIFT4).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32)
                                .convertShape(B2F, F, p)).mul(FloatVector.broadcast(F, d0 * seg.get(JAVA_BYTE, o0 + is + 0)));
                        xv = FloatVector.fromArray(F, x, xi);
                        c00 = w0.fma(xv, c00);
                        w0 = ((FloatVector) c0.and((byte) 0x0F)
                                .or(e0.reinterpretAsShorts().lanewise(LSHL, SHIFT2).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32)
                                .convertShape(B2F, F, p)).mul(FloatVector.broadcast(F, d0 * seg.get(JAVA_BYTE, o0 + is + 2)));
                        xv = FloatVector.fromArray(F, x, xi + 32);
                        c00 = w0.fma(xv, c00);
                        w0 = ((FloatVector) a0.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes().and((byte) 0x0F)
                                .or(e0.and((byte) 0x30)).sub((byte) 32)
                                .convertShape(B2F, F, p)).mul(FloatVector.broadcast(F, d0 * seg.get(JAVA_BYTE, o0 + is + 4)));
                        xv = FloatVector.fromArray(F, x, xi + 64);
                        c00 = w0.fma(xv, c00);
                        w0 = ((FloatVector) c0.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes().and((byte) 0x0F)
                                .or(e0.reinterpretAsShorts().lanewise(LSHR, SHIFT2).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32)
                                .convertShape(B2F, F, p)).mul(FloatVector.broadcast(F, d0 * seg.get(JAVA_BYTE, o0 + is + 6)));
                        xv = FloatVector.fromArray(F, x, xi + 96);
                        c00 = w0.fma(xv, c00);
                    }
                }
            }
            o0 += 210;
        }
        c00 = c00.add(c00.rearrange(ROT_A));
        c00 = c00.add(c00.rearrange(ROT_B));
        if (L >= 8) {
            c00 = c00.add(c00.rearrange(ROT_C));
        }
        if (L >= 16) {
            c00 = c00.add(c00.rearrange(ROT_D));
        }
        return c00.lane(0);
    }

    static void mm1x4Q6_K(MemorySegment seg, long off, long rb, int n, float[] x, int x0, int xs,
            float[] out, int o, int os, int ors) {
        long o0 = off;
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c01 = FloatVector.zero(F);
        FloatVector c02 = FloatVector.zero(F);
        FloatVector c03 = FloatVector.zero(F);
        FloatVector xv;
        for (int i = 0; i < n; i += 256) {
            float d0 = halfToFloat(seg.get(SHORT_LE, o0 + 208));
            for (int h = 0; h < 2; h++) {
                for (int l = 0; l < 32; l += BL) {
                    ByteVector a0 = ByteVector.fromMemorySegment(B, seg, o0 + 64L * h + l, LE);
                    ByteVector c0 = ByteVector.fromMemorySegment(B, seg, o0 + 64L * h + 32 + l, LE);
                    ByteVector e0 = ByteVector.fromMemorySegment(B, seg, o0 + 128 + 32L * h + l, LE);
                    long is = 192 + 8L * h + l / 16;
                    for (int p = 0; p < PARTS; p++) {
                        int xi = x0 + i + 128 * h + l + p * L;
                        FloatVector w0 = ((FloatVector) a0.and((byte) 0x0F)
                                .or(e0.reinterpretAsShorts().lanewise(LSHL, SHIFT4).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32)
                                .convertShape(B2F, F, p)).mul(FloatVector.broadcast(F, d0 * seg.get(JAVA_BYTE, o0 + is + 0)));
                        xv = FloatVector.fromArray(F, x, xi);
                        c00 = w0.fma(xv, c00);
                        xv = FloatVector.fromArray(F, x, xi + xs);
                        c01 = w0.fma(xv, c01);
                        xv = FloatVector.fromArray(F, x, xi + 2 * xs);
                        c02 = w0.fma(xv, c02);
                        xv = FloatVector.fromArray(F, x, xi + 3 * xs);
                        c03 = w0.fma(xv, c03);
                        w0 = ((FloatVector) c0.and((byte) 0x0F)
                                .or(e0.reinterpretAsShorts().lanewise(LSHL, SHIFT2).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32)
                                .convertShape(B2F, F, p)).mul(FloatVector.broadcast(F, d0 * seg.get(JAVA_BYTE, o0 + is + 2)));
                        xv = FloatVector.fromArray(F, x, xi + 32);
                        c00 = w0.fma(xv, c00);
                        xv = FloatVector.fromArray(F, x, xi + 32 + xs);
                        c01 = w0.fma(xv, c01);
                        xv = FloatVector.fromArray(F, x, xi + 32 + 2 * xs);
                        c02 = w0.fma(xv, c02);
                        xv = FloatVector.fromArray(F, x, xi + 32 + 3 * xs);
                        c03 = w0.fma(xv, c03);
                        w0 = ((FloatVector) a0.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes().and((byte) 0x0F)
                                .or(e0.and((byte) 0x30)).sub((byte) 32)
                                .convertShape(B2F, F, p)).mul(FloatVector.broadcast(F, d0 * seg.get(JAVA_BYTE, o0 + is + 4)));
                        xv = FloatVector.fromArray(F, x, xi + 64);
                        c00 = w0.fma(xv, c00);
                        xv = FloatVector.fromArray(F, x, xi + 64 + xs);
                        c01 = w0.fma(xv, c01);
                        xv = FloatVector.fromArray(F, x, xi + 64 + 2 * xs);
                        c02 = w0.fma(xv, c02);
                        xv = FloatVector.fromArray(F, x, xi + 64 + 3 * xs);
                        c03 = w0.fma(xv, c03);
                        w0 = ((FloatVector) c0.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes().and((byte) 0x0F)
                                .or(e0.reinterpretAsShorts().lanewise(LSHR, SHIFT2).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32)
                                .convertShape(B2F, F, p)).mul(FloatVector.broadcast(F, d0 * seg.get(JAVA_BYTE, o0 + is + 6)));
                        xv = FloatVector.fromArray(F, x, xi + 96);
                        c00 = w0.fma(xv, c00);
                        xv = FloatVector.fromArray(F, x, xi + 96 + xs);
                        c01 = w0.fma(xv, c01);
                        xv = FloatVector.fromArray(F, x, xi + 96 + 2 * xs);
                        c02 = w0.fma(xv, c02);
                        xv = FloatVector.fromArray(F, x, xi + 96 + 3 * xs);
                        c03 = w0.fma(xv, c03);
                    }
                }
            }
            o0 += 210;
        }
        c00 = c00.add(c00.rearrange(ROT_A));
        c00 = c00.add(c00.rearrange(ROT_B));
        if (L >= 8) {
            c00 = c00.add(c00.rearrange(ROT_C));
        }
        if (L >= 16) {
            c00 = c00.add(c00.rearrange(ROT_D));
        }
        out[o] = c00.lane(0);
        c01 = c01.add(c01.rearrange(ROT_A));
        c01 = c01.add(c01.rearrange(ROT_B));
        if (L >= 8) {
            c01 = c01.add(c01.rearrange(ROT_C));
        }
        if (L >= 16) {
            c01 = c01.add(c01.rearrange(ROT_D));
        }
        out[o + os] = c01.lane(0);
        c02 = c02.add(c02.rearrange(ROT_A));
        c02 = c02.add(c02.rearrange(ROT_B));
        if (L >= 8) {
            c02 = c02.add(c02.rearrange(ROT_C));
        }
        if (L >= 16) {
            c02 = c02.add(c02.rearrange(ROT_D));
        }
        out[o + 2 * os] = c02.lane(0);
        c03 = c03.add(c03.rearrange(ROT_A));
        c03 = c03.add(c03.rearrange(ROT_B));
        if (L >= 8) {
            c03 = c03.add(c03.rearrange(ROT_C));
        }
        if (L >= 16) {
            c03 = c03.add(c03.rearrange(ROT_D));
        }
        out[o + 3 * os] = c03.lane(0);
    }

    static float dotQ6_K512(MemorySegment seg, long off, int n, float[] x, int x0) {
        long o0 = off;
        FloatVector c00 = FloatVector.zero(F);
        FloatVector xv;
        for (int i = 0; i < n; i += 256) {
            ByteVector ql0 = ByteVector.fromMemorySegment(B64, seg, o0 + 0, LE);
            ByteVector ql1 = ByteVector.fromMemorySegment(B64, seg, o0 + 64, LE);
            ByteVector qh0 = ByteVector.fromMemorySegment(B64, seg, o0 + 128, LE);
            FloatVector ds0 = ((FloatVector) ByteVector.fromMemorySegment(B, seg, o0 + 192, LE).convertShape(B2F, F, 0))
                    .mul(halfToFloat(seg.get(SHORT_LE, o0 + 208)));
            ByteVector qd0 = qh0.rearrange(Q6K_HALF_0);
            IntVector lo0 = ql0.and((byte) 0x0F)
                    .or(qd0.reinterpretAsShorts().lanewise(LSHL, Q6K_SHIFT01).reinterpretAsBytes().and((byte) 0x30))
                    .sub((byte) 32).reinterpretAsInts();
            IntVector hi0 = ql0.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                    .or(qd0.reinterpretAsShorts().lanewise(LSHR, Q6K_SHIFT23).reinterpretAsBytes().and((byte) 0x30))
                    .sub((byte) 32).reinterpretAsInts();
            FloatVector sl0 = ds0.rearrange(Q6K_SCALES_0_LO);
            FloatVector sh0 = ds0.rearrange(Q6K_SCALES_0_HI);
            FloatVector w0 = ((FloatVector) lo0.lanewise(LSHL, 24).lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sl0);
            xv = FloatVector.fromArray(F, x, x0 + i + 0);
            c00 = w0.fma(xv, c00);
            w0 = ((FloatVector) lo0.lanewise(LSHL, 16).lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sl0);
            xv = FloatVector.fromArray(F, x, x0 + i + 16);
            c00 = w0.fma(xv, c00);
            w0 = ((FloatVector) lo0.lanewise(LSHL, 8).lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sl0);
            xv = FloatVector.fromArray(F, x, x0 + i + 32);
            c00 = w0.fma(xv, c00);
            w0 = ((FloatVector) lo0.lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sl0);
            xv = FloatVector.fromArray(F, x, x0 + i + 48);
            c00 = w0.fma(xv, c00);
            w0 = ((FloatVector) hi0.lanewise(LSHL, 24).lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sh0);
            xv = FloatVector.fromArray(F, x, x0 + i + 64);
            c00 = w0.fma(xv, c00);
            w0 = ((FloatVector) hi0.lanewise(LSHL, 16).lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sh0);
            xv = FloatVector.fromArray(F, x, x0 + i + 80);
            c00 = w0.fma(xv, c00);
            w0 = ((FloatVector) hi0.lanewise(LSHL, 8).lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sh0);
            xv = FloatVector.fromArray(F, x, x0 + i + 96);
            c00 = w0.fma(xv, c00);
            w0 = ((FloatVector) hi0.lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sh0);
            xv = FloatVector.fromArray(F, x, x0 + i + 112);
            c00 = w0.fma(xv, c00);
            ByteVector qd1 = qh0.rearrange(Q6K_HALF_1);
            IntVector lo1 = ql1.and((byte) 0x0F)
                    .or(qd1.reinterpretAsShorts().lanewise(LSHL, Q6K_SHIFT01).reinterpretAsBytes().and((byte) 0x30))
                    .sub((byte) 32).reinterpretAsInts();
            IntVector hi1 = ql1.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                    .or(qd1.reinterpretAsShorts().lanewise(LSHR, Q6K_SHIFT23).reinterpretAsBytes().and((byte) 0x30))
                    .sub((byte) 32).reinterpretAsInts();
            FloatVector sl1 = ds0.rearrange(Q6K_SCALES_1_LO);
            FloatVector sh1 = ds0.rearrange(Q6K_SCALES_1_HI);
            w0 = ((FloatVector) lo1.lanewise(LSHL, 24).lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sl1);
            xv = FloatVector.fromArray(F, x, x0 + i + 128);
            c00 = w0.fma(xv, c00);
            w0 = ((FloatVector) lo1.lanewise(LSHL, 16).lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sl1);
            xv = FloatVector.fromArray(F, x, x0 + i + 144);
            c00 = w0.fma(xv, c00);
            w0 = ((FloatVector) lo1.lanewise(LSHL, 8).lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sl1);
            xv = FloatVector.fromArray(F, x, x0 + i + 160);
            c00 = w0.fma(xv, c00);
            w0 = ((FloatVector) lo1.lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sl1);
            xv = FloatVector.fromArray(F, x, x0 + i + 176);
            c00 = w0.fma(xv, c00);
            w0 = ((FloatVector) hi1.lanewise(LSHL, 24).lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sh1);
            xv = FloatVector.fromArray(F, x, x0 + i + 192);
            c00 = w0.fma(xv, c00);
            w0 = ((FloatVector) hi1.lanewise(LSHL, 16).lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sh1);
            xv = FloatVector.fromArray(F, x, x0 + i + 208);
            c00 = w0.fma(xv, c00);
            w0 = ((FloatVector) hi1.lanewise(LSHL, 8).lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sh1);
            xv = FloatVector.fromArray(F, x, x0 + i + 224);
            c00 = w0.fma(xv, c00);
            w0 = ((FloatVector) hi1.lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sh1);
            xv = FloatVector.fromArray(F, x, x0 + i + 240);
            c00 = w0.fma(xv, c00);
            o0 += 210;
        }
        c00 = c00.add(c00.rearrange(ROT_A));
        c00 = c00.add(c00.rearrange(ROT_B));
        if (L >= 8) {
            c00 = c00.add(c00.rearrange(ROT_C));
        }
        if (L >= 16) {
            c00 = c00.add(c00.rearrange(ROT_D));
        }
        return c00.lane(0);
    }

    static void mm2x1Q6_K512(MemorySegment seg, long off, long rb, int n, float[] x, int x0, float[] out, int o,
            int ors) {
        long o0 = off;
        long o1 = off + rb;
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F);
        FloatVector xv;
        FloatVector w;
        for (int i = 0; i < n; i += 256) {
            FloatVector ds0 = ((FloatVector) ByteVector.fromMemorySegment(B, seg, o0 + 192, LE).convertShape(B2F, F, 0))
                    .mul(halfToFloat(seg.get(SHORT_LE, o0 + 208)));
            ByteVector qh0 = ByteVector.fromMemorySegment(B64, seg, o0 + 128, LE);
            FloatVector ds1 = ((FloatVector) ByteVector.fromMemorySegment(B, seg, o1 + 192, LE).convertShape(B2F, F, 0))
                    .mul(halfToFloat(seg.get(SHORT_LE, o1 + 208)));
            ByteVector qh1 = ByteVector.fromMemorySegment(B64, seg, o1 + 128, LE);
            for (int h = 0; h < 2; h++) {
                VectorShuffle<Byte> half = h == 0 ? Q6K_HALF_0 : Q6K_HALF_1;
                VectorShuffle<Float> lows = h == 0 ? Q6K_SCALES_0_LO : Q6K_SCALES_1_LO;
                VectorShuffle<Float> highs = h == 0 ? Q6K_SCALES_0_HI : Q6K_SCALES_1_HI;
                ByteVector ql0 = ByteVector.fromMemorySegment(B64, seg, o0 + 64L * h, LE);
                ByteVector qd0 = qh0.rearrange(half);
                IntVector lo0 = ql0.and((byte) 0x0F)
                        .or(qd0.reinterpretAsShorts().lanewise(LSHL, Q6K_SHIFT01).reinterpretAsBytes().and((byte) 0x30))
                        .sub((byte) 32).reinterpretAsInts();
                IntVector hi0 = ql0.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                        .or(qd0.reinterpretAsShorts().lanewise(LSHR, Q6K_SHIFT23).reinterpretAsBytes().and((byte) 0x30))
                        .sub((byte) 32).reinterpretAsInts();
                FloatVector sl0 = ds0.rearrange(lows);
                FloatVector sh0 = ds0.rearrange(highs);
                ByteVector ql1 = ByteVector.fromMemorySegment(B64, seg, o1 + 64L * h, LE);
                ByteVector qd1 = qh1.rearrange(half);
                IntVector lo1 = ql1.and((byte) 0x0F)
                        .or(qd1.reinterpretAsShorts().lanewise(LSHL, Q6K_SHIFT01).reinterpretAsBytes().and((byte) 0x30))
                        .sub((byte) 32).reinterpretAsInts();
                IntVector hi1 = ql1.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                        .or(qd1.reinterpretAsShorts().lanewise(LSHR, Q6K_SHIFT23).reinterpretAsBytes().and((byte) 0x30))
                        .sub((byte) 32).reinterpretAsInts();
                FloatVector sl1 = ds1.rearrange(lows);
                FloatVector sh1 = ds1.rearrange(highs);
                xv = FloatVector.fromArray(F, x, x0 + i + 128 * h + 0);
                w = ((FloatVector) lo0.lanewise(LSHL, 24).lanewise(ASHR, 24)
                        .convert(I2F, 0)).mul(sl0);
                c00 = w.fma(xv, c00);
                w = ((FloatVector) lo1.lanewise(LSHL, 24).lanewise(ASHR, 24)
                        .convert(I2F, 0)).mul(sl1);
                c10 = w.fma(xv, c10);
                xv = FloatVector.fromArray(F, x, x0 + i + 128 * h + 16);
                w = ((FloatVector) lo0.lanewise(LSHL, 16).lanewise(ASHR, 24)
                        .convert(I2F, 0)).mul(sl0);
                c00 = w.fma(xv, c00);
                w = ((FloatVector) lo1.lanewise(LSHL, 16).lanewise(ASHR, 24)
                        .convert(I2F, 0)).mul(sl1);
                c10 = w.fma(xv, c10);
                xv = FloatVector.fromArray(F, x, x0 + i + 128 * h + 32);
                w = ((FloatVector) lo0.lanewise(LSHL, 8).lanewise(ASHR, 24)
                        .convert(I2F, 0)).mul(sl0);
                c00 = w.fma(xv, c00);
                w = ((FloatVector) lo1.lanewise(LSHL, 8).lanewise(ASHR, 24)
                        .convert(I2F, 0)).mul(sl1);
                c10 = w.fma(xv, c10);
                xv = FloatVector.fromArray(F, x, x0 + i + 128 * h + 48);
                w = ((FloatVector) lo0.lanewise(ASHR, 24)
                        .convert(I2F, 0)).mul(sl0);
                c00 = w.fma(xv, c00);
                w = ((FloatVector) lo1.lanewise(ASHR, 24)
                        .convert(I2F, 0)).mul(sl1);
                c10 = w.fma(xv, c10);
                xv = FloatVector.fromArray(F, x, x0 + i + 128 * h + 64);
                w = ((FloatVector) hi0.lanewise(LSHL, 24).lanewise(ASHR, 24)
                        .convert(I2F, 0)).mul(sh0);
                c00 = w.fma(xv, c00);
                w = ((FloatVector) hi1.lanewise(LSHL, 24).lanewise(ASHR, 24)
                        .convert(I2F, 0)).mul(sh1);
                c10 = w.fma(xv, c10);
                xv = FloatVector.fromArray(F, x, x0 + i + 128 * h + 80);
                w = ((FloatVector) hi0.lanewise(LSHL, 16).lanewise(ASHR, 24)
                        .convert(I2F, 0)).mul(sh0);
                c00 = w.fma(xv, c00);
                w = ((FloatVector) hi1.lanewise(LSHL, 16).lanewise(ASHR, 24)
                        .convert(I2F, 0)).mul(sh1);
                c10 = w.fma(xv, c10);
                xv = FloatVector.fromArray(F, x, x0 + i + 128 * h + 96);
                w = ((FloatVector) hi0.lanewise(LSHL, 8).lanewise(ASHR, 24)
                        .convert(I2F, 0)).mul(sh0);
                c00 = w.fma(xv, c00);
                w = ((FloatVector) hi1.lanewise(LSHL, 8).lanewise(ASHR, 24)
                        .convert(I2F, 0)).mul(sh1);
                c10 = w.fma(xv, c10);
                xv = FloatVector.fromArray(F, x, x0 + i + 128 * h + 112);
                w = ((FloatVector) hi0.lanewise(ASHR, 24)
                        .convert(I2F, 0)).mul(sh0);
                c00 = w.fma(xv, c00);
                w = ((FloatVector) hi1.lanewise(ASHR, 24)
                        .convert(I2F, 0)).mul(sh1);
                c10 = w.fma(xv, c10);
            }
            o0 += 210;
            o1 += 210;
        }
        c00 = c00.add(c00.rearrange(ROT_A));
        c00 = c00.add(c00.rearrange(ROT_B));
        if (L >= 8) {
            c00 = c00.add(c00.rearrange(ROT_C));
        }
        if (L >= 16) {
            c00 = c00.add(c00.rearrange(ROT_D));
        }
        out[o] = c00.lane(0);
        c10 = c10.add(c10.rearrange(ROT_A));
        c10 = c10.add(c10.rearrange(ROT_B));
        if (L >= 8) {
            c10 = c10.add(c10.rearrange(ROT_C));
        }
        if (L >= 16) {
            c10 = c10.add(c10.rearrange(ROT_D));
        }
        out[o + ors] = c10.lane(0);
    }

    static void unpackQ4_K512(MemorySegment seg, long off, int n, float[] w, int wo) {
        long o0 = off;
        for (int i = 0; i < n; i += 256) {
            IntVector hd0 = ByteVector.fromMemorySegment(B64, seg, o0, LE).rearrange(Q4K_HEADER).reinterpretAsInts();
            IntVector hv0 = hd0.lanewise(LSHR, 16);
            FloatVector dm0 = hv0.sub(0x0400).compare(ULT, 0x7800).allTrue()
                    ? hv0.add(0x1C000).lanewise(LSHL, 13).lanewise(XOR, Q4K_DM_SIGN).reinterpretAsFloats()
                    : FloatVector.broadcast(F, halfToFloat(seg.get(SHORT_LE, o0)))
                            .blend(-halfToFloat(seg.get(SHORT_LE, o0 + 2)), Q4K_MINS);
            IntVector sm0 = hd0.lanewise(LSHR, Q4K_SHIFT).and(Q4K_LOW).or(hd0.lanewise(LSHR, 10).and(Q4K_HIGH));
            FloatVector ds0 = ((FloatVector) sm0.convert(I2F, 0)).mul(dm0);
            IntVector ta00 = IOTA_F.fma(ds0.rearrange(LANE_0), ds0.rearrange(LANE_8)).reinterpretAsInts();
            FloatVector sb00 = ds0.rearrange(LANE_1);
            FloatVector mb00 = ds0.rearrange(LANE_9);
            IntVector q0 = (IntVector) ByteVector.fromMemorySegment(B, seg, o0 + 16, LE)
                    .convertShape(ZERO_EXTEND_B2I, I, 0);
            q0.selectFrom(ta00).reinterpretAsFloats().intoArray(w, wo + i + 0);
            ((FloatVector) q0.lanewise(LSHR, 4).convert(I2F, 0))
                    .fma(sb00, mb00).intoArray(w, wo + i + 32);
            q0 = (IntVector) ByteVector.fromMemorySegment(B, seg, o0 + 32, LE)
                    .convertShape(ZERO_EXTEND_B2I, I, 0);
            q0.selectFrom(ta00).reinterpretAsFloats().intoArray(w, wo + i + 16);
            ((FloatVector) q0.lanewise(LSHR, 4).convert(I2F, 0))
                    .fma(sb00, mb00).intoArray(w, wo + i + 48);
            IntVector ta01 = IOTA_F.fma(ds0.rearrange(LANE_2), ds0.rearrange(LANE_10)).reinterpretAsInts();
            FloatVector sb01 = ds0.rearrange(LANE_3);
            FloatVector mb01 = ds0.rearrange(LANE_11);
            q0 = (IntVector) ByteVector.fromMemorySegment(B, seg, o0 + 48, LE)
                    .convertShape(ZERO_EXTEND_B2I, I, 0);
            q0.selectFrom(ta01).reinterpretAsFloats().intoArray(w, wo + i + 64);
            ((FloatVector) q0.lanewise(LSHR, 4).convert(I2F, 0))
                    .fma(sb01, mb01).intoArray(w, wo + i + 96);
            q0 = (IntVector) ByteVector.fromMemorySegment(B, seg, o0 + 64, LE)
                    .convertShape(ZERO_EXTEND_B2I, I, 0);
            q0.selectFrom(ta01).reinterpretAsFloats().intoArray(w, wo + i + 80);
            ((FloatVector) q0.lanewise(LSHR, 4).convert(I2F, 0))
                    .fma(sb01, mb01).intoArray(w, wo + i + 112);
            IntVector ta02 = IOTA_F.fma(ds0.rearrange(LANE_4), ds0.rearrange(LANE_12)).reinterpretAsInts();
            FloatVector sb02 = ds0.rearrange(LANE_5);
            FloatVector mb02 = ds0.rearrange(LANE_13);
            q0 = (IntVector) ByteVector.fromMemorySegment(B, seg, o0 + 80, LE)
                    .convertShape(ZERO_EXTEND_B2I, I, 0);
            q0.selectFrom(ta02).reinterpretAsFloats().intoArray(w, wo + i + 128);
            ((FloatVector) q0.lanewise(LSHR, 4).convert(I2F, 0))
                    .fma(sb02, mb02).intoArray(w, wo + i + 160);
            q0 = (IntVector) ByteVector.fromMemorySegment(B, seg, o0 + 96, LE)
                    .convertShape(ZERO_EXTEND_B2I, I, 0);
            q0.selectFrom(ta02).reinterpretAsFloats().intoArray(w, wo + i + 144);
            ((FloatVector) q0.lanewise(LSHR, 4).convert(I2F, 0))
                    .fma(sb02, mb02).intoArray(w, wo + i + 176);
            IntVector ta03 = IOTA_F.fma(ds0.rearrange(LANE_6), ds0.rearrange(LANE_14)).reinterpretAsInts();
            FloatVector sb03 = ds0.rearrange(LANE_7);
            FloatVector mb03 = ds0.rearrange(LANE_15);
            q0 = (IntVector) ByteVector.fromMemorySegment(B, seg, o0 + 112, LE)
                    .convertShape(ZERO_EXTEND_B2I, I, 0);
            q0.selectFrom(ta03).reinterpretAsFloats().intoArray(w, wo + i + 192);
            ((FloatVector) q0.lanewise(LSHR, 4).convert(I2F, 0))
                    .fma(sb03, mb03).intoArray(w, wo + i + 224);
            q0 = (IntVector) ByteVector.fromMemorySegment(B, seg, o0 + 128, LE)
                    .convertShape(ZERO_EXTEND_B2I, I, 0);
            q0.selectFrom(ta03).reinterpretAsFloats().intoArray(w, wo + i + 208);
            ((FloatVector) q0.lanewise(LSHR, 4).convert(I2F, 0))
                    .fma(sb03, mb03).intoArray(w, wo + i + 240);
            o0 += 144;
        }
    }

    static void unpackQ6_K512(MemorySegment seg, long off, int n, float[] w, int wo) {
        long o0 = off;
        for (int i = 0; i < n; i += 256) {
            FloatVector ds0 = ((FloatVector) ByteVector.fromMemorySegment(B, seg, o0 + 192, LE).convertShape(B2F, F, 0))
                    .mul(halfToFloat(seg.get(SHORT_LE, o0 + 208)));
            ByteVector a0 = ByteVector.fromMemorySegment(B, seg, o0 + 0, LE);
            ByteVector g0 = ByteVector.fromMemorySegment(B, seg, o0 + 32, LE);
            ByteVector h0 = ByteVector.fromMemorySegment(B, seg, o0 + 128, LE);
            ((FloatVector) a0.and((byte) 0x0F)
                    .or(h0.reinterpretAsShorts().lanewise(LSHL, SHIFT4).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32)
                    .convertShape(B2F, F, 0)).mul(ds0.rearrange(LANE_0)).intoArray(w, wo + i + 0);
            ((FloatVector) g0.and((byte) 0x0F)
                    .or(h0.reinterpretAsShorts().lanewise(LSHL, SHIFT2).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32)
                    .convertShape(B2F, F, 0)).mul(ds0.rearrange(LANE_2)).intoArray(w, wo + i + 32);
            ((FloatVector) a0.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes().and((byte) 0x0F)
                    .or(h0.and((byte) 0x30)).sub((byte) 32)
                    .convertShape(B2F, F, 0)).mul(ds0.rearrange(LANE_4)).intoArray(w, wo + i + 64);
            ((FloatVector) g0.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes().and((byte) 0x0F)
                    .or(h0.reinterpretAsShorts().lanewise(LSHR, SHIFT2).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32)
                    .convertShape(B2F, F, 0)).mul(ds0.rearrange(LANE_6)).intoArray(w, wo + i + 96);
            a0 = ByteVector.fromMemorySegment(B, seg, o0 + 16, LE);
            g0 = ByteVector.fromMemorySegment(B, seg, o0 + 48, LE);
            h0 = ByteVector.fromMemorySegment(B, seg, o0 + 144, LE);
            ((FloatVector) a0.and((byte) 0x0F)
                    .or(h0.reinterpretAsShorts().lanewise(LSHL, SHIFT4).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32)
                    .convertShape(B2F, F, 0)).mul(ds0.rearrange(LANE_1)).intoArray(w, wo + i + 16);
            ((FloatVector) g0.and((byte) 0x0F)
                    .or(h0.reinterpretAsShorts().lanewise(LSHL, SHIFT2).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32)
                    .convertShape(B2F, F, 0)).mul(ds0.rearrange(LANE_3)).intoArray(w, wo + i + 48);
            ((FloatVector) a0.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes().and((byte) 0x0F)
                    .or(h0.and((byte) 0x30)).sub((byte) 32)
                    .convertShape(B2F, F, 0)).mul(ds0.rearrange(LANE_5)).intoArray(w, wo + i + 80);
            ((FloatVector) g0.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes().and((byte) 0x0F)
                    .or(h0.reinterpretAsShorts().lanewise(LSHR, SHIFT2).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32)
                    .convertShape(B2F, F, 0)).mul(ds0.rearrange(LANE_7)).intoArray(w, wo + i + 112);
            a0 = ByteVector.fromMemorySegment(B, seg, o0 + 64, LE);
            g0 = ByteVector.fromMemorySegment(B, seg, o0 + 96, LE);
            h0 = ByteVector.fromMemorySegment(B, seg, o0 + 160, LE);
            ((FloatVector) a0.and((byte) 0x0F)
                    .or(h0.reinterpretAsShorts().lanewise(LSHL, SHIFT4).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32)
                    .convertShape(B2F, F, 0)).mul(ds0.rearrange(LANE_8)).intoArray(w, wo + i + 128);
            ((FloatVector) g0.and((byte) 0x0F)
                    .or(h0.reinterpretAsShorts().lanewise(LSHL, SHIFT2).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32)
                    .convertShape(B2F, F, 0)).mul(ds0.rearrange(LANE_10)).intoArray(w, wo + i + 160);
            ((FloatVector) a0.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes().and((byte) 0x0F)
                    .or(h0.and((byte) 0x30)).sub((byte) 32)
                    .convertShape(B2F, F, 0)).mul(ds0.rearrange(LANE_12)).intoArray(w, wo + i + 192);
            ((FloatVector) g0.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes().and((byte) 0x0F)
                    .or(h0.reinterpretAsShorts().lanewise(LSHR, SHIFT2).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32)
                    .convertShape(B2F, F, 0)).mul(ds0.rearrange(LANE_14)).intoArray(w, wo + i + 224);
            a0 = ByteVector.fromMemorySegment(B, seg, o0 + 80, LE);
            g0 = ByteVector.fromMemorySegment(B, seg, o0 + 112, LE);
            h0 = ByteVector.fromMemorySegment(B, seg, o0 + 176, LE);
            ((FloatVector) a0.and((byte) 0x0F)
                    .or(h0.reinterpretAsShorts().lanewise(LSHL, SHIFT4).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32)
                    .convertShape(B2F, F, 0)).mul(ds0.rearrange(LANE_9)).intoArray(w, wo + i + 144);
            ((FloatVector) g0.and((byte) 0x0F)
                    .or(h0.reinterpretAsShorts().lanewise(LSHL, SHIFT2).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32)
                    .convertShape(B2F, F, 0)).mul(ds0.rearrange(LANE_11)).intoArray(w, wo + i + 176);
            ((FloatVector) a0.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes().and((byte) 0x0F)
                    .or(h0.and((byte) 0x30)).sub((byte) 32)
                    .convertShape(B2F, F, 0)).mul(ds0.rearrange(LANE_13)).intoArray(w, wo + i + 208);
            ((FloatVector) g0.reinterpretAsShorts().lanewise(LSHR, SHIFT4).reinterpretAsBytes().and((byte) 0x0F)
                    .or(h0.reinterpretAsShorts().lanewise(LSHR, SHIFT2).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32)
                    .convertShape(B2F, F, 0)).mul(ds0.rearrange(LANE_15)).intoArray(w, wo + i + 240);
            o0 += 210;
        }
    }

    static void unpackQ6_K512Ordered(MemorySegment seg, long off, int n, float[] w, int wo) {
        long o0 = off;
        for (int i = 0; i < n; i += 256) {
            ByteVector ql0 = ByteVector.fromMemorySegment(B64, seg, o0 + 0, LE);
            ByteVector ql1 = ByteVector.fromMemorySegment(B64, seg, o0 + 64, LE);
            ByteVector qh0 = ByteVector.fromMemorySegment(B64, seg, o0 + 128, LE);
            FloatVector ds0 = ((FloatVector) ByteVector.fromMemorySegment(B, seg, o0 + 192, LE).convertShape(B2F, F, 0))
                    .mul(halfToFloat(seg.get(SHORT_LE, o0 + 208)));
            ByteVector qd0 = qh0.rearrange(Q6K_HALF_0);
            IntVector lo0 = ql0.and((byte) 0x0F)
                    .or(qd0.reinterpretAsShorts().lanewise(LSHL, Q6K_SHIFT01).reinterpretAsBytes().and((byte) 0x30))
                    .sub((byte) 32).reinterpretAsInts();
            IntVector hi0 = ql0.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                    .or(qd0.reinterpretAsShorts().lanewise(LSHR, Q6K_SHIFT23).reinterpretAsBytes().and((byte) 0x30))
                    .sub((byte) 32).reinterpretAsInts();
            FloatVector sl0 = ds0.rearrange(Q6K_SCALES_0_LO);
            FloatVector sh0 = ds0.rearrange(Q6K_SCALES_0_HI);
            ((FloatVector) lo0.lanewise(LSHL, 24).lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sl0).intoArray(w, wo + i + 0);
            ((FloatVector) lo0.lanewise(LSHL, 16).lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sl0).intoArray(w, wo + i + 16);
            ((FloatVector) lo0.lanewise(LSHL, 8).lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sl0).intoArray(w, wo + i + 32);
            ((FloatVector) lo0.lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sl0).intoArray(w, wo + i + 48);
            ((FloatVector) hi0.lanewise(LSHL, 24).lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sh0).intoArray(w, wo + i + 64);
            ((FloatVector) hi0.lanewise(LSHL, 16).lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sh0).intoArray(w, wo + i + 80);
            ((FloatVector) hi0.lanewise(LSHL, 8).lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sh0).intoArray(w, wo + i + 96);
            ((FloatVector) hi0.lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sh0).intoArray(w, wo + i + 112);
            ByteVector qd1 = qh0.rearrange(Q6K_HALF_1);
            IntVector lo1 = ql1.and((byte) 0x0F)
                    .or(qd1.reinterpretAsShorts().lanewise(LSHL, Q6K_SHIFT01).reinterpretAsBytes().and((byte) 0x30))
                    .sub((byte) 32).reinterpretAsInts();
            IntVector hi1 = ql1.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                    .or(qd1.reinterpretAsShorts().lanewise(LSHR, Q6K_SHIFT23).reinterpretAsBytes().and((byte) 0x30))
                    .sub((byte) 32).reinterpretAsInts();
            FloatVector sl1 = ds0.rearrange(Q6K_SCALES_1_LO);
            FloatVector sh1 = ds0.rearrange(Q6K_SCALES_1_HI);
            ((FloatVector) lo1.lanewise(LSHL, 24).lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sl1).intoArray(w, wo + i + 128);
            ((FloatVector) lo1.lanewise(LSHL, 16).lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sl1).intoArray(w, wo + i + 144);
            ((FloatVector) lo1.lanewise(LSHL, 8).lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sl1).intoArray(w, wo + i + 160);
            ((FloatVector) lo1.lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sl1).intoArray(w, wo + i + 176);
            ((FloatVector) hi1.lanewise(LSHL, 24).lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sh1).intoArray(w, wo + i + 192);
            ((FloatVector) hi1.lanewise(LSHL, 16).lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sh1).intoArray(w, wo + i + 208);
            ((FloatVector) hi1.lanewise(LSHL, 8).lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sh1).intoArray(w, wo + i + 224);
            ((FloatVector) hi1.lanewise(ASHR, 24)
                    .convert(I2F, 0)).mul(sh1).intoArray(w, wo + i + 240);
            o0 += 210;
        }
    }

    static void mmPanel2x4Q4_K(float[] w, int wo, int ws, int n, float[] x, int x0, int xs,
            float[] out, int o, int os) {
        FloatVector c00 = FloatVector.zero(F);
        FloatVector e00 = FloatVector.zero(F);
        FloatVector c01 = FloatVector.zero(F);
        FloatVector e01 = FloatVector.zero(F);
        FloatVector c02 = FloatVector.zero(F);
        FloatVector e02 = FloatVector.zero(F);
        FloatVector c03 = FloatVector.zero(F);
        FloatVector e03 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F);
        FloatVector e10 = FloatVector.zero(F);
        FloatVector c11 = FloatVector.zero(F);
        FloatVector e11 = FloatVector.zero(F);
        FloatVector c12 = FloatVector.zero(F);
        FloatVector e12 = FloatVector.zero(F);
        FloatVector c13 = FloatVector.zero(F);
        FloatVector e13 = FloatVector.zero(F);
        FloatVector xv;
        for (int i = 0; i < n; i += 64) {
            FloatVector w0 = FloatVector.fromArray(F, w, wo + i);
            FloatVector w1 = FloatVector.fromArray(F, w, wo + ws + i);
            xv = FloatVector.fromArray(F, x, x0 + i);
            c00 = w0.fma(xv, c00);
            c10 = w1.fma(xv, c10);
            xv = FloatVector.fromArray(F, x, x0 + i + xs);
            c01 = w0.fma(xv, c01);
            c11 = w1.fma(xv, c11);
            xv = FloatVector.fromArray(F, x, x0 + i + 2 * xs);
            c02 = w0.fma(xv, c02);
            c12 = w1.fma(xv, c12);
            xv = FloatVector.fromArray(F, x, x0 + i + 3 * xs);
            c03 = w0.fma(xv, c03);
            c13 = w1.fma(xv, c13);
            w0 = FloatVector.fromArray(F, w, wo + i + 16);
            w1 = FloatVector.fromArray(F, w, wo + ws + i + 16);
            xv = FloatVector.fromArray(F, x, x0 + i + 16);
            c00 = w0.fma(xv, c00);
            c10 = w1.fma(xv, c10);
            xv = FloatVector.fromArray(F, x, x0 + i + 16 + xs);
            c01 = w0.fma(xv, c01);
            c11 = w1.fma(xv, c11);
            xv = FloatVector.fromArray(F, x, x0 + i + 16 + 2 * xs);
            c02 = w0.fma(xv, c02);
            c12 = w1.fma(xv, c12);
            xv = FloatVector.fromArray(F, x, x0 + i + 16 + 3 * xs);
            c03 = w0.fma(xv, c03);
            c13 = w1.fma(xv, c13);
            w0 = FloatVector.fromArray(F, w, wo + i + 32);
            w1 = FloatVector.fromArray(F, w, wo + ws + i + 32);
            xv = FloatVector.fromArray(F, x, x0 + i + 32);
            e00 = w0.fma(xv, e00);
            e10 = w1.fma(xv, e10);
            xv = FloatVector.fromArray(F, x, x0 + i + 32 + xs);
            e01 = w0.fma(xv, e01);
            e11 = w1.fma(xv, e11);
            xv = FloatVector.fromArray(F, x, x0 + i + 32 + 2 * xs);
            e02 = w0.fma(xv, e02);
            e12 = w1.fma(xv, e12);
            xv = FloatVector.fromArray(F, x, x0 + i + 32 + 3 * xs);
            e03 = w0.fma(xv, e03);
            e13 = w1.fma(xv, e13);
            w0 = FloatVector.fromArray(F, w, wo + i + 48);
            w1 = FloatVector.fromArray(F, w, wo + ws + i + 48);
            xv = FloatVector.fromArray(F, x, x0 + i + 48);
            e00 = w0.fma(xv, e00);
            e10 = w1.fma(xv, e10);
            xv = FloatVector.fromArray(F, x, x0 + i + 48 + xs);
            e01 = w0.fma(xv, e01);
            e11 = w1.fma(xv, e11);
            xv = FloatVector.fromArray(F, x, x0 + i + 48 + 2 * xs);
            e02 = w0.fma(xv, e02);
            e12 = w1.fma(xv, e12);
            xv = FloatVector.fromArray(F, x, x0 + i + 48 + 3 * xs);
            e03 = w0.fma(xv, e03);
            e13 = w1.fma(xv, e13);
        }
        c00 = c00.add(e00);
        c00 = c00.add(c00.rearrange(ROT_A));
        c00 = c00.add(c00.rearrange(ROT_B));
        if (L >= 8) {
            c00 = c00.add(c00.rearrange(ROT_C));
        }
        if (L >= 16) {
            c00 = c00.add(c00.rearrange(ROT_D));
        }
        out[o] = c00.lane(0);
        c10 = c10.add(e10);
        c10 = c10.add(c10.rearrange(ROT_A));
        c10 = c10.add(c10.rearrange(ROT_B));
        if (L >= 8) {
            c10 = c10.add(c10.rearrange(ROT_C));
        }
        if (L >= 16) {
            c10 = c10.add(c10.rearrange(ROT_D));
        }
        out[o + 1] = c10.lane(0);
        c01 = c01.add(e01);
        c01 = c01.add(c01.rearrange(ROT_A));
        c01 = c01.add(c01.rearrange(ROT_B));
        if (L >= 8) {
            c01 = c01.add(c01.rearrange(ROT_C));
        }
        if (L >= 16) {
            c01 = c01.add(c01.rearrange(ROT_D));
        }
        out[o + os] = c01.lane(0);
        c11 = c11.add(e11);
        c11 = c11.add(c11.rearrange(ROT_A));
        c11 = c11.add(c11.rearrange(ROT_B));
        if (L >= 8) {
            c11 = c11.add(c11.rearrange(ROT_C));
        }
        if (L >= 16) {
            c11 = c11.add(c11.rearrange(ROT_D));
        }
        out[o + 1 + os] = c11.lane(0);
        c02 = c02.add(e02);
        c02 = c02.add(c02.rearrange(ROT_A));
        c02 = c02.add(c02.rearrange(ROT_B));
        if (L >= 8) {
            c02 = c02.add(c02.rearrange(ROT_C));
        }
        if (L >= 16) {
            c02 = c02.add(c02.rearrange(ROT_D));
        }
        out[o + 2 * os] = c02.lane(0);
        c12 = c12.add(e12);
        c12 = c12.add(c12.rearrange(ROT_A));
        c12 = c12.add(c12.rearrange(ROT_B));
        if (L >= 8) {
            c12 = c12.add(c12.rearrange(ROT_C));
        }
        if (L >= 16) {
            c12 = c12.add(c12.rearrange(ROT_D));
        }
        out[o + 1 + 2 * os] = c12.lane(0);
        c03 = c03.add(e03);
        c03 = c03.add(c03.rearrange(ROT_A));
        c03 = c03.add(c03.rearrange(ROT_B));
        if (L >= 8) {
            c03 = c03.add(c03.rearrange(ROT_C));
        }
        if (L >= 16) {
            c03 = c03.add(c03.rearrange(ROT_D));
        }
        out[o + 3 * os] = c03.lane(0);
        c13 = c13.add(e13);
        c13 = c13.add(c13.rearrange(ROT_A));
        c13 = c13.add(c13.rearrange(ROT_B));
        if (L >= 8) {
            c13 = c13.add(c13.rearrange(ROT_C));
        }
        if (L >= 16) {
            c13 = c13.add(c13.rearrange(ROT_D));
        }
        out[o + 1 + 3 * os] = c13.lane(0);
    }

    static void mmPrompt4x4(float[] w, int wo, int ws, int n, float[] x, int x0, int xs,
            float[] out, int o, int os) {
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c01 = FloatVector.zero(F);
        FloatVector c02 = FloatVector.zero(F);
        FloatVector c03 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F);
        FloatVector c11 = FloatVector.zero(F);
        FloatVector c12 = FloatVector.zero(F);
        FloatVector c13 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F);
        FloatVector c21 = FloatVector.zero(F);
        FloatVector c22 = FloatVector.zero(F);
        FloatVector c23 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F);
        FloatVector c31 = FloatVector.zero(F);
        FloatVector c32 = FloatVector.zero(F);
        FloatVector c33 = FloatVector.zero(F);
        FloatVector xv;
        for (int i = 0; i < n; i += 16) {
            FloatVector w0 = FloatVector.fromArray(F, w, wo + i);
            FloatVector w1 = FloatVector.fromArray(F, w, wo + ws + i);
            FloatVector w2 = FloatVector.fromArray(F, w, wo + 2 * ws + i);
            FloatVector w3 = FloatVector.fromArray(F, w, wo + 3 * ws + i);
            xv = FloatVector.fromArray(F, x, x0 + i);
            c00 = w0.fma(xv, c00);
            c10 = w1.fma(xv, c10);
            c20 = w2.fma(xv, c20);
            c30 = w3.fma(xv, c30);
            xv = FloatVector.fromArray(F, x, x0 + i + xs);
            c01 = w0.fma(xv, c01);
            c11 = w1.fma(xv, c11);
            c21 = w2.fma(xv, c21);
            c31 = w3.fma(xv, c31);
            xv = FloatVector.fromArray(F, x, x0 + i + 2 * xs);
            c02 = w0.fma(xv, c02);
            c12 = w1.fma(xv, c12);
            c22 = w2.fma(xv, c22);
            c32 = w3.fma(xv, c32);
            xv = FloatVector.fromArray(F, x, x0 + i + 3 * xs);
            c03 = w0.fma(xv, c03);
            c13 = w1.fma(xv, c13);
            c23 = w2.fma(xv, c23);
            c33 = w3.fma(xv, c33);
        }
        c00 = c00.add(c00.rearrange(ROT_A));
        c00 = c00.add(c00.rearrange(ROT_B));
        if (L >= 8) {
            c00 = c00.add(c00.rearrange(ROT_C));
        }
        if (L >= 16) {
            c00 = c00.add(c00.rearrange(ROT_D));
        }
        out[o] = c00.lane(0);
        c10 = c10.add(c10.rearrange(ROT_A));
        c10 = c10.add(c10.rearrange(ROT_B));
        if (L >= 8) {
            c10 = c10.add(c10.rearrange(ROT_C));
        }
        if (L >= 16) {
            c10 = c10.add(c10.rearrange(ROT_D));
        }
        out[o + 1] = c10.lane(0);
        c20 = c20.add(c20.rearrange(ROT_A));
        c20 = c20.add(c20.rearrange(ROT_B));
        if (L >= 8) {
            c20 = c20.add(c20.rearrange(ROT_C));
        }
        if (L >= 16) {
            c20 = c20.add(c20.rearrange(ROT_D));
        }
        out[o + 2] = c20.lane(0);
        c30 = c30.add(c30.rearrange(ROT_A));
        c30 = c30.add(c30.rearrange(ROT_B));
        if (L >= 8) {
            c30 = c30.add(c30.rearrange(ROT_C));
        }
        if (L >= 16) {
            c30 = c30.add(c30.rearrange(ROT_D));
        }
        out[o + 3] = c30.lane(0);
        c01 = c01.add(c01.rearrange(ROT_A));
        c01 = c01.add(c01.rearrange(ROT_B));
        if (L >= 8) {
            c01 = c01.add(c01.rearrange(ROT_C));
        }
        if (L >= 16) {
            c01 = c01.add(c01.rearrange(ROT_D));
        }
        out[o + os] = c01.lane(0);
        c11 = c11.add(c11.rearrange(ROT_A));
        c11 = c11.add(c11.rearrange(ROT_B));
        if (L >= 8) {
            c11 = c11.add(c11.rearrange(ROT_C));
        }
        if (L >= 16) {
            c11 = c11.add(c11.rearrange(ROT_D));
        }
        out[o + 1 + os] = c11.lane(0);
        c21 = c21.add(c21.rearrange(ROT_A));
        c21 = c21.add(c21.rearrange(ROT_B));
        if (L >= 8) {
            c21 = c21.add(c21.rearrange(ROT_C));
        }
        if (L >= 16) {
            c21 = c21.add(c21.rearrange(ROT_D));
        }
        out[o + 2 + os] = c21.lane(0);
        c31 = c31.add(c31.rearrange(ROT_A));
        c31 = c31.add(c31.rearrange(ROT_B));
        if (L >= 8) {
            c31 = c31.add(c31.rearrange(ROT_C));
        }
        if (L >= 16) {
            c31 = c31.add(c31.rearrange(ROT_D));
        }
        out[o + 3 + os] = c31.lane(0);
        c02 = c02.add(c02.rearrange(ROT_A));
        c02 = c02.add(c02.rearrange(ROT_B));
        if (L >= 8) {
            c02 = c02.add(c02.rearrange(ROT_C));
        }
        if (L >= 16) {
            c02 = c02.add(c02.rearrange(ROT_D));
        }
        out[o + 2 * os] = c02.lane(0);
        c12 = c12.add(c12.rearrange(ROT_A));
        c12 = c12.add(c12.rearrange(ROT_B));
        if (L >= 8) {
            c12 = c12.add(c12.rearrange(ROT_C));
        }
        if (L >= 16) {
            c12 = c12.add(c12.rearrange(ROT_D));
        }
        out[o + 1 + 2 * os] = c12.lane(0);
        c22 = c22.add(c22.rearrange(ROT_A));
        c22 = c22.add(c22.rearrange(ROT_B));
        if (L >= 8) {
            c22 = c22.add(c22.rearrange(ROT_C));
        }
        if (L >= 16) {
            c22 = c22.add(c22.rearrange(ROT_D));
        }
        out[o + 2 + 2 * os] = c22.lane(0);
        c32 = c32.add(c32.rearrange(ROT_A));
        c32 = c32.add(c32.rearrange(ROT_B));
        if (L >= 8) {
            c32 = c32.add(c32.rearrange(ROT_C));
        }
        if (L >= 16) {
            c32 = c32.add(c32.rearrange(ROT_D));
        }
        out[o + 3 + 2 * os] = c32.lane(0);
        c03 = c03.add(c03.rearrange(ROT_A));
        c03 = c03.add(c03.rearrange(ROT_B));
        if (L >= 8) {
            c03 = c03.add(c03.rearrange(ROT_C));
        }
        if (L >= 16) {
            c03 = c03.add(c03.rearrange(ROT_D));
        }
        out[o + 3 * os] = c03.lane(0);
        c13 = c13.add(c13.rearrange(ROT_A));
        c13 = c13.add(c13.rearrange(ROT_B));
        if (L >= 8) {
            c13 = c13.add(c13.rearrange(ROT_C));
        }
        if (L >= 16) {
            c13 = c13.add(c13.rearrange(ROT_D));
        }
        out[o + 1 + 3 * os] = c13.lane(0);
        c23 = c23.add(c23.rearrange(ROT_A));
        c23 = c23.add(c23.rearrange(ROT_B));
        if (L >= 8) {
            c23 = c23.add(c23.rearrange(ROT_C));
        }
        if (L >= 16) {
            c23 = c23.add(c23.rearrange(ROT_D));
        }
        out[o + 2 + 3 * os] = c23.lane(0);
        c33 = c33.add(c33.rearrange(ROT_A));
        c33 = c33.add(c33.rearrange(ROT_B));
        if (L >= 8) {
            c33 = c33.add(c33.rearrange(ROT_C));
        }
        if (L >= 16) {
            c33 = c33.add(c33.rearrange(ROT_D));
        }
        out[o + 3 + 3 * os] = c33.lane(0);
    }
    // ---------------------------------------------------------------- end of generated tiled kernels
}
