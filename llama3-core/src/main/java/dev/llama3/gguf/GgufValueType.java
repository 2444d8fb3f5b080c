package dev.llama3.gguf;

/** The metadata value types of the GGUF format, with their on-disk type ids. */
public enum GgufValueType {
    UINT8(0, 1),
    INT8(1, 1),
    UINT16(2, 2),
    INT16(3, 2),
    UINT32(4, 4),
    INT32(5, 4),
    FLOAT32(6, 4),
    BOOL(7, 1),
    STRING(8, 8),
    ARRAY(9, 12),
    UINT64(10, 8),
    INT64(11, 8),
    FLOAT64(12, 8);

    private static final GgufValueType[] BY_ID = values();

    private final int id;
    private final int minBytes;

    GgufValueType(int id, int minBytes) {
        this.id = id;
        this.minBytes = minBytes;
    }

    /** The type id stored in GGUF files. */
    public int id() {
        return id;
    }

    /**
     * The fewest bytes one value of this type takes on disk (a string's length prefix, an array's
     * element type and count). Used to refuse impossible counts before allocating anything.
     */
    int minBytes() {
        return minBytes;
    }

    /** True for the eight integer types (BOOL excluded). */
    public boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    /** True for FLOAT32 and FLOAT64. */
    public boolean isFloat() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /** The type with GGUF id {@code id}, or null when the id is unknown. */
    public static GgufValueType byId(long id) {
        // ids are dense 0..12 in declaration order
        return id >= 0 && id < BY_ID.length ? BY_ID[(int) id] : null;
    }
}
