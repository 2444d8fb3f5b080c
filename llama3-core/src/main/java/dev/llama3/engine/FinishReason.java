package dev.llama3.engine;

/** Why generation ended. */
public enum FinishReason {
    /** An end-of-generation token or a stop string. */
    STOP,
    /** The token limit, or the end of the context. */
    LENGTH,
    /** {@link Session#cancel()} was called or the listener asked to stop. */
    CANCELLED
}
