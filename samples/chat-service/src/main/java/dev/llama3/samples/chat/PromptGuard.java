package dev.llama3.samples.chat;

import dev.llama3.spring.ai.Llama3ChatModel;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.stereotype.Component;

/**
 * Refuses a request before any generation starts when its message is missing or blank, or when the rendered prompt
 * would not leave room for a reply in the model's context, and then runs the {@link ChatRequestCheck} beans. The
 * stream endpoint needs this: once events flow, the status is already 200.
 */
@Component
class PromptGuard {

    private final Llama3ChatModel model;
    private final ChatServiceProperties properties;
    private final List<ChatRequestCheck> checks;

    PromptGuard(Llama3ChatModel model, ChatServiceProperties properties, ObjectProvider<ChatRequestCheck> checks) {
        this.model = model;
        this.properties = properties;
        this.checks = checks.orderedStream().toList();
    }

    /** The message, or an {@link InvalidChatRequestException} that says what is wrong with it. */
    String check(@Nullable String message) {
        if (message == null || message.isBlank()) {
            throw new InvalidChatRequestException("Missing message", "The request needs a non-blank 'message'.");
        }
        int tokens = this.model.renderPrompt(List.of(new SystemMessage(this.properties.system()),
                new UserMessage(message))).length;
        int context = this.model.getEngine().contextLength();
        if (tokens >= context) {
            throw new InvalidChatRequestException("Prompt too long", "The prompt is " + tokens
                    + " tokens but the model's context holds " + context + " (prompt and reply together): shorten the "
                    + "message or raise spring.ai.llama3.context-length.");
        }
        for (ChatRequestCheck check : this.checks) {
            check.check(message);
        }
        return message;
    }
}
