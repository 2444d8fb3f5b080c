package dev.llama3.model;

import java.util.Locale;

/**
 * How the keys and values in a {@link KvCache} are stored.
 *
 * <p>{@link #F32} is the default because only it keeps the engine within the 1e-4 bound of the fixtures' exact
 * float64 references (fixtures README 3.1), which were made, like the llama.cpp goldens, with a float32 cache.
 * {@link #F16} (llama.cpp's default cache type) halves the cache's memory and the memory traffic of attention,
 * which at long contexts is what decoding time goes to, at the price of binary16's 11 significant bits: each
 * stored key and value is rounded to nearest-even (as ggml's {@code GGML_FP32_TO_FP16}), 2^-11 = 4.9e-4
 * relative at most, and widened exactly when read; queries, scores, softmax and the weighted sum stay float32.
 * Measured {@code max|engine - exact| / max|exact|} of the last position's logits, over the four fixture prompts:
 * <pre>
 *   model            F32 cache   F16 cache
 *   tiny64-f32       1.1e-06     1.5e-03
 *   tiny64-f16       7.3e-07     1.4e-03
 *   tiny64-q8_0      6.1e-07     1.7e-03
 *   tiny64-q4_0      7.6e-07     1.1e-03
 *   tiny256-q4_k_m   7.3e-07     1.0e-03
 * </pre>
 * The F16 error is the storage rounding itself, not the arithmetic: against a float64 reference that attends over
 * the engine's stored binary16 keys and values the F16 engine stays within 1e-4 (SyntheticModelTest). Choose F16 where memory or long-context speed matters
 * more than bit-level agreement with float32 references (quantized weights already differ from them by more).
 */
public enum KvCacheType {
    /** IEEE binary32, 4 bytes per value. */
    F32(Float.BYTES),
    /** IEEE binary16, 2 bytes per value, rounded to nearest-even. */
    F16(Short.BYTES);

    /**
     * System property that overrides the default type ({@code F16} or {@code F32}), e.g. to run a test suite or
     * the CLI with a half-size cache without code changes.
     */
    public static final String DEFAULT_PROPERTY = "llama3.kvCacheType";

    private final int bytesPerValue;

    KvCacheType(int bytesPerValue) {
        this.bytesPerValue = bytesPerValue;
    }

    /** Bytes of one stored key or value element. */
    public int bytesPerValue() {
        return bytesPerValue;
    }

    /** {@link #F32}, unless the system property {@value #DEFAULT_PROPERTY} names another type. */
    public static KvCacheType defaultType() {
        String configured = System.getProperty(DEFAULT_PROPERTY);
        if (configured == null || configured.isBlank()) {
            return F32;
        }
        return parse(configured);
    }

    /** The type named {@code name} (case-insensitive, e.g. {@code "f16"}). */
    public static KvCacheType parse(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        for (KvCacheType t : values()) {
            if (t.name().equals(n)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown KV cache type '" + name + "'; expected F16 or F32");
    }
}
