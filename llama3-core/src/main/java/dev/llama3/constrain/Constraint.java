package dev.llama3.constrain;

/** A compiled, reusable, thread-safe constraint on generated text; {@link #start()} makes the per-generation state. */
public interface Constraint {

    /** Fresh state for one generation. */
    TokenConstraint start();
}
