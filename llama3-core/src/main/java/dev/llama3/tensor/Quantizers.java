package dev.llama3.tensor;

import dev.llama3.gguf.GgmlType;
import java.util.Objects;

/**
 * Float rows to GGML block bytes, following ggml's reference quantizers ({@code quantize_row_<type>_ref}, and
 * {@code quantize_iq4_nl} / {@code quantize_iq4_xs} without an importance matrix) in float32 without fused
 * multiply-adds. Used to build synthetic models and test data; not on any hot path.
 *
 * <p>For the legacy formats (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0) and the float formats the output is byte for byte
 * what ggml's reference produces. The K-quant and IQ4 searches are the same algorithms; they use many float
 * sums, so a ggml build that contracts them into FMAs may pick a different (equally valid) scale for some blocks.
 */
public final class Quantizers {
    private Quantizers() {}

    private static final float GROUP_MAX_EPS = 1e-15f;

    /**
     * Quantizes {@code src[off .. off+n)} (n a multiple of the type's block size) to {@code n / blockSize}
     * consecutive blocks of {@code type}.
     *
     * @throws UnsupportedTensorTypeException for types without a quantizer here (Q8_1, Q8_K)
     */
    public static byte[] quantize(GgmlType type, float[] src, int off, int n) {
        Objects.requireNonNull(type, "type");
        Objects.checkFromIndexSize(off, n, src.length);
        if (n % type.blockSize() != 0) {
            throw new IllegalArgumentException(n + " values are not a whole number of " + type + " blocks of "
                    + type.blockSize());
        }
        byte[] out = new byte[Math.toIntExact(type.byteSize(n))];
        int bs = type.blockSize();
        int bb = type.blockBytes();
        switch (type) {
            case F32 -> {
                for (int i = 0; i < n; i++) {
                    putInt(out, 4 * i, Float.floatToRawIntBits(src[off + i]));
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    putShort(out, 2 * i, Float16.fromFloat(src[off + i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    putShort(out, 2 * i, BFloat16.fromFloat(src[off + i]));
                }
            }
            default -> {
                float[] scratch = new float[Math.max(bs, 256)];
                for (int b = 0; b < n / bs; b++) {
                    int x = off + b * bs;
                    int o = b * bb;
                    switch (type) {
                        case Q8_0 -> q8_0(src, x, out, o);
                        case Q4_0 -> q4_0(src, x, out, o);
                        case Q4_1 -> q4_1(src, x, out, o);
                        case Q5_0 -> q5_0(src, x, out, o);
                        case Q5_1 -> q5_1(src, x, out, o);
                        case Q2_K -> q2_K(src, x, out, o);
                        case Q3_K -> q3_K(src, x, out, o);
                        case Q4_K -> q45_K(src, x, out, o, 15);
                        case Q5_K -> q45_K(src, x, out, o, 31);
                        case Q6_K -> q6_K(src, x, out, o);
                        case IQ4_NL -> iq4(src, x, out, o, 32, scratch);
                        case IQ4_XS -> iq4(src, x, out, o, 256, scratch);
                        default -> throw new UnsupportedTensorTypeException("(quantizer)",
                                "no quantizer for " + type + " (it is not a weight format)");
                    }
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------ helpers

    static void putShort(byte[] b, int o, short v) {
        b[o] = (byte) v;
        b[o + 1] = (byte) (v >>> 8);
    }

    static void putInt(byte[] b, int o, int v) {
        b[o] = (byte) v;
        b[o + 1] = (byte) (v >>> 8);
        b[o + 2] = (byte) (v >>> 16);
        b[o + 3] = (byte) (v >>> 24);
    }

    private static void putHalf(byte[] b, int o, float v) {
        putShort(b, o, Float16.fromFloat(v));
    }

    private static float half(byte[] b, int o) {
        return Float16.toFloat((short) ((b[o] & 0xFF) | (b[o + 1] << 8)));
    }

    /** C's roundf: to nearest, ties away from zero. */
    static float roundAway(float v) {
        return (float) Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v);
    }

    /** ggml's nearest_int: round to nearest even via the 1.5 * 2^23 trick (valid for |v| < 2^22). */
    static int nearestInt(float v) {
        float t = v + 12582912f;
        return (Float.floatToRawIntBits(t) & 0x007fffff) - 0x00400000;
    }

    // ------------------------------------------------------------------------------------ legacy 32-value blocks

    private static void q8_0(float[] x, int xo, byte[] y, int yo) {
        float amax = 0;
        for (int j = 0; j < 32; j++) {
            amax = Math.max(amax, Math.abs(x[xo + j]));
        }
        float d = amax / 127;
        float id = d != 0 ? 1.0f / d : 0.0f;
        putHalf(y, yo, d);
        for (int j = 0; j < 32; j++) {
            y[yo + 2 + j] = (byte) (int) roundAway(x[xo + j] * id);
        }
    }

    /** The value of largest magnitude (the first one on ties), sign included. */
    private static float signedAbsMax(float[] x, int xo, int n) {
        float amax = 0;
        float max = 0;
        for (int j = 0; j < n; j++) {
            float v = x[xo + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        return max;
    }

    private static void q4_0(float[] x, int xo, byte[] y, int yo) {
        float max = signedAbsMax(x, xo, 32);
        float d = max / -8;
        float id = d != 0 ? 1.0f / d : 0.0f;
        putHalf(y, yo, d);
        for (int j = 0; j < 16; j++) {
            int q0 = Math.min(15, (byte) (int) (x[xo + j] * id + 8.5f));
            int q1 = Math.min(15, (byte) (int) (x[xo + 16 + j] * id + 8.5f));
            y[yo + 2 + j] = (byte) (q0 | (q1 << 4));
        }
    }

    private static void q4_1(float[] x, int xo, byte[] y, int yo) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (int j = 0; j < 32; j++) {
            float v = x[xo + j];
            if (v < min) {
                min = v;
            }
            if (v > max) {
                max = v;
            }
        }
        float d = (max - min) / 15;
        float id = d != 0 ? 1.0f / d : 0.0f;
        putHalf(y, yo, d);
        putHalf(y, yo + 2, min);
        for (int j = 0; j < 16; j++) {
            int q0 = Math.min(15, (byte) (int) ((x[xo + j] - min) * id + 0.5f));
            int q1 = Math.min(15, (byte) (int) ((x[xo + 16 + j] - min) * id + 0.5f));
            y[yo + 4 + j] = (byte) (q0 | (q1 << 4));
        }
    }

    private static void q5_0(float[] x, int xo, byte[] y, int yo) {
        float max = signedAbsMax(x, xo, 32);
        float d = max / -16;
        float id = d != 0 ? 1.0f / d : 0.0f;
        putHalf(y, yo, d);
        int qh = 0;
        for (int j = 0; j < 16; j++) {
            int q0 = Math.min(31, (byte) (int) (x[xo + j] * id + 16.5f)) & 0xFF;
            int q1 = Math.min(31, (byte) (int) (x[xo + 16 + j] * id + 16.5f)) & 0xFF;
            y[yo + 6 + j] = (byte) ((q0 & 0x0F) | ((q1 & 0x0F) << 4));
            qh |= ((q0 & 0x10) >>> 4) << j;
            qh |= ((q1 & 0x10) >>> 4) << (j + 16);
        }
        putInt(y, yo + 2, qh);
    }

    private static void q5_1(float[] x, int xo, byte[] y, int yo) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (int j = 0; j < 32; j++) {
            float v = x[xo + j];
            if (v < min) {
                min = v;
            }
            if (v > max) {
                max = v;
            }
        }
        float d = (max - min) / 31;
        float id = d != 0 ? 1.0f / d : 0.0f;
        putHalf(y, yo, d);
        putHalf(y, yo + 2, min);
        int qh = 0;
        for (int j = 0; j < 16; j++) {
            int q0 = ((int) ((x[xo + j] - min) * id + 0.5f)) & 0xFF;
            int q1 = ((int) ((x[xo + 16 + j] - min) * id + 0.5f)) & 0xFF;
            y[yo + 8 + j] = (byte) ((q0 & 0x0F) | ((q1 & 0x0F) << 4));
            qh |= ((q0 & 0x10) >>> 4) << j;
            qh |= ((q1 & 0x10) >>> 4) << (j + 16);
        }
        putInt(y, yo + 4, qh);
    }

    // ------------------------------------------------------------------------------------ K-quant searches

    /**
     * ggml's make_qkx2_quants: an asymmetric (scale, min) fit of {@code n} values to levels 0..nmax that
     * minimizes the weighted error over a few candidate scales. Fills {@code L}; returns the scale, and the
     * (positive) min in {@code theMin[0]}.
     */
    private static float makeQkx2Quants(int n, int nmax, float[] x, int xo, float[] weights, int[] L, int lo,
                                        float[] theMin, int[] laux, float rmin, float rdelta, int nstep,
                                        boolean useMad) {
        float min = x[xo];
        float max = x[xo];
        float sumW = weights[0];
        float sumX = sumW * x[xo];
        for (int i = 1; i < n; i++) {
            float v = x[xo + i];
            if (v < min) {
                min = v;
            }
            if (v > max) {
                max = v;
            }
            float w = weights[i];
            sumW += w;
            sumX += w * v;
        }
        if (min > 0) {
            min = 0;
        }
        if (max == min) {
            for (int i = 0; i < n; i++) {
                L[lo + i] = 0;
            }
            theMin[0] = -min;
            return 0.f;
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestError = 0;
        for (int i = 0; i < n; i++) {
            int l = nearestInt(iscale * (x[xo + i] - min));
            L[lo + i] = Math.max(0, Math.min(nmax, l));
            float diff = scale * L[lo + i] + min - x[xo + i];
            diff = useMad ? Math.abs(diff) : diff * diff;
            bestError += weights[i] * diff;
        }
        if (nstep < 1) {
            theMin[0] = -min;
            return scale;
        }
        for (int is = 0; is <= nstep; is++) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0;
            float sumL2 = 0;
            float sumXL = 0;
            for (int i = 0; i < n; i++) {
                int l = nearestInt(iscale * (x[xo + i] - min));
                l = Math.max(0, Math.min(nmax, l));
                laux[i] = l;
                float w = weights[i];
                sumL += w * l;
                sumL2 += w * l * l;
                sumXL += w * l * x[xo + i];
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det > 0) {
                float thisScale = (sumW * sumXL - sumX * sumL) / det;
                float thisMin = (sumL2 * sumX - sumL * sumXL) / det;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXL / sumL2;
                }
                float curError = 0;
                for (int i = 0; i < n; i++) {
                    float diff = thisScale * laux[i] + thisMin - x[xo + i];
                    diff = useMad ? Math.abs(diff) : diff * diff;
                    curError += weights[i] * diff;
                }
                if (curError < bestError) {
                    for (int i = 0; i < n; i++) {
                        L[lo + i] = laux[i];
                    }
                    bestError = curError;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        theMin[0] = -min;
        return scale;
    }

    /**
     * ggml's make_qx_quants with rmse_type 1 and no importance weights: a symmetric fit of {@code n} values to
     * levels -nmax..nmax-1 (stored in {@code L} shifted by +nmax), weighted by x^2; returns the scale.
     */
    private static float makeQxQuants(int n, int nmax, float[] x, int xo, int[] L, int lo) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[xo + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xo + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            for (int i = 0; i < n; i++) {
                L[lo + i] = 0;
            }
            return 0.f;
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; i++) {
            float v = x[xo + i];
            int l = nearestInt(iscale * v);
            l = Math.max(-nmax, Math.min(nmax - 1, l));
            L[lo + i] = l + nmax;
            float w = v * v;
            sumlx += w * v * l;
            suml2 += w * l * l;
        }
        float scale = suml2 != 0 ? sumlx / suml2 : 0.0f;
        float best = scale * sumlx;
        for (int is = -9; is <= 9; is++) {
            if (is == 0) {
                continue;
            }
            iscale = -(nmax + 0.1f * is) / max;
            sumlx = 0;
            suml2 = 0;
            for (int i = 0; i < n; i++) {
                float v = x[xo + i];
                int l = nearestInt(iscale * v);
                l = Math.max(-nmax, Math.min(nmax - 1, l));
                float w = v * v;
                sumlx += w * v * l;
                suml2 += w * l * l;
            }
            if (suml2 > 0 && sumlx * sumlx > best * suml2) {
                for (int i = 0; i < n; i++) {
                    int l = nearestInt(iscale * x[xo + i]);
                    L[lo + i] = nmax + Math.max(-nmax, Math.min(nmax - 1, l));
                }
                scale = sumlx / suml2;
                best = scale * sumlx;
            }
        }
        return scale;
    }

    /** ggml's make_q3_quants with do_rmse: levels -nmax..nmax-1 (stored +nmax), x^2-weighted refinement. */
    private static float makeQ3Quants(int n, int nmax, float[] x, int xo, int[] L, int lo) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[xo + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xo + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            for (int i = 0; i < n; i++) {
                L[lo + i] = 0;
            }
            return 0.f;
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; i++) {
            float v = x[xo + i];
            int l = nearestInt(iscale * v);
            l = Math.max(-nmax, Math.min(nmax - 1, l));
            L[lo + i] = l;
            float w = v * v;
            sumlx += w * v * l;
            suml2 += w * l * l;
        }
        for (int itry = 0; itry < 5; itry++) {
            int nChanged = 0;
            for (int i = 0; i < n; i++) {
                float v = x[xo + i];
                float w = v * v;
                float slx = sumlx - w * v * L[lo + i];
                if (slx > 0) {
                    float sl2 = suml2 - w * L[lo + i] * L[lo + i];
                    int newL = nearestInt(v * sl2 / slx);
                    newL = Math.max(-nmax, Math.min(nmax - 1, newL));
                    if (newL != L[lo + i]) {
                        slx += w * v * newL;
                        sl2 += w * newL * newL;
                        if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
                            L[lo + i] = newL;
                            sumlx = slx;
                            suml2 = sl2;
                            nChanged++;
                        }
                    }
                }
            }
            if (nChanged == 0) {
                break;
            }
        }
        for (int i = 0; i < n; i++) {
            L[lo + i] += nmax;
        }
        return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
    }

    // ------------------------------------------------------------------------------------ K-quant blocks

    /** Packs 2-bit levels L[0..256) as Q2_K/Q3_K do: byte 32h + l holds values 128h + l + 32k at bits 2k. */
    private static void pack2Bit(int[] L, byte[] y, int qo) {
        for (int j = 0; j < 256; j += 128) {
            for (int l = 0; l < 32; l++) {
                y[qo + j / 4 + l] = (byte) (L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6));
            }
        }
    }

    private static void q2_K(float[] x, int xo, byte[] y, int yo) {
        int[] L = new int[256];
        int[] laux = new int[16];
        float[] weights = new float[16];
        float[] mins = new float[16];
        float[] scales = new float[16];
        float[] theMin = new float[1];
        float q4scale = 15.f;
        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < 16; j++) {
            for (int l = 0; l < 16; l++) {
                weights[l] = Math.abs(x[xo + 16 * j + l]);
            }
            scales[j] = makeQkx2Quants(16, 3, x, xo + 16 * j, weights, L, 16 * j, theMin, laux, -0.5f, 0.1f, 15, true);
            mins[j] = theMin[0];
            maxScale = Math.max(maxScale, scales[j]);
            maxMin = Math.max(maxMin, mins[j]);
        }
        int[] sc = new int[16];
        if (maxScale > 0) {
            float iscale = q4scale / maxScale;
            for (int j = 0; j < 16; j++) {
                sc[j] = nearestInt(iscale * scales[j]) & 0xFF;
            }
            putHalf(y, yo + 80, maxScale / q4scale);
        } else {
            putHalf(y, yo + 80, 0.f);
        }
        if (maxMin > 0) {
            float iscale = q4scale / maxMin;
            for (int j = 0; j < 16; j++) {
                sc[j] = (sc[j] | (nearestInt(iscale * mins[j]) << 4)) & 0xFF;
            }
            putHalf(y, yo + 82, maxMin / q4scale);
        } else {
            putHalf(y, yo + 82, 0.f);
        }
        for (int j = 0; j < 16; j++) {
            y[yo + j] = (byte) sc[j];
        }
        float dAll = half(y, yo + 80);
        float mAll = half(y, yo + 82);
        for (int j = 0; j < 16; j++) {
            float d = dAll * (sc[j] & 0xF);
            if (d == 0) {
                continue;
            }
            float dm = mAll * (sc[j] >>> 4);
            for (int ii = 0; ii < 16; ii++) {
                int l = nearestInt((x[xo + 16 * j + ii] + dm) / d);
                L[16 * j + ii] = Math.max(0, Math.min(3, l));
            }
        }
        pack2Bit(L, y, yo + 16);
    }

    private static void q3_K(float[] x, int xo, byte[] y, int yo) {
        int[] L = new int[256];
        float[] scales = new float[16];
        float maxScale = 0;
        float amax = 0;
        for (int j = 0; j < 16; j++) {
            scales[j] = makeQ3Quants(16, 4, x, xo + 16 * j, L, 16 * j);
            float scale = Math.abs(scales[j]);
            if (scale > amax) {
                amax = scale;
                maxScale = scales[j];
            }
        }
        int so = yo + 96;
        for (int j = 0; j < 12; j++) {
            y[so + j] = 0;
        }
        if (maxScale != 0) {
            float iscale = -32.f / maxScale;
            for (int j = 0; j < 16; j++) {
                int l = (byte) nearestInt(iscale * scales[j]);
                l = Math.max(-32, Math.min(31, l)) + 32;
                if (j < 8) {
                    y[so + j] = (byte) (l & 0xF);
                } else {
                    y[so + j - 8] |= (byte) ((l & 0xF) << 4);
                }
                l >>= 4;
                y[so + j % 4 + 8] |= (byte) (l << (2 * (j / 4)));
            }
            putHalf(y, yo + 108, 1 / iscale);
        } else {
            putHalf(y, yo + 108, 0.f);
        }
        float dAll = half(y, yo + 108);
        for (int j = 0; j < 16; j++) {
            int low = j < 8 ? y[so + j] & 0xF : (y[so + j - 8] & 0xFF) >>> 4;
            int sc = (low | (((y[so + 8 + j % 4] & 0xFF) >>> (2 * (j / 4))) & 3) << 4) - 32;
            float d = dAll * sc;
            if (d == 0) {
                continue;
            }
            for (int ii = 0; ii < 16; ii++) {
                int l = nearestInt(x[xo + 16 * j + ii] / d);
                L[16 * j + ii] = Math.max(-4, Math.min(3, l)) + 4;
            }
        }
        for (int j = 0; j < 32; j++) {
            y[yo + j] = 0;
        }
        int m = 0;
        int hm = 1;
        for (int j = 0; j < 256; j++) {
            if (L[j] > 3) {
                y[yo + m] |= (byte) hm;
                L[j] -= 4;
            }
            if (++m == 32) {
                m = 0;
                hm <<= 1;
            }
        }
        pack2Bit(L, y, yo + 32);
    }

    /** Q4_K (nmax 15) and Q5_K (nmax 31): eight 32-value sub-blocks with 6-bit scales and mins. */
    private static void q45_K(float[] x, int xo, byte[] y, int yo, int nmax) {
        boolean five = nmax == 31;
        int[] L = new int[256];
        int[] laux = new int[32];
        float[] weights = new float[32];
        float[] mins = new float[8];
        float[] scales = new float[8];
        float[] theMin = new float[1];
        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < 8; j++) {
            float sumX2 = 0;
            for (int l = 0; l < 32; l++) {
                sumX2 += x[xo + 32 * j + l] * x[xo + 32 * j + l];
            }
            float avX = (float) Math.sqrt(sumX2 / 32);
            for (int l = 0; l < 32; l++) {
                weights[l] = avX + Math.abs(x[xo + 32 * j + l]);
            }
            scales[j] = five
                    ? makeQkx2Quants(32, 31, x, xo + 32 * j, weights, L, 32 * j, theMin, laux, -0.5f, 0.1f, 15, false)
                    : makeQkx2Quants(32, 15, x, xo + 32 * j, weights, L, 32 * j, theMin, laux, -1.f, 0.1f, 20, false);
            mins[j] = theMin[0];
            if (scales[j] > maxScale) {
                maxScale = scales[j];
            }
            if (mins[j] > maxMin) {
                maxMin = mins[j];
            }
        }
        float invScale = maxScale > 0 ? 63.f / maxScale : 0.f;
        float invMin = maxMin > 0 ? 63.f / maxMin : 0.f;
        int so = yo + 4;
        for (int j = 0; j < 8; j++) {
            int ls = Math.min(63, nearestInt(invScale * scales[j]) & 0xFF);
            int lm = Math.min(63, nearestInt(invMin * mins[j]) & 0xFF);
            if (j < 4) {
                y[so + j] = (byte) ls;
                y[so + j + 4] = (byte) lm;
            } else {
                y[so + j + 4] = (byte) ((ls & 0xF) | ((lm & 0xF) << 4));
                y[so + j - 4] |= (byte) ((ls >>> 4) << 6);
                y[so + j] |= (byte) ((lm >>> 4) << 6);
            }
        }
        putHalf(y, yo, maxScale / 63.f);
        putHalf(y, yo + 2, maxMin / 63.f);
        float dAll = half(y, yo);
        float mAll = half(y, yo + 2);
        for (int j = 0; j < 8; j++) {
            int sc = j < 4 ? y[so + j] & 63 : (y[so + j + 4] & 0xF) | (((y[so + j - 4] & 0xFF) >>> 6) << 4);
            int mn = j < 4 ? y[so + j + 4] & 63 : ((y[so + j + 4] & 0xFF) >>> 4) | (((y[so + j] & 0xFF) >>> 6) << 4);
            float d = dAll * sc;
            if (d == 0) {
                continue;
            }
            float dm = mAll * mn;
            for (int ii = 0; ii < 32; ii++) {
                int l = nearestInt((x[xo + 32 * j + ii] + dm) / d);
                L[32 * j + ii] = Math.max(0, Math.min(nmax, l));
            }
        }
        if (!five) {
            for (int j = 0, q = yo + 16; j < 256; j += 64, q += 32) {
                for (int l = 0; l < 32; l++) {
                    y[q + l] = (byte) (L[j + l] | (L[j + l + 32] << 4));
                }
            }
            return;
        }
        int qh = yo + 16;
        int ql = yo + 48;
        for (int j = 0; j < 32; j++) {
            y[qh + j] = 0;
        }
        int m1 = 1;
        int m2 = 2;
        for (int n = 0; n < 256; n += 64) {
            for (int j = 0; j < 32; j++) {
                int l1 = L[n + j];
                if (l1 > 15) {
                    l1 -= 16;
                    y[qh + j] |= (byte) m1;
                }
                int l2 = L[n + j + 32];
                if (l2 > 15) {
                    l2 -= 16;
                    y[qh + j] |= (byte) m2;
                }
                y[ql + j] = (byte) (l1 | (l2 << 4));
            }
            m1 <<= 2;
            m2 <<= 2;
            ql += 32;
        }
    }

    private static void q6_K(float[] x, int xo, byte[] y, int yo) {
        int[] L = new int[256];
        float[] scales = new float[16];
        float maxScale = 0;
        float maxAbsScale = 0;
        for (int ib = 0; ib < 16; ib++) {
            float scale = makeQxQuants(16, 32, x, xo + 16 * ib, L, 16 * ib);
            scales[ib] = scale;
            float abs = Math.abs(scale);
            if (abs > maxAbsScale) {
                maxAbsScale = abs;
                maxScale = scale;
            }
        }
        if (maxAbsScale < GROUP_MAX_EPS) {
            java.util.Arrays.fill(y, yo, yo + 210, (byte) 0);
            return;
        }
        float iscale = -128.f / maxScale;
        putHalf(y, yo + 208, 1 / iscale);
        for (int ib = 0; ib < 16; ib++) {
            y[yo + 192 + ib] = (byte) Math.min(127, nearestInt(iscale * scales[ib]));
        }
        float dAll = half(y, yo + 208);
        for (int j = 0; j < 16; j++) {
            float d = dAll * y[yo + 192 + j];
            if (d == 0) {
                continue;
            }
            for (int ii = 0; ii < 16; ii++) {
                int l = nearestInt(x[xo + 16 * j + ii] / d);
                L[16 * j + ii] = Math.max(-32, Math.min(31, l)) + 32;
            }
        }
        for (int j = 0, ql = yo, qh = yo + 128; j < 256; j += 128, ql += 64, qh += 32) {
            for (int l = 0; l < 32; l++) {
                int q1 = L[j + l] & 0xF;
                int q2 = L[j + l + 32] & 0xF;
                int q3 = L[j + l + 64] & 0xF;
                int q4 = L[j + l + 96] & 0xF;
                y[ql + l] = (byte) (q1 | (q3 << 4));
                y[ql + l + 32] = (byte) (q2 | (q4 << 4));
                y[qh + l] = (byte) ((L[j + l] >>> 4) | ((L[j + l + 32] >>> 4) << 2) | ((L[j + l + 64] >>> 4) << 4)
                        | ((L[j + l + 96] >>> 4) << 6));
            }
        }
    }

    // ------------------------------------------------------------------------------------ IQ4_NL / IQ4_XS

    /** Index of the IQ4_NL level nearest to {@code x} (ties to the upper level). */
    private static int bestIndexIq4(float x) {
        byte[] v = Dequantizer.IQ4NL_VALUES;
        float x2 = x + x;
        int idx = 0;
        for (int step = 8; step > 0; step >>= 1) {
            int j = idx + step;
            idx = x2 >= (float) (v[j - 1] + v[j]) ? j : idx;
        }
        return idx;
    }

    /**
     * ggml's quantize_row_iq4_nl_impl without importance weights (weights x^2, 7 scale trials): one super-block
     * of {@code superSize} values (32 for IQ4_NL, 256 for IQ4_XS) in 32-value blocks.
     */
    private static void iq4(float[] x, int xo, byte[] y, int yo, int superSize, float[] scales) {
        byte[] values = Dequantizer.IQ4NL_VALUES;
        int ntry = 7;
        int nb = superSize / 32;
        int[] L = new int[superSize];
        float maxScale = 0;
        float amaxScale = 0;
        for (int ib = 0; ib < nb; ib++) {
            int xb = xo + 32 * ib;
            float amax = 0;
            float max = 0;
            for (int j = 0; j < 32; j++) {
                float ax = Math.abs(x[xb + j]);
                if (ax > amax) {
                    amax = ax;
                    max = x[xb + j];
                }
            }
            if (amax < GROUP_MAX_EPS) {
                scales[ib] = 0;
                continue;
            }
            float d = -max / values[0];
            float id = 1 / d;
            float sumqx = 0;
            float sumq2 = 0;
            for (int j = 0; j < 32; j++) {
                float v = x[xb + j];
                int l = bestIndexIq4(id * v);
                L[32 * ib + j] = l;
                float q = values[l];
                float w = v * v;
                sumqx += w * q * v;
                sumq2 += w * q * q;
            }
            d = sumqx / sumq2;
            float best = d * sumqx;
            for (int itry = -ntry; itry <= ntry; itry++) {
                id = (itry + values[0]) / max;
                sumqx = 0;
                sumq2 = 0;
                for (int j = 0; j < 32; j++) {
                    float v = x[xb + j];
                    float q = values[bestIndexIq4(id * v)];
                    float w = v * v;
                    sumqx += w * q * v;
                    sumq2 += w * q * q;
                }
                if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
                    d = sumqx / sumq2;
                    best = d * sumqx;
                }
            }
            scales[ib] = d;
            float absD = Math.abs(d);
            if (absD > amaxScale) {
                amaxScale = absD;
                maxScale = d;
            }
        }
        int qs;
        if (nb > 1) {
            // IQ4_XS: f16 d; u16 scales_h; u8 scales_l[4]; u8 qs[128]
            float d = -maxScale / 32;
            putHalf(y, yo, d);
            float id = d != 0 ? 1 / d : 0.f;
            int scalesH = 0;
            for (int j = 0; j < 4; j++) {
                y[yo + 4 + j] = 0;
            }
            for (int ib = 0; ib < nb; ib++) {
                int l = nearestInt(id * scales[ib]);
                l = Math.max(-32, Math.min(31, l));
                float dl = d * l;
                float idl = dl != 0 ? 1 / dl : 0.f;
                for (int j = 0; j < 32; j++) {
                    L[32 * ib + j] = bestIndexIq4(idl * x[xo + 32 * ib + j]);
                }
                l += 32;
                int lLow = l & 0xF;
                int lHigh = l >>> 4;
                y[yo + 4 + ib / 2] |= (byte) (ib % 2 == 0 ? lLow : lLow << 4);
                scalesH |= lHigh << (2 * (ib % 8));
            }
            putShort(y, yo + 2, (short) scalesH);
            qs = yo + 8;
        } else {
            // IQ4_NL: f16 d; u8 qs[16]
            putHalf(y, yo, scales[0]);
            float id = scales[0] != 0 ? 1 / scales[0] : 0;
            for (int j = 0; j < 32; j++) {
                L[j] = bestIndexIq4(id * x[xo + j]);
            }
            qs = yo + 2;
        }
        for (int i = 0; i < superSize / 32; i++) {
            for (int j = 0; j < 16; j++) {
                y[qs + 16 * i + j] = (byte) (L[32 * i + j] | (L[32 * i + 16 + j] << 4));
            }
        }
    }
}
