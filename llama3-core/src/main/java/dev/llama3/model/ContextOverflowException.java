package dev.llama3.model;

/** Thrown when a prompt plus generated tokens would not fit the session's context. */
public class ContextOverflowException extends IllegalStateException {
    private final int required;
    private final int capacity;

    public ContextOverflowException(int required, int capacity) {
        super("context overflow: " + required + " tokens needed but the context holds " + capacity
                + " (raise the context length or shorten the prompt)");
        this.required = required;
        this.capacity = capacity;
    }

    public int required() {
        return required;
    }

    public int capacity() {
        return capacity;
    }
}
