package dev.llama3.spring.ai;

import dev.llama3.chat.ChatFormat;
import dev.llama3.chat.ChatMessage;
import dev.llama3.chat.ToolCallParser;
import dev.llama3.chat.ToolDefinition;
import dev.llama3.chat.ToolPrompt;
import dev.llama3.chat.ToolPromptPlacement;
import dev.llama3.constrain.Constraint;
import dev.llama3.constrain.JsonConstraints;
import dev.llama3.constrain.JsonSchema;
import dev.llama3.spring.ai.Llama3ChatOptions.ToolChoice;
import java.time.Clock;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.model.tool.ToolCallingManager;

/**
 * Decides how one request runs: the prompt tokens (plain Llama 3 dialog, or Meta's Llama 3.1 JSON tool prompt when
 * the request has tools), the constraint on the reply and how the reply is read.
 *
 * <ul>
 *   <li>Tools (and tool choice not {@code NONE}): the reply is constrained to text or one call of a declared tool
 *       with schema-valid arguments ({@link JsonConstraints#forToolCalls}); with {@code REQUIRED} to a call, as long
 *       as no tool result follows the last user message. The reply is parsed for the call.</li>
 *   <li>An output schema ({@link Llama3ChatOptions#getOutputSchema()}, or the JSON Schema that Spring AI's
 *       {@code BeanOutputConverter} appends to the last user message): the reply is exactly one JSON value of the
 *       schema ({@link JsonConstraints#forSchema}). With tools too, the schema applies once the tools' results are
 *       in (the model calls tools first, then answers in the schema).</li>
 *   <li>Otherwise free text.</li>
 * </ul>
 * Thread-safe; parsed schemas are kept (a few hundred at most) since the same tools come with every request.
 */
final class Llama3RequestPlanner {

    private static final Logger log = LoggerFactory.getLogger(Llama3RequestPlanner.class);

    /** The line in front of the schema in Spring AI's {@code BeanOutputConverter.getFormat()}. */
    static final String BEAN_OUTPUT_SCHEMA_INTRO = "Here is the JSON Schema instance your output must adhere to:\n```";
    /** The first line of Spring AI's {@code BeanOutputConverter.getFormat()}. */
    static final String BEAN_OUTPUT_FIRST_LINE = "Your response should be in JSON format.";

    private static final int MAX_CACHED_SCHEMAS = 256;

    private final ChatFormat chatFormat;
    private final ToolCallingManager toolCallingManager;
    private final Clock clock;
    private final Map<String, JsonSchema> schemas = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, JsonSchema> eldest) {
            return size() > MAX_CACHED_SCHEMAS;
        }
    };

    Llama3RequestPlanner(ChatFormat chatFormat, ToolCallingManager toolCallingManager, Clock clock) {
        this.chatFormat = chatFormat;
        this.toolCallingManager = toolCallingManager;
        this.clock = clock;
    }

    /**
     * What one request runs.
     *
     * @param tokens     the prompt
     * @param constraint what the reply must look like, or null for free text
     * @param toolCalls  how to read a tool call out of the reply, or null when the reply is not one
     */
    record Plan(int[] tokens, @Nullable Constraint constraint, @Nullable ToolCallParser toolCalls) {}

    Plan plan(List<Message> messages, Llama3ChatOptions options) {
        List<ChatMessage> dialog = Llama3MessageMapper.toDialog(messages);
        List<org.springframework.ai.tool.definition.ToolDefinition> tools =
                options.getToolChoice() == ToolChoice.NONE || options.getToolCallbacks() == null
                        || options.getToolCallbacks().isEmpty() ? List.of()
                        : this.toolCallingManager.resolveToolDefinitions(options);
        OutputSchema outputSchema = outputSchema(messages, options);

        if (tools.isEmpty()) {
            int[] tokens = this.chatFormat.render(dialog, true);
            return new Plan(tokens, structured(outputSchema), null);
        }

        ToolPromptPlacement placement = options.getToolPromptPlacement() != null ? options.getToolPromptPlacement()
                : ToolPromptPlacement.USER_MESSAGE;
        ToolPrompt prompt = new ToolPrompt(tools.stream()
                .map(t -> new ToolDefinition(t.name(), t.description() == null ? "" : t.description(),
                        t.inputSchema()))
                .toList(), placement, LocalDate.now(this.clock));
        int[] tokens = this.chatFormat.renderVerbatim(prompt.apply(dialog), true);

        boolean resultsIn = toolResultsAfterLastUserMessage(messages);
        if (outputSchema != null && resultsIn) {
            Constraint answer = structured(outputSchema);
            if (answer != null) {
                return new Plan(tokens, answer, null);
            }
        }
        Map<String, JsonSchema> parameters = new LinkedHashMap<>();
        for (var t : tools) {
            parameters.put(t.name(), toolSchema(t.name(), t.inputSchema()));
        }
        dev.llama3.constrain.ToolChoice mode = options.getToolChoice() == ToolChoice.REQUIRED && !resultsIn
                ? dev.llama3.constrain.ToolChoice.REQUIRED : dev.llama3.constrain.ToolChoice.AUTO;
        Constraint constraint = JsonConstraints.forToolCalls(this.chatFormat.tokenizer(), parameters, mode);
        return new Plan(tokens, constraint, new ToolCallParser(parameters));
    }

    /**
     * A schema the reply must match.
     *
     * @param explicit set as an option (an unenforceable schema fails the request) rather than found in the
     *     prompt's format instructions (then the reply is left free, as without this provider's help)
     */
    private record OutputSchema(String json, boolean explicit) {}

    /** The schema the reply must match: the option's, else the one Spring AI's format instructions carry. */
    private static @Nullable OutputSchema outputSchema(List<Message> messages, Llama3ChatOptions options) {
        String option = options.getOutputSchema();
        if (option != null && !option.isBlank()) {
            return new OutputSchema(option, true);
        }
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i) instanceof UserMessage user) {
                String found = beanOutputSchema(user.getText());
                return found == null ? null : new OutputSchema(found, false);
            }
        }
        return null;
    }

    /**
     * The JSON Schema inside Spring AI's {@code BeanOutputConverter} format instructions, which {@code ChatClient}
     * appends to the last user message for {@code .entity(...)}; null when the text has none.
     */
    static @Nullable String beanOutputSchema(@Nullable String text) {
        if (text == null || !text.contains(BEAN_OUTPUT_FIRST_LINE)) {
            return null;
        }
        int intro = text.lastIndexOf(BEAN_OUTPUT_SCHEMA_INTRO);
        if (intro < 0) {
            return null;
        }
        int start = intro + BEAN_OUTPUT_SCHEMA_INTRO.length();
        int end = text.indexOf("```", start);
        return end < 0 ? null : text.substring(start, end).strip();
    }

    private static boolean toolResultsAfterLastUserMessage(List<Message> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            Message m = messages.get(i);
            if (m instanceof ToolResponseMessage) {
                return true;
            }
            if (m instanceof UserMessage) {
                return false;
            }
        }
        return false;
    }

    private @Nullable Constraint structured(@Nullable OutputSchema output) {
        if (output == null) {
            return null;
        }
        JsonSchema schema;
        try {
            schema = schema(output.json());
        } catch (IllegalArgumentException e) {
            if (output.explicit()) {
                throw new IllegalArgumentException("the requested output schema cannot be enforced: "
                        + e.getMessage(), e);
            }
            log.warn("The JSON Schema in the prompt's format instructions cannot be enforced, so the reply is not "
                    + "constrained to it: {}", e.getMessage());
            return null;
        }
        return JsonConstraints.forSchema(this.chatFormat.tokenizer(), schema);
    }

    private JsonSchema toolSchema(String tool, String schemaJson) {
        try {
            return schema(schemaJson);
        } catch (IllegalArgumentException e) {
            // Without the schema neither the constraint nor the check of the arguments is possible, and an
            // unchecked call must not reach the tool: refuse the request and say which tool to fix.
            throw new IllegalArgumentException("the JSON Schema of tool '" + tool + "' cannot be enforced: "
                    + e.getMessage(), e);
        }
    }

    private JsonSchema schema(String json) {
        synchronized (this.schemas) {
            JsonSchema cached = this.schemas.get(json);
            if (cached != null) {
                return cached;
            }
        }
        JsonSchema parsed = JsonSchema.parse(json);
        synchronized (this.schemas) {
            this.schemas.put(json, parsed);
        }
        log.debug("Compiled JSON Schema ({} chars)", json.length());
        return parsed;
    }
}
