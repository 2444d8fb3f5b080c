package dev.llama3.spring.ai;

/**
 * What one generation of a {@link Llama3ChatModel} cost, for metrics.
 *
 * @param model the model's name (the GGUF's {@code general.name} or its file name)
 * @param streaming whether the generation served {@code stream} rather than {@code call}
 * @param promptTokens tokens of the rendered prompt
 * @param completionTokens tokens generated
 * @param timeToFirstTokenNanos from the start of the request (the call, or the subscription to the stream) to the first
 *     generated token; -1 when no token was generated
 * @param promptNanos time spent evaluating the prompt
 * @param generationNanos time spent generating, from the end of the prompt to the last token
 * @param finishReason {@link Llama3ChatModel#FINISH_STOP}, {@link Llama3ChatModel#FINISH_LENGTH} or
 *     {@link Llama3ChatModel#FINISH_CANCELLED}
 */
public record Llama3GenerationStats(String model, boolean streaming, int promptTokens, int completionTokens,
        long timeToFirstTokenNanos, long promptNanos, long generationNanos, String finishReason) {

    /** Generated tokens per second of generation time, or 0 when nothing was generated. */
    public double tokensPerSecond() {
        return this.completionTokens == 0 || this.generationNanos <= 0 ? 0
                : this.completionTokens * 1e9 / this.generationNanos;
    }
}
