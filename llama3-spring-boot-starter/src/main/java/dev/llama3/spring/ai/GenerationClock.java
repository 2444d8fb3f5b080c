package dev.llama3.spring.ai;

import dev.llama3.engine.GenerationResult;
import dev.llama3.engine.TokenListener;

/** Times one request of {@link Llama3ChatModel} from its start to its first generated token. */
final class GenerationClock {
    private final long start = System.nanoTime();
    /** Written by the generating thread, read after it finished. */
    private volatile long firstToken = -1;

    /** {@code listener}, marking the first generated token before passing it on. */
    TokenListener marking(TokenListener listener) {
        return (tokenId, text) -> {
            if (tokenId >= 0 && this.firstToken < 0) {
                this.firstToken = System.nanoTime();
            }
            return listener.onToken(tokenId, text);
        };
    }

    Llama3GenerationStats stats(String model, boolean streaming, GenerationResult result) {
        long ttft = this.firstToken < 0 ? -1 : this.firstToken - this.start;
        return new Llama3GenerationStats(model, streaming, result.promptTokens(), result.completionTokens(), ttft,
                result.promptNanos(), result.generationNanos(), Llama3ChatModel.finishReason(result.finishReason()));
    }
}
