package dev.llama3.engine;

/**
 * What a generation produced.
 *
 * @param tokens generated token ids (without the stop token)
 * @param text generated text (without a matched stop string)
 * @param finishReason why it ended
 * @param promptTokens tokens evaluated for the prompt
 * @param promptNanos time spent processing the prompt
 * @param generationNanos time spent generating
 */
public record GenerationResult(int[] tokens, String text, FinishReason finishReason, int promptTokens,
        long promptNanos, long generationNanos) {

    public int completionTokens() {
        return tokens.length;
    }

    /** Generated tokens per second (0 when nothing was generated). */
    public double tokensPerSecond() {
        return generationNanos == 0 ? 0 : tokens.length * 1e9 / generationNanos;
    }
}
