package dev.llama3.constrain;

/**
 * Per-generation state of a {@link Constraint}: which tokens may come next. Single use, not thread-safe.
 *
 * <p>The generation loop calls {@link #mask} before sampling and {@link #accept} with the sampled token.
 */
public interface TokenConstraint {

    /**
     * Sets to {@code -Infinity} the logits of every token that may not come next, including end-of-generation
     * tokens while the output is incomplete. Logits of allowed tokens are left as they are.
     *
     * @throws IllegalArgumentException when {@code logits} does not have one entry per token of the vocabulary
     */
    void mask(float[] logits);

    /**
     * Advances past a chosen token.
     *
     * @throws IllegalStateException if the token was not allowed here
     */
    void accept(int tokenId);

    /** Whether the text so far is a complete, valid output (generation may end here). */
    boolean isComplete();
}
