package dev.llama3.spring.autoconfigure;

/** Where the forward pass runs ({@code spring.ai.llama3.backend}). */
public enum Llama3Backend {
    /** The best backend that is available: a GPU backend when one is on the classpath and usable, else the CPU. */
    AUTO,
    /** The Java Vector API on the CPU; always available. */
    CPU,
    /** A GPU through TornadoVM (module {@code llama3-tornadovm}). */
    TORNADOVM
}
