package dev.llama3.tensor;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import dev.llama3.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Scalar dequantization of GGML blocks, bit for bit equal to ggml's {@code dequantize_row_<type>}.
 *
 * <p>Every formula keeps ggml's float32 operation order (e.g. Q4_K: {@code d1 = d * sc; y = d1 * q - m1})
 * and never fuses a multiply with an add, so each value rounds exactly as in ggml. This class is the single
 * source of truth for the formats; the vector kernels compute the same values in registers.
 */
final class Dequantizer {
    private Dequantizer() {}

    static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** ggml's {@code kvalues_iq4nl}: the 16 non-linear levels of IQ4_NL and IQ4_XS. */
    static final byte[] IQ4NL_VALUES = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    /**
     * Dequantizes {@code n} values (a multiple of the type's block size) stored from byte {@code off} of
     * {@code seg} into {@code dst[dstOff .. dstOff+n)}.
     */
    static void dequantize(GgmlType type, MemorySegment seg, long off, int n, float[] dst, int dstOff) {
        switch (type) {
            case F32 -> f32(seg, off, n, dst, dstOff);
            case F16 -> f16(seg, off, n, dst, dstOff);
            case BF16 -> bf16(seg, off, n, dst, dstOff);
            case Q8_0 -> q8_0(seg, off, n, dst, dstOff);
            case Q4_0 -> q4_0(seg, off, n, dst, dstOff);
            case Q4_1 -> q4_1(seg, off, n, dst, dstOff);
            case Q5_0 -> q5_0(seg, off, n, dst, dstOff);
            case Q5_1 -> q5_1(seg, off, n, dst, dstOff);
            case Q2_K -> q2_K(seg, off, n, dst, dstOff);
            case Q3_K -> q3_K(seg, off, n, dst, dstOff);
            case Q4_K -> q4_K(seg, off, n, dst, dstOff);
            case Q5_K -> q5_K(seg, off, n, dst, dstOff);
            case Q6_K -> q6_K(seg, off, n, dst, dstOff);
            case IQ4_NL -> iq4_nl(seg, off, n, dst, dstOff);
            case IQ4_XS -> iq4_xs(seg, off, n, dst, dstOff);
            default -> throw new IllegalArgumentException("no dequantizer for " + type);
        }
    }

    static float half(MemorySegment seg, long off) {
        return Float.float16ToFloat(seg.get(SHORT_LE, off));
    }

    static int u8(MemorySegment seg, long off) {
        return seg.get(JAVA_BYTE, off) & 0xFF;
    }

    static void f32(MemorySegment seg, long off, int n, float[] dst, int dstOff) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = seg.get(FLOAT_LE, off + 4L * i);
        }
    }

    static void f16(MemorySegment seg, long off, int n, float[] dst, int dstOff) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = Float.float16ToFloat(seg.get(SHORT_LE, off + 2L * i));
        }
    }

    static void bf16(MemorySegment seg, long off, int n, float[] dst, int dstOff) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = Float.intBitsToFloat(seg.get(SHORT_LE, off + 2L * i) << 16);
        }
    }

    // Q8_0: f16 d; int8 qs[32].  y = q * d
    static void q8_0(MemorySegment seg, long off, int n, float[] dst, int dstOff) {
        for (int b = 0; b < n / 32; b++, off += 34) {
            float d = half(seg, off);
            int o = dstOff + 32 * b;
            for (int j = 0; j < 32; j++) {
                dst[o + j] = seg.get(JAVA_BYTE, off + 2 + j) * d;
            }
        }
    }

    // Q4_0: f16 d; u8 qs[16]; value j = (low nibble of qs[j]) - 8, value j+16 = (high nibble) - 8.
    static void q4_0(MemorySegment seg, long off, int n, float[] dst, int dstOff) {
        for (int b = 0; b < n / 32; b++, off += 18) {
            float d = half(seg, off);
            int o = dstOff + 32 * b;
            for (int j = 0; j < 16; j++) {
                int q = u8(seg, off + 2 + j);
                dst[o + j] = ((q & 0xF) - 8) * d;
                dst[o + j + 16] = ((q >>> 4) - 8) * d;
            }
        }
    }

    // Q4_1: f16 d; f16 m; u8 qs[16].  y = q * d + m
    static void q4_1(MemorySegment seg, long off, int n, float[] dst, int dstOff) {
        for (int b = 0; b < n / 32; b++, off += 20) {
            float d = half(seg, off);
            float m = half(seg, off + 2);
            int o = dstOff + 32 * b;
            for (int j = 0; j < 16; j++) {
                int q = u8(seg, off + 4 + j);
                dst[o + j] = (q & 0xF) * d + m;
                dst[o + j + 16] = (q >>> 4) * d + m;
            }
        }
    }

    // Q5_0: f16 d; u32 qh; u8 qs[16]. Bit j of qh is the 5th bit of value j (j < 32).  y = (q - 16) * d
    static void q5_0(MemorySegment seg, long off, int n, float[] dst, int dstOff) {
        for (int b = 0; b < n / 32; b++, off += 22) {
            float d = half(seg, off);
            int qh = seg.get(INT_LE, off + 2);
            int o = dstOff + 32 * b;
            for (int j = 0; j < 16; j++) {
                int q = u8(seg, off + 6 + j);
                int h0 = ((qh >>> j) << 4) & 0x10;
                int h1 = (qh >>> (j + 12)) & 0x10;
                dst[o + j] = (((q & 0xF) | h0) - 16) * d;
                dst[o + j + 16] = (((q >>> 4) | h1) - 16) * d;
            }
        }
    }

    // Q5_1: f16 d; f16 m; u32 qh; u8 qs[16].  y = q * d + m
    static void q5_1(MemorySegment seg, long off, int n, float[] dst, int dstOff) {
        for (int b = 0; b < n / 32; b++, off += 24) {
            float d = half(seg, off);
            float m = half(seg, off + 2);
            int qh = seg.get(INT_LE, off + 4);
            int o = dstOff + 32 * b;
            for (int j = 0; j < 16; j++) {
                int q = u8(seg, off + 8 + j);
                int h0 = ((qh >>> j) << 4) & 0x10;
                int h1 = (qh >>> (j + 12)) & 0x10;
                dst[o + j] = ((q & 0xF) | h0) * d + m;
                dst[o + j + 16] = ((q >>> 4) | h1) * d + m;
            }
        }
    }

    // Q2_K: u8 scales[16] (low nibble scale, high nibble min); u8 qs[64]; f16 d at 80; f16 dmin at 82.
    static void q2_K(MemorySegment seg, long off, int n, float[] dst, int dstOff) {
        int o = dstOff;
        for (int b = 0; b < n / 256; b++, off += 84) {
            float d = half(seg, off + 80);
            float min = half(seg, off + 82);
            int is = 0;
            for (int half = 0; half < 2; half++) {
                long q = off + 16 + 32L * half;
                for (int shift = 0; shift < 8; shift += 2) {
                    for (int part = 0; part < 2; part++) {
                        int sc = u8(seg, off + is++);
                        float dl = d * (sc & 0xF);
                        float ml = min * (sc >>> 4);
                        for (int l = 0; l < 16; l++) {
                            dst[o++] = dl * ((u8(seg, q + 16 * part + l) >>> shift) & 3) - ml;
                        }
                    }
                }
            }
        }
    }

    /** The 6-bit Q3_K sub-block scale {@code j} (0..15) from the 12 packed scale bytes at {@code sOff}, minus 32. */
    static int q3kScale(MemorySegment seg, long sOff, int j) {
        int low = j < 8 ? u8(seg, sOff + j) & 0xF : u8(seg, sOff + j - 8) >>> 4;
        int high = (u8(seg, sOff + 8 + (j & 3)) >>> (2 * (j >>> 2))) & 3;
        return (low | (high << 4)) - 32;
    }

    // Q3_K: u8 hmask[32]; u8 qs[64]; u8 scales[12]; f16 d at 108.
    // y = d * (scale - 32) * (2-bit q - (high bit set ? 0 : 4))
    static void q3_K(MemorySegment seg, long off, int n, float[] dst, int dstOff) {
        int o = dstOff;
        for (int b = 0; b < n / 256; b++, off += 110) {
            float dAll = half(seg, off + 108);
            int is = 0;
            int m = 1;
            for (int half = 0; half < 2; half++) {
                long q = off + 32 + 32L * half;
                for (int shift = 0; shift < 8; shift += 2, m <<= 1) {
                    for (int part = 0; part < 2; part++) {
                        float dl = dAll * q3kScale(seg, off + 96, is++);
                        for (int l = 0; l < 16; l++) {
                            int lq = (u8(seg, q + 16 * part + l) >>> shift) & 3;
                            int hbit = u8(seg, off + 16 * part + l) & m;
                            dst[o++] = dl * (lq - (hbit != 0 ? 0 : 4));
                        }
                    }
                }
            }
        }
    }

    /** Q4_K/Q5_K 6-bit scale of sub-block {@code j} (0..7) from the 12 packed bytes at {@code sOff}. */
    static int kScale(MemorySegment seg, long sOff, int j) {
        return j < 4
                ? u8(seg, sOff + j) & 63
                : (u8(seg, sOff + j + 4) & 0xF) | ((u8(seg, sOff + j - 4) >>> 6) << 4);
    }

    /** Q4_K/Q5_K 6-bit min of sub-block {@code j} (0..7) from the 12 packed bytes at {@code sOff}. */
    static int kMin(MemorySegment seg, long sOff, int j) {
        return j < 4
                ? u8(seg, sOff + j + 4) & 63
                : (u8(seg, sOff + j + 4) >>> 4) | ((u8(seg, sOff + j) >>> 6) << 4);
    }

    // Q4_K: f16 d; f16 dmin; u8 scales[12]; u8 qs[128]. Per 64 values: 32 low nibbles (sub-block 2g),
    // then 32 high nibbles (sub-block 2g+1) of the same 32 bytes.  y = (d*sc) * q - (dmin*m)
    static void q4_K(MemorySegment seg, long off, int n, float[] dst, int dstOff) {
        int o = dstOff;
        for (int b = 0; b < n / 256; b++, off += 144) {
            float d = half(seg, off);
            float min = half(seg, off + 2);
            for (int g = 0; g < 4; g++) {
                float d1 = d * kScale(seg, off + 4, 2 * g);
                float m1 = min * kMin(seg, off + 4, 2 * g);
                float d2 = d * kScale(seg, off + 4, 2 * g + 1);
                float m2 = min * kMin(seg, off + 4, 2 * g + 1);
                long q = off + 16 + 32L * g;
                for (int l = 0; l < 32; l++) {
                    dst[o + l] = d1 * (u8(seg, q + l) & 0xF) - m1;
                    dst[o + 32 + l] = d2 * (u8(seg, q + l) >>> 4) - m2;
                }
                o += 64;
            }
        }
    }

    // Q5_K: f16 d; f16 dmin; u8 scales[12]; u8 qh[32]; u8 qs[128]. Like Q4_K plus a 5th bit from qh
    // (bit 2g for the low nibbles of group g, bit 2g+1 for the high nibbles).
    static void q5_K(MemorySegment seg, long off, int n, float[] dst, int dstOff) {
        int o = dstOff;
        for (int b = 0; b < n / 256; b++, off += 176) {
            float d = half(seg, off);
            float min = half(seg, off + 2);
            for (int g = 0; g < 4; g++) {
                float d1 = d * kScale(seg, off + 4, 2 * g);
                float m1 = min * kMin(seg, off + 4, 2 * g);
                float d2 = d * kScale(seg, off + 4, 2 * g + 1);
                float m2 = min * kMin(seg, off + 4, 2 * g + 1);
                long ql = off + 48 + 32L * g;
                int u1 = 1 << (2 * g);
                int u2 = 2 << (2 * g);
                for (int l = 0; l < 32; l++) {
                    int q = u8(seg, ql + l);
                    int h = u8(seg, off + 16 + l);
                    dst[o + l] = d1 * ((q & 0xF) + ((h & u1) != 0 ? 16 : 0)) - m1;
                    dst[o + 32 + l] = d2 * ((q >>> 4) + ((h & u2) != 0 ? 16 : 0)) - m2;
                }
                o += 64;
            }
        }
    }

    // Q6_K: u8 ql[128]; u8 qh[64]; int8 scales[16]; f16 d at 208. Per 128 values (half h):
    // y[l + 32k] = (d * sc[8h + l/16 + 2k]) * (6-bit q - 32), k = 0..3, l = 0..31.
    static void q6_K(MemorySegment seg, long off, int n, float[] dst, int dstOff) {
        int o = dstOff;
        for (int b = 0; b < n / 256; b++, off += 210) {
            float d = half(seg, off + 208);
            for (int h = 0; h < 2; h++) {
                long ql = off + 64L * h;
                long qh = off + 128 + 32L * h;
                long sc = off + 192 + 8L * h;
                for (int l = 0; l < 32; l++) {
                    int is = l / 16;
                    int a = u8(seg, ql + l);
                    int c = u8(seg, ql + l + 32);
                    int hb = u8(seg, qh + l);
                    int q1 = ((a & 0xF) | ((hb & 3) << 4)) - 32;
                    int q2 = ((c & 0xF) | (((hb >>> 2) & 3) << 4)) - 32;
                    int q3 = ((a >>> 4) | (((hb >>> 4) & 3) << 4)) - 32;
                    int q4 = ((c >>> 4) | (((hb >>> 6) & 3) << 4)) - 32;
                    dst[o + l] = d * seg.get(JAVA_BYTE, sc + is) * q1;
                    dst[o + l + 32] = d * seg.get(JAVA_BYTE, sc + is + 2) * q2;
                    dst[o + l + 64] = d * seg.get(JAVA_BYTE, sc + is + 4) * q3;
                    dst[o + l + 96] = d * seg.get(JAVA_BYTE, sc + is + 6) * q4;
                }
                o += 128;
            }
        }
    }

    // IQ4_NL: f16 d; u8 qs[16] (4-bit indices into IQ4NL_VALUES, low nibbles first).  y = d * value
    static void iq4_nl(MemorySegment seg, long off, int n, float[] dst, int dstOff) {
        for (int b = 0; b < n / 32; b++, off += 18) {
            float d = half(seg, off);
            int o = dstOff + 32 * b;
            for (int j = 0; j < 16; j++) {
                int q = u8(seg, off + 2 + j);
                dst[o + j] = d * IQ4NL_VALUES[q & 0xF];
                dst[o + j + 16] = d * IQ4NL_VALUES[q >>> 4];
            }
        }
    }

    // IQ4_XS: f16 d; u16 scales_h; u8 scales_l[4]; u8 qs[128]. Sub-block ib (32 values) has the 6-bit scale
    // ls = low nibble ib of scales_l | 2 bits ib of scales_h << 4;  y = (d * (ls - 32)) * value
    static void iq4_xs(MemorySegment seg, long off, int n, float[] dst, int dstOff) {
        int o = dstOff;
        for (int b = 0; b < n / 256; b++, off += 136) {
            float d = half(seg, off);
            int scalesH = seg.get(SHORT_LE, off + 2) & 0xFFFF;
            for (int ib = 0; ib < 8; ib++) {
                int ls = ((u8(seg, off + 4 + ib / 2) >>> (4 * (ib % 2))) & 0xF) | (((scalesH >>> (2 * ib)) & 3) << 4);
                float dl = d * (ls - 32);
                long qs = off + 8 + 16L * ib;
                for (int j = 0; j < 16; j++) {
                    int q = u8(seg, qs + j);
                    dst[o + j] = dl * IQ4NL_VALUES[q & 0xF];
                    dst[o + j + 16] = dl * IQ4NL_VALUES[q >>> 4];
                }
                o += 32;
            }
        }
    }
}
