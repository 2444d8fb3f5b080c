package dev.llama3.guard;

/** Which Llama Guard generation a model is; they differ in prompt framing and categories. */
public enum GuardVersion {
    /** Llama Guard 2 (8B, Llama 3): {@code [INST] ... [/INST]} framing, categories S1–S11. */
    GUARD_2,
    /** Llama Guard 3 (1B on Llama 3.2, 8B on Llama 3.1): Llama 3 chat framing, categories S1–S14 (the 1B: S1–S13). */
    GUARD_3
}
