package dev.llama3.tensor;

/**
 * IEEE 754 binary16 ("half") conversions, as ggml's {@code GGML_FP16_TO_FP32} / {@code GGML_FP32_TO_FP16}.
 *
 * <p>Half to float is exact for every bit pattern (subnormals, signed zeros, infinities; NaN payloads are kept).
 * Float to half rounds to nearest, ties to even, overflows to infinity and keeps NaN a (quiet) NaN, which is
 * what ggml computes on x86 (F16C {@code vcvtps2ph} with rounding mode 0) and in its portable fallback.
 * Both directions delegate to the JDK's {@link Float#float16ToFloat} / {@link Float#floatToFloat16}, which
 * implement exactly these semantics and are compiled to the hardware instructions where available.
 */
public final class Float16 {
    private Float16() {}

    /** The float value of the half-precision bit pattern {@code h}. */
    public static float toFloat(short h) {
        return Float.float16ToFloat(h);
    }

    /** The half-precision bit pattern nearest to {@code f} (round to nearest even). */
    public static short fromFloat(float f) {
        return Float.floatToFloat16(f);
    }
}
