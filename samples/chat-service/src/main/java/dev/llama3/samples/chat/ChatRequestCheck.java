package dev.llama3.samples.chat;

/**
 * A check of the user's message that runs before any generation starts, on both endpoints, so that a refused stream
 * still gets an error status rather than an error event after a 200. Services built on this one declare beans of
 * this type (the guarded chat service classifies the message with Llama Guard).
 */
@FunctionalInterface
public interface ChatRequestCheck {

    /** Returns when {@code message} may go to the model; throws (an exception a {@link ChatProblemMapper} maps) if not. */
    void check(String message);
}
