package dev.llama3.tensor;

/**
 * bfloat16 conversions (the upper 16 bits of an IEEE float32), as ggml's {@code GGML_BF16_TO_FP32} /
 * {@code GGML_FP32_TO_BF16}.
 */
public final class BFloat16 {
    private BFloat16() {}

    /** The float value of the bfloat16 bit pattern {@code b} (exact: the bits become the float's upper half). */
    public static float toFloat(short b) {
        return Float.intBitsToFloat(b << 16);
    }

    /**
     * The bfloat16 nearest to {@code f}: round to nearest, ties to even (carrying into the exponent, so large
     * values overflow to infinity); subnormals are rounded like any other value; a NaN stays a NaN with its
     * quiet bit set (ggml's {@code ggml_compute_fp32_to_bf16}).
     */
    public static short fromFloat(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7fffffff) > 0x7f800000) {
            return (short) ((u >>> 16) | 0x40);
        }
        return (short) ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16);
    }
}
