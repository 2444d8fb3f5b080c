package dev.llama3.samples.chat;

import dev.llama3.spring.ai.Llama3ChatModel;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.stereotype.Component;

/**
 * Refuses a request before any generation starts when its message is missing or blank, or when the rendered prompt
 * would not leave room for a reply in the model's context. The stream endpoint needs this: once events flow, the
 * status is already 200.
 */
@Component
class PromptGuard {

    private final Llama3ChatModel model;
    private final ChatServiceProperties properties;

    PromptGuard(Llama3ChatModel model, ChatServiceProperties properties) {
        this.model = model;
        this.properties = properties;
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
        return message;
    }
}
