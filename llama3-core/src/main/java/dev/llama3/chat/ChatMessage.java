package dev.llama3.chat;

import java.util.Objects;

/**
 * One message of a dialog: who says it and what.
 *
 * @param role    who speaks; never null
 * @param content the text; never null (may be empty)
 */
public record ChatMessage(Role role, String content) {

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    public static ChatMessage system(String content) {
        return new ChatMessage(Role.SYSTEM, content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage(Role.USER, content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage(Role.ASSISTANT, content);
    }

    /** A tool result fed back to the model. */
    public static ChatMessage ipython(String content) {
        return new ChatMessage(Role.IPYTHON, content);
    }
}
