package dev.llama3.spring.ai;

import dev.llama3.chat.ChatMessage;
import dev.llama3.chat.ToolPrompt;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;

/**
 * Turns Spring AI messages into the Llama 3 dialog's messages: system, user and assistant keep their role; an
 * assistant's tool call becomes the JSON the model wrote for it ({@code {"name": ..., "parameters": ...}}, see
 * {@link ToolPrompt#callJson}); each tool response becomes an {@code ipython} turn, the role Llama 3.1 reads tool
 * output from. The Llama 3 models read text only, so media attachments are rejected rather than silently dropped.
 */
public final class Llama3MessageMapper {

    private Llama3MessageMapper() {}

    /**
     * The dialog for {@code messages}, in order.
     *
     * @throws IllegalArgumentException for an empty list, media attachments or a message type Llama 3 has no role
     *     for
     */
    public static List<ChatMessage> toDialog(List<Message> messages) {
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("the prompt has no messages");
        }
        List<ChatMessage> dialog = new ArrayList<>(messages.size());
        for (Message m : messages) {
            switch (m) {
                case SystemMessage s -> dialog.add(ChatMessage.system(text(s.getText())));
                case UserMessage u -> {
                    if (!u.getMedia().isEmpty()) {
                        throw new IllegalArgumentException("Llama 3 models read text only, but a user message has "
                                + u.getMedia().size() + " media attachment(s) (" + u.getMedia().getFirst().getMimeType()
                                + ")");
                    }
                    dialog.add(ChatMessage.user(text(u.getText())));
                }
                case AssistantMessage a -> {
                    if (a.hasToolCalls()) {
                        // Llama 3.1 makes one call per turn; calls that came in one message (from another
                        // provider's history) become one turn each, in order. Their text, if any, is not shown:
                        // Meta's template writes a call turn as the call alone.
                        for (AssistantMessage.ToolCall call : a.getToolCalls()) {
                            dialog.add(ChatMessage.assistant(ToolPrompt.callJson(call.name(),
                                    call.arguments().isBlank() ? "{}" : call.arguments())));
                        }
                    } else {
                        dialog.add(ChatMessage.assistant(text(a.getText())));
                    }
                }
                case ToolResponseMessage t -> {
                    for (ToolResponseMessage.ToolResponse r : t.getResponses()) {
                        dialog.add(ChatMessage.ipython(text(r.responseData())));
                    }
                }
                default -> throw new IllegalArgumentException("unsupported message type " + m.getMessageType()
                        + " (" + m.getClass().getName() + "); Llama 3 has system, user, assistant and tool turns");
            }
        }
        return dialog;
    }

    private static String text(@Nullable String text) {
        return text == null ? "" : text;
    }
}
