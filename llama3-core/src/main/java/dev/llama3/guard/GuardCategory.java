package dev.llama3.guard;

import java.util.Objects;

/**
 * One hazard category of a Llama Guard policy.
 *
 * @param code what the model writes in its verdict, e.g. {@code S1}
 * @param name the short name listed in the prompt, e.g. {@code Violent Crimes.}
 * @param description optional longer policy text listed under the name (empty for none); Meta's defaults list names
 *     only, custom categories are best described
 */
public record GuardCategory(String code, String name, String description) {

    public GuardCategory {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        if (!code.matches("S[1-9][0-9]?")) {
            throw new IllegalArgumentException("category code must be S1 .. S99, got '" + code + "'");
        }
        if (name.isBlank() || name.contains("\n")) {
            throw new IllegalArgumentException("category name must be one non-blank line, got '" + name + "'");
        }
    }

    public GuardCategory(String code, String name) {
        this(code, name, "");
    }

    /** The number in the code ({@code S10} gives 10). */
    public int number() {
        return Integer.parseInt(code.substring(1));
    }
}
