package dev.llama3.engine;

/** Receives generated tokens as they are decoded. */
@FunctionalInterface
public interface TokenListener {
    /**
     * Called once per generated token, in order.
     *
     * @param tokenId the token
     * @param text the newly completed text (may be empty while a UTF-8 character or a possible stop string is
     *     incomplete)
     * @return false to stop generating (finish reason {@link FinishReason#CANCELLED})
     */
    boolean onToken(int tokenId, String text);

    TokenListener NONE = (id, text) -> true;
}
