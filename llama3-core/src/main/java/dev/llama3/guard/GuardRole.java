package dev.llama3.guard;

/** Whose message is judged: the user's (input filtering) or the assistant's (output filtering). */
public enum GuardRole {
    USER("User"),
    AGENT("Agent");

    private final String label;

    GuardRole(String label) {
        this.label = label;
    }

    /** How the prompt names the role ({@code User} / {@code Agent}). */
    public String label() {
        return label;
    }
}
