package dev.llama3.tokenizer;

/**
 * The GGUF {@code tokenizer.ggml.token_type} values (llama.cpp's {@code llama_token_type}). They decide how a
 * token is rendered and whether special-token parsing can match it.
 */
enum TokenType {
    UNDEFINED,
    NORMAL,
    UNKNOWN,
    CONTROL,
    USER_DEFINED,
    UNUSED,
    BYTE;

    private static final TokenType[] BY_CODE = values();

    /** The type for a GGUF code; codes outside 0..6 are {@link #UNDEFINED}, as in llama.cpp. */
    static TokenType fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : UNDEFINED;
    }

    /**
     * Tokens that special-token parsing matches in text and that render as their own text: control, user-defined
     * and unknown tokens (llama.cpp's special-token cache).
     */
    boolean isSpecial() {
        return this == CONTROL || this == USER_DEFINED || this == UNKNOWN;
    }
}
