package dev.llama3.spring.ai;

import dev.llama3.chat.ToolCallParser;
import dev.llama3.engine.FinishReason;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.chat.messages.AssistantMessage;

/**
 * A finished reply as Spring AI sees it: text, or one tool call (with a generated id) for {@code ChatClient}'s tool
 * loop to run, or — when the reply started like a call but is not a valid one — its text and what is wrong.
 *
 * <p>An invalid call never becomes a {@link AssistantMessage.ToolCall}, so it never reaches a tool: the response
 * carries the model's text, the finish reason {@value Llama3ChatModel#FINISH_INVALID_TOOL_CALL} (or
 * {@value Llama3ChatModel#FINISH_LENGTH} when the token limit cut the call short) and the reason in the generation
 * metadata under {@value #TOOL_CALL_ERROR}. With constrained decoding this happens only when the reply was cut short.
 *
 * @param text          what the caller reads; empty for a call
 * @param toolCalls     the call, or none
 * @param toolCallError why the reply is not a valid call, or null
 */
record Llama3Reply(String text, List<AssistantMessage.ToolCall> toolCalls, @Nullable String toolCallError) {

    /** Generation-metadata key of the reason a reply that looks like a tool call was not taken as one. */
    static final String TOOL_CALL_ERROR = "toolCallError";

    private static final Logger log = LoggerFactory.getLogger(Llama3Reply.class);

    static Llama3Reply text(String text) {
        return new Llama3Reply(text, List.of(), null);
    }

    /** Reads {@code text}; with no parser (no tools in the request) it is text whatever it looks like. */
    static Llama3Reply read(String text, @Nullable ToolCallParser parser) {
        if (parser == null) {
            return text(text);
        }
        return switch (parser.parse(text)) {
            case ToolCallParser.Text t -> text(t.text());
            case ToolCallParser.Call c -> new Llama3Reply("",
                    List.of(new AssistantMessage.ToolCall("call_" + UUID.randomUUID(), "function", c.name(),
                            c.arguments())), null);
            case ToolCallParser.Invalid i -> {
                log.warn("The model's tool call is not valid and was not run: {}", i.reason());
                yield new Llama3Reply(i.text(), List.of(), i.reason());
            }
        };
    }

    AssistantMessage message() {
        return AssistantMessage.builder().content(this.text).toolCalls(this.toolCalls).build();
    }

    String finishReason(FinishReason engine) {
        if (!this.toolCalls.isEmpty()) {
            return Llama3ChatModel.FINISH_TOOL_CALLS;
        }
        if (this.toolCallError != null && engine == FinishReason.STOP) {
            return Llama3ChatModel.FINISH_INVALID_TOOL_CALL;
        }
        return Llama3ChatModel.finishReason(engine);
    }
}
