package dev.llama3.gguf;

import java.io.IOException;

/**
 * A file is not a well-formed GGUF file this reader supports. The message names the file, what was
 * wrong and where (a byte offset, a metadata key or a tensor name).
 */
public class GgufFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public GgufFormatException(String message) {
        super(message);
    }

    public GgufFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
