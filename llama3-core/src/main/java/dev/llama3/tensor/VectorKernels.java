package dev.llama3.tensor;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static jdk.incubator.vector.VectorOperators.B2F;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

import dev.llama3.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels. Only loaded (reflectively, by {@link Kernels}) when {@code jdk.incubator.vector} is present.
 *
 * <p>F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K, IQ4_NL and IQ4_XS are dotted in one pass over the row: each
 * block is loaded once, unpacked to float lanes in registers and multiplied into float32 accumulator lanes with
 * FMA. The other formats dequantize a chunk of the row into a small per-thread buffer (the bit-exact scalar code)
 * and dot that. Everything is written against {@link #F}, the preferred float species, and works for 128-, 256-
 * and 512-bit vectors (4, 8 or 16 float lanes).
 *
 * <p>Writing style, on purpose: the kernels call the Vector API directly and never through small helper methods
 * of this class. C2 always inlines the API's own (force-inline) methods, but stops inlining ordinary methods once
 * a compilation grows past its node budget, which a kernel reaches quickly; a helper left out-of-line then boxes
 * every vector it passes or returns and the kernel runs ten times slower. For the same reason the lane sums at the
 * end are spelled out in each kernel.
 *
 * <p>Numerics: Q8_0, Q4_0 and the IQ4 formats sum {@code q * x} per block of 32 and apply the block scale once
 * (the integer quants are exact in float); the K-quants form each weight with one FMA ({@code q * d1 - m1},
 * at least as accurate as ggml's dequantized value) before accumulating. The lane sum is a fixed pairwise tree,
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

    private static final int CHUNK = 256;
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[CHUNK]);

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
            case Q6_K -> dotQ6_K(data, off, n, x, xOff);
            default -> dotChunked(type, data, off, n, x, xOff);
        };
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

    // Q8_0 block: f16 d, int8 q[32].  sum_j (q_j * d) * x_j  ~  d * sum_j q_j * x_j
    static float dotQ8_0(MemorySegment seg, long off, int n, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(F);
        for (int xi = xOff, end = xOff + n; xi < end; xi += 32, off += 34) {
            FloatVector s = FloatVector.zero(F);
            for (int j = 0; j < 32; j += BL) {
                ByteVector q = ByteVector.fromMemorySegment(B, seg, off + 2 + j, LE);
                for (int p = 0; p < PARTS; p++) {
                    s = ((FloatVector) q.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xi + j + p * L), s);
                }
            }
            acc = s.fma(FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, off))), acc);
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
            FloatVector s = FloatVector.zero(F);
            for (int j = 0; j < 16; j += BL) {
                ByteVector q = ByteVector.fromMemorySegment(B, seg, off + 2 + j, LE);
                ByteVector lo = q.and((byte) 0x0F).sub((byte) 8);
                ByteVector hi = q.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                        .sub((byte) 8);
                for (int p = 0; p < PARTS; p++) {
                    s = ((FloatVector) lo.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xi + j + p * L), s);
                    s = ((FloatVector) hi.convertShape(B2F, F, p))
                            .fma(FloatVector.fromArray(F, x, xi + 16 + j + p * L), s);
                }
            }
            acc = s.fma(FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, off))), acc);
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

    // IQ4_NL block: f16 d, 16 bytes of 4-bit indices into the non-linear levels, laid out like Q4_0.
    static float dotIQ4_NL(MemorySegment seg, long off, int n, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(F);
        for (int xi = xOff, end = xOff + n; xi < end; xi += 32, off += 18) {
            FloatVector s = FloatVector.zero(F);
            for (int j = 0; j < 16; j += BL) {
                ByteVector q = ByteVector.fromMemorySegment(B, seg, off + 2 + j, LE);
                ByteVector li = q.and((byte) 0x0F);
                ByteVector hi = q.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
                ByteVector lo = BL >= 16 ? li.selectFrom(IQ4_LO) : li.selectFrom(IQ4_LO, IQ4_HI);
                ByteVector hv = BL >= 16 ? hi.selectFrom(IQ4_LO) : hi.selectFrom(IQ4_LO, IQ4_HI);
                for (int p = 0; p < PARTS; p++) {
                    s = ((FloatVector) lo.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xi + j + p * L), s);
                    s = ((FloatVector) hv.convertShape(B2F, F, p))
                            .fma(FloatVector.fromArray(F, x, xi + 16 + j + p * L), s);
                }
            }
            acc = s.fma(FloatVector.broadcast(F, Float.float16ToFloat(seg.get(SHORT_LE, off))), acc);
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
                    ByteVector hi = q.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
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

    // Q4_K: f16 d, f16 dmin, 12 scale bytes, 128 quant bytes. Group g (64 values) = 32 bytes: low nibbles with
    // sub-block 2g's (scale, min), then high nibbles with sub-block 2g+1's.  y = (d*sc) * q - (dmin*m)
    static float dotQ4_K(MemorySegment seg, long off, int n, float[] x, int xOff) {
        FloatVector accLo = FloatVector.zero(F);
        FloatVector accHi = FloatVector.zero(F);
        for (int xb = xOff, end = xOff + n; xb < end; xb += 256, off += 144) {
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
                    ByteVector q = ByteVector.fromMemorySegment(B, seg, off + 16 + 32L * g + jj, LE);
                    ByteVector lo = q.and((byte) 0x0F);
                    ByteVector hi = q.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
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
                            .reinterpretAsShorts().lanewise(LSHL, 4).reinterpretAsBytes();
                    ByteVector h2 = h.reinterpretAsShorts().lanewise(LSHR, j + 1).reinterpretAsBytes().and((byte) 1)
                            .reinterpretAsShorts().lanewise(LSHL, 4).reinterpretAsBytes();
                    ByteVector lo = q.and((byte) 0x0F).or(h1);
                    ByteVector hi = q.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).or(h2);
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

    // Q6_K: ql[128], qh[64], int8 scales[16], f16 d. Half h (128 values), l = 0..31, k = 0..3:
    // y[l + 32k] = (d * sc[8h + l/16 + 2k]) * (q - 32), q = nibble of ql[64h + l + 32(k&1)] (low for k < 2)
    // | bits 2k..2k+1 of qh[32h + l] << 4.
    static float dotQ6_K(MemorySegment seg, long off, int n, float[] x, int xOff) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        for (int xb = xOff, end = xOff + n; xb < end; xb += 256, off += 210) {
            float d = Float.float16ToFloat(seg.get(SHORT_LE, off + 208));
            for (int h = 0; h < 2; h++) {
                long ql = off + 64L * h;
                long qh = off + 128 + 32L * h;
                long sc = off + 192 + 8L * h;
                int xh = xb + 128 * h;
                for (int l = 0; l < 32; l += BL) {
                    ByteVector a = ByteVector.fromMemorySegment(B, seg, ql + l, LE);
                    ByteVector c = ByteVector.fromMemorySegment(B, seg, ql + 32 + l, LE);
                    ByteVector hb = ByteVector.fromMemorySegment(B, seg, qh + l, LE);
                    // the 2-bit fields of hb, each moved to bits 4..5 (16-bit shifts; the mask drops spill-over)
                    ByteVector q1 = a.and((byte) 0x0F)
                            .or(hb.reinterpretAsShorts().lanewise(LSHL, 4).reinterpretAsBytes().and((byte) 0x30))
                            .sub((byte) 32);
                    ByteVector q2 = c.and((byte) 0x0F)
                            .or(hb.reinterpretAsShorts().lanewise(LSHL, 2).reinterpretAsBytes().and((byte) 0x30))
                            .sub((byte) 32);
                    ByteVector q3 = a.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                            .or(hb.and((byte) 0x30))
                            .sub((byte) 32);
                    ByteVector q4 = c.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                            .or(hb.reinterpretAsShorts().lanewise(LSHR, 2).reinterpretAsBytes().and((byte) 0x30))
                            .sub((byte) 32);
                    long is = sc + l / 16;
                    FloatVector s1 = FloatVector.broadcast(F, d * seg.get(JAVA_BYTE, is));
                    FloatVector s2 = FloatVector.broadcast(F, d * seg.get(JAVA_BYTE, is + 2));
                    FloatVector s3 = FloatVector.broadcast(F, d * seg.get(JAVA_BYTE, is + 4));
                    FloatVector s4 = FloatVector.broadcast(F, d * seg.get(JAVA_BYTE, is + 6));
                    for (int p = 0; p < PARTS; p++) {
                        int xi = xh + l + p * L;
                        acc0 = ((FloatVector) q1.convertShape(B2F, F, p)).mul(s1)
                                .fma(FloatVector.fromArray(F, x, xi), acc0);
                        acc1 = ((FloatVector) q2.convertShape(B2F, F, p)).mul(s2)
                                .fma(FloatVector.fromArray(F, x, xi + 32), acc1);
                        acc0 = ((FloatVector) q3.convertShape(B2F, F, p)).mul(s3)
                                .fma(FloatVector.fromArray(F, x, xi + 64), acc0);
                        acc1 = ((FloatVector) q4.convertShape(B2F, F, p)).mul(s4)
                                .fma(FloatVector.fromArray(F, x, xi + 96), acc1);
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

    // ---------------------------------------------------------------- four input vectors at once (prefill)
    //
    // matmul with a batch combines every row with several input vectors; these kernels unpack each block once and
    // use it for four vectors x[x0 + k*xs ..], writing out[o0 + k*os]. Per vector, every operation and its order
    // is exactly that of the single-vector kernel above, so the results are bit-identical to dot().

    @Override
    public void matmulRows(GgmlType type, MemorySegment data, long rowBytes, int cols, int rows,
                           int rowFrom, int rowTo, float[] x, int batch, float[] out) {
        boolean four = switch (type) {
            case F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K -> batch >= 4;
            default -> false;
        };
        if (!four) {
            DotKernels.super.matmulRows(type, data, rowBytes, cols, rows, rowFrom, rowTo, x, batch, out);
            return;
        }
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
                            case Q4_K -> dot4Q4_K(data, off, cols, x, xo, cols, out, oo, rows);
                            case Q5_K -> dot4Q5_K(data, off, cols, x, xo, cols, out, oo, rows);
                            default -> dot4Q6_K(data, off, cols, x, xo, cols, out, oo, rows);
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
                ByteVector hi = q.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                        .sub((byte) 8);
                for (int p = 0; p < PARTS; p++) {
                    FloatVector wl = (FloatVector) lo.convertShape(B2F, F, p);
                    FloatVector wh = (FloatVector) hi.convertShape(B2F, F, p);
                    int xi = x0 + i + j + p * L;
                    sa = wl.fma(FloatVector.fromArray(F, x, xi), sa);
                    sa = wh.fma(FloatVector.fromArray(F, x, xi + 16), sa);
                    sb = wl.fma(FloatVector.fromArray(F, x, xi + xs), sb);
                    sb = wh.fma(FloatVector.fromArray(F, x, xi + xs + 16), sb);
                    sc = wl.fma(FloatVector.fromArray(F, x, xi + 2 * xs), sc);
                    sc = wh.fma(FloatVector.fromArray(F, x, xi + 2 * xs + 16), sc);
                    sd = wl.fma(FloatVector.fromArray(F, x, xi + 3 * xs), sd);
                    sd = wh.fma(FloatVector.fromArray(F, x, xi + 3 * xs + 16), sd);
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

    static void dot4Q4_K(MemorySegment seg, long off, int n, float[] x, int x0, int xs, float[] out, int o0, int os) {
        FloatVector aLo = FloatVector.zero(F);
        FloatVector aHi = FloatVector.zero(F);
        FloatVector bLo = FloatVector.zero(F);
        FloatVector bHi = FloatVector.zero(F);
        FloatVector cLo = FloatVector.zero(F);
        FloatVector cHi = FloatVector.zero(F);
        FloatVector dLo = FloatVector.zero(F);
        FloatVector dHi = FloatVector.zero(F);
        for (int xb = 0; xb < n; xb += 256, off += 144) {
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
                    ByteVector q = ByteVector.fromMemorySegment(B, seg, off + 16 + 32L * g + jj, LE);
                    ByteVector lo = q.and((byte) 0x0F);
                    ByteVector hi = q.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
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
                            .reinterpretAsShorts().lanewise(LSHL, 4).reinterpretAsBytes();
                    ByteVector h2 = h.reinterpretAsShorts().lanewise(LSHR, j + 1).reinterpretAsBytes().and((byte) 1)
                            .reinterpretAsShorts().lanewise(LSHL, 4).reinterpretAsBytes();
                    ByteVector lo = q.and((byte) 0x0F).or(h1);
                    ByteVector hi = q.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).or(h2);
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

    static void dot4Q6_K(MemorySegment seg, long off, int n, float[] x, int x0, int xs, float[] out, int o0, int os) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector b0 = FloatVector.zero(F);
        FloatVector b1 = FloatVector.zero(F);
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = FloatVector.zero(F);
        FloatVector d0 = FloatVector.zero(F);
        FloatVector d1 = FloatVector.zero(F);
        for (int xb = 0; xb < n; xb += 256, off += 210) {
            float d = Float.float16ToFloat(seg.get(SHORT_LE, off + 208));
            for (int h = 0; h < 2; h++) {
                long ql = off + 64L * h;
                long qh = off + 128 + 32L * h;
                long sc = off + 192 + 8L * h;
                int xh = x0 + xb + 128 * h;
                for (int l = 0; l < 32; l += BL) {
                    ByteVector a = ByteVector.fromMemorySegment(B, seg, ql + l, LE);
                    ByteVector c = ByteVector.fromMemorySegment(B, seg, ql + 32 + l, LE);
                    ByteVector hb = ByteVector.fromMemorySegment(B, seg, qh + l, LE);
                    ByteVector q1 = a.and((byte) 0x0F)
                            .or(hb.reinterpretAsShorts().lanewise(LSHL, 4).reinterpretAsBytes().and((byte) 0x30))
                            .sub((byte) 32);
                    ByteVector q2 = c.and((byte) 0x0F)
                            .or(hb.reinterpretAsShorts().lanewise(LSHL, 2).reinterpretAsBytes().and((byte) 0x30))
                            .sub((byte) 32);
                    ByteVector q3 = a.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                            .or(hb.and((byte) 0x30))
                            .sub((byte) 32);
                    ByteVector q4 = c.reinterpretAsShorts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                            .or(hb.reinterpretAsShorts().lanewise(LSHR, 2).reinterpretAsBytes().and((byte) 0x30))
                            .sub((byte) 32);
                    long is = sc + l / 16;
                    FloatVector s1 = FloatVector.broadcast(F, d * seg.get(JAVA_BYTE, is));
                    FloatVector s2 = FloatVector.broadcast(F, d * seg.get(JAVA_BYTE, is + 2));
                    FloatVector s3 = FloatVector.broadcast(F, d * seg.get(JAVA_BYTE, is + 4));
                    FloatVector s4 = FloatVector.broadcast(F, d * seg.get(JAVA_BYTE, is + 6));
                    for (int p = 0; p < PARTS; p++) {
                        int xi = xh + l + p * L;
                        FloatVector w1 = ((FloatVector) q1.convertShape(B2F, F, p)).mul(s1);
                        FloatVector w2 = ((FloatVector) q2.convertShape(B2F, F, p)).mul(s2);
                        FloatVector w3 = ((FloatVector) q3.convertShape(B2F, F, p)).mul(s3);
                        FloatVector w4 = ((FloatVector) q4.convertShape(B2F, F, p)).mul(s4);
                        a0 = w1.fma(FloatVector.fromArray(F, x, xi), a0);
                        a1 = w2.fma(FloatVector.fromArray(F, x, xi + 32), a1);
                        a0 = w3.fma(FloatVector.fromArray(F, x, xi + 64), a0);
                        a1 = w4.fma(FloatVector.fromArray(F, x, xi + 96), a1);
                        b0 = w1.fma(FloatVector.fromArray(F, x, xi + xs), b0);
                        b1 = w2.fma(FloatVector.fromArray(F, x, xi + xs + 32), b1);
                        b0 = w3.fma(FloatVector.fromArray(F, x, xi + xs + 64), b0);
                        b1 = w4.fma(FloatVector.fromArray(F, x, xi + xs + 96), b1);
                        c0 = w1.fma(FloatVector.fromArray(F, x, xi + 2 * xs), c0);
                        c1 = w2.fma(FloatVector.fromArray(F, x, xi + 2 * xs + 32), c1);
                        c0 = w3.fma(FloatVector.fromArray(F, x, xi + 2 * xs + 64), c0);
                        c1 = w4.fma(FloatVector.fromArray(F, x, xi + 2 * xs + 96), c1);
                        d0 = w1.fma(FloatVector.fromArray(F, x, xi + 3 * xs), d0);
                        d1 = w2.fma(FloatVector.fromArray(F, x, xi + 3 * xs + 32), d1);
                        d0 = w3.fma(FloatVector.fromArray(F, x, xi + 3 * xs + 64), d0);
                        d1 = w4.fma(FloatVector.fromArray(F, x, xi + 3 * xs + 96), d1);
                    }
                }
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
    }

    // ---------------------------------------------------------------- everything else

    static float dotChunked(GgmlType type, MemorySegment seg, long off, int n, float[] x, int xOff) {
        float[] w = SCRATCH.get();
        long chunkBytes = type.byteSize(CHUNK);
        FloatVector acc = FloatVector.zero(F);
        for (int i = 0; i < n; i += CHUNK, off += chunkBytes) {
            int len = Math.min(CHUNK, n - i); // a multiple of 32, hence of L
            Dequantizer.dequantize(type, seg, off, len, w, 0);
            for (int j = 0; j < len; j += L) {
                acc = FloatVector.fromArray(F, w, j).fma(FloatVector.fromArray(F, x, xOff + i + j), acc);
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
}
