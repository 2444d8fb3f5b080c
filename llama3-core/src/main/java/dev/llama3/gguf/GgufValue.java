package dev.llama3.gguf;

import java.util.List;
import java.util.Objects;

/**
 * One GGUF metadata value.
 *
 * <p>{@code value} is a {@link Long} for every integer type (UINT64 as its raw 64 bits, so values
 * above {@link Long#MAX_VALUE} are negative), a {@link Float} for FLOAT32, a {@link Double} for
 * FLOAT64, a {@link Boolean}, a {@link String}, or a {@link GgufArray} for ARRAY. The constructor
 * refuses values of the wrong class or outside the type's range.
 */
public record GgufValue(GgufValueType type, Object value) {

    public GgufValue {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        String problem = checkValue(type, value);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    public static GgufValue uint8(int v) {
        return new GgufValue(GgufValueType.UINT8, (long) v);
    }

    public static GgufValue int8(int v) {
        return new GgufValue(GgufValueType.INT8, (long) v);
    }

    public static GgufValue uint16(int v) {
        return new GgufValue(GgufValueType.UINT16, (long) v);
    }

    public static GgufValue int16(int v) {
        return new GgufValue(GgufValueType.INT16, (long) v);
    }

    public static GgufValue uint32(long v) {
        return new GgufValue(GgufValueType.UINT32, v);
    }

    public static GgufValue int32(int v) {
        return new GgufValue(GgufValueType.INT32, (long) v);
    }

    /** UINT64 from its raw 64 bits. */
    public static GgufValue uint64(long rawBits) {
        return new GgufValue(GgufValueType.UINT64, rawBits);
    }

    public static GgufValue int64(long v) {
        return new GgufValue(GgufValueType.INT64, v);
    }

    public static GgufValue float32(float v) {
        return new GgufValue(GgufValueType.FLOAT32, v);
    }

    public static GgufValue float64(double v) {
        return new GgufValue(GgufValueType.FLOAT64, v);
    }

    public static GgufValue bool(boolean v) {
        return new GgufValue(GgufValueType.BOOL, v);
    }

    public static GgufValue string(String v) {
        return new GgufValue(GgufValueType.STRING, v);
    }

    public static GgufValue array(GgufValueType elementType, List<?> elements) {
        return new GgufValue(GgufValueType.ARRAY, new GgufArray(elementType, elements));
    }

    /** The integer value (any integer type), or an exception naming the actual type. */
    public long asLong() {
        if (!type.isInteger()) {
            throw new IllegalStateException("expected an integer value but was " + type);
        }
        return (Long) value;
    }

    /** The floating-point value (FLOAT32 widened exactly), or an exception naming the actual type. */
    public double asDouble() {
        if (!type.isFloat()) {
            throw new IllegalStateException("expected a FLOAT32 or FLOAT64 value but was " + type);
        }
        return ((Number) value).doubleValue();
    }

    public boolean asBoolean() {
        if (type != GgufValueType.BOOL) {
            throw new IllegalStateException("expected a BOOL value but was " + type);
        }
        return (Boolean) value;
    }

    public String asString() {
        if (type != GgufValueType.STRING) {
            throw new IllegalStateException("expected a STRING value but was " + type);
        }
        return (String) value;
    }

    public GgufArray asArray() {
        if (type != GgufValueType.ARRAY) {
            throw new IllegalStateException("expected an ARRAY value but was " + type);
        }
        return (GgufArray) value;
    }

    @Override
    public String toString() {
        return switch (type) {
            case STRING -> type + " \"" + value + "\"";
            case UINT64 -> type + " " + Long.toUnsignedString((Long) value);
            default -> type + " " + value;
        };
    }

    /**
     * Why {@code s} cannot be written as UTF-8 (an unpaired surrogate, which {@code getBytes} would
     * silently turn into '?'), or null when it can.
     */
    static String unencodable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "string has an unpaired surrogate at index " + i + " and cannot be written as UTF-8";
            }
        }
        return null;
    }

    /** Why {@code value} cannot be a value of {@code type}, or null when it can. */
    static String checkValue(GgufValueType type, Object value) {
        if (value == null) {
            return type + " value is null";
        }
        Class<?> expected = switch (type) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> Long.class;
            case FLOAT32 -> Float.class;
            case FLOAT64 -> Double.class;
            case BOOL -> Boolean.class;
            case STRING -> String.class;
            case ARRAY -> GgufArray.class;
        };
        if (!expected.isInstance(value)) {
            return type + " value must be a " + expected.getSimpleName() + " but was a "
                    + value.getClass().getName();
        }
        if (type == GgufValueType.STRING) {
            return unencodable((String) value);
        }
        if (type.isInteger()) {
            long v = (Long) value;
            long min;
            long max;
            switch (type) {
                case UINT8 -> { min = 0; max = 0xFF; }
                case INT8 -> { min = Byte.MIN_VALUE; max = Byte.MAX_VALUE; }
                case UINT16 -> { min = 0; max = 0xFFFF; }
                case INT16 -> { min = Short.MIN_VALUE; max = Short.MAX_VALUE; }
                case UINT32 -> { min = 0; max = 0xFFFF_FFFFL; }
                case INT32 -> { min = Integer.MIN_VALUE; max = Integer.MAX_VALUE; }
                default -> { min = Long.MIN_VALUE; max = Long.MAX_VALUE; } // 64-bit: every bit pattern
            }
            if (v < min || v > max) {
                return type + " value " + v + " is outside [" + min + ", " + max + "]";
            }
        }
        return null;
    }
}
