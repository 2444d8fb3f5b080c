package dev.llama3.gguf;

/**
 * The GGML tensor element types this project knows, with ggml's type ids and block geometry.
 *
 * <p>A quantized type stores values in blocks of {@link #blockSize()} elements taking
 * {@link #blockBytes()} bytes; a row of {@code n} elements (n a multiple of the block size) takes
 * {@code n / blockSize * blockBytes} bytes.
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q4_1(3, 32, 20),
    Q5_0(6, 32, 22),
    Q5_1(7, 32, 24),
    Q8_0(8, 32, 34),
    Q8_1(9, 32, 36),
    Q2_K(10, 256, 84),
    Q3_K(11, 256, 110),
    Q4_K(12, 256, 144),
    Q5_K(13, 256, 176),
    Q6_K(14, 256, 210),
    Q8_K(15, 256, 292),
    IQ4_NL(20, 32, 18),
    IQ4_XS(23, 256, 136),
    BF16(30, 1, 2);

    private static final GgmlType[] BY_ID = new GgmlType[64];

    static {
        for (GgmlType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    private final int id;
    private final int blockSize;
    private final int blockBytes;

    GgmlType(int id, int blockSize, int blockBytes) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    /** ggml's numeric type id, as stored in GGUF tensor infos. */
    public int id() {
        return id;
    }

    /** Number of elements per block (1 for plain float types). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int blockBytes() {
        return blockBytes;
    }

    /** True for block-quantized types. */
    public boolean isQuantized() {
        return blockSize > 1;
    }

    /**
     * Bytes needed for {@code elements} values, or -1 when {@code elements} is not a multiple of the
     * block size or the result would overflow a long.
     */
    public long byteSize(long elements) {
        if (elements < 0 || elements % blockSize != 0) {
            return -1;
        }
        long blocks = elements / blockSize;
        if (blocks > Long.MAX_VALUE / blockBytes) {
            return -1;
        }
        return blocks * blockBytes;
    }

    /** ggml's names of the types this project does not implement, by id (for error messages). */
    private static final java.util.Map<Long, String> OTHER_GGML_TYPES = java.util.Map.ofEntries(
            java.util.Map.entry(4L, "Q4_2 (removed)"), java.util.Map.entry(5L, "Q4_3 (removed)"),
            java.util.Map.entry(16L, "IQ2_XXS"), java.util.Map.entry(17L, "IQ2_XS"), java.util.Map.entry(18L, "IQ3_XXS"),
            java.util.Map.entry(19L, "IQ1_S"), java.util.Map.entry(21L, "IQ3_S"), java.util.Map.entry(22L, "IQ2_S"),
            java.util.Map.entry(24L, "I8"), java.util.Map.entry(25L, "I16"), java.util.Map.entry(26L, "I32"),
            java.util.Map.entry(27L, "I64"), java.util.Map.entry(28L, "F64"), java.util.Map.entry(29L, "IQ1_M"),
            java.util.Map.entry(34L, "TQ1_0"), java.util.Map.entry(35L, "TQ2_0"), java.util.Map.entry(39L, "MXFP4"));

    /** " (NAME)" for a ggml type id this project does not implement but ggml defines, else "" (unknown id). */
    public static String describeUnsupported(long id) {
        String name = OTHER_GGML_TYPES.get(id);
        return name == null ? " (unknown to ggml)" : " (" + name + ")";
    }

    /** The type with ggml id {@code id}, or null when the id is unknown to this project. */
    public static GgmlType byId(long id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[(int) id] : null;
    }
}
