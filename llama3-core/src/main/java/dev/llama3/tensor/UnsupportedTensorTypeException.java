package dev.llama3.tensor;

import dev.llama3.gguf.GgmlType;

/**
 * A tensor uses a GGML type this engine cannot compute with (for example {@code Q8_K}, which ggml only uses
 * for activations, or a type id this project does not know).
 */
public class UnsupportedTensorTypeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String tensorName;
    private final transient GgmlType type;

    /** A tensor with a known but unsupported type. */
    public UnsupportedTensorTypeException(String tensorName, GgmlType type) {
        super("tensor '" + tensorName + "' has type " + type + ", which the tensor kernels do not support (supported: "
                + WeightMatrix.SUPPORTED_TYPES + ")");
        this.tensorName = tensorName;
        this.type = type;
    }

    /** A free-form message, e.g. for type ids that have no {@link GgmlType} at all. */
    public UnsupportedTensorTypeException(String tensorName, String message) {
        super(message);
        this.tensorName = tensorName;
        this.type = null;
    }

    /** The offending tensor's name. */
    public String tensorName() {
        return tensorName;
    }

    /** The unsupported type, or null when the type has no {@link GgmlType}. */
    public GgmlType type() {
        return type;
    }
}
