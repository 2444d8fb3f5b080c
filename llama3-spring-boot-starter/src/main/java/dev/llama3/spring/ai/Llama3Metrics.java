package dev.llama3.spring.ai;

/**
 * Receives one {@link Llama3GenerationStats} per finished generation of a {@link Llama3ChatModel} (a call, or a stream
 * when it completes or is cancelled). The starter's Micrometer integration implements it when a {@code MeterRegistry}
 * is present; {@link #NOOP} is the default.
 *
 * <p>Implementations run on the generating thread right after the last token: keep them cheap and never throw (an
 * exception is logged and otherwise ignored, the reply is unaffected).
 */
@FunctionalInterface
public interface Llama3Metrics {

    /** Records nothing. */
    Llama3Metrics NOOP = stats -> {};

    /** Called once when a generation ends, whatever the finish reason. */
    void generationCompleted(Llama3GenerationStats stats);
}
