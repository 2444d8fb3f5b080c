package dev.llama3.chat;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Meta's Llama 3.1 JSON tool-calling prompt: the dialog a model with custom tools reads.
 *
 * <p>As Meta's Llama 3.1 Instruct chat template renders it (the template in the model's {@code tokenizer_config.json},
 * documented at llama.com, "Llama 3.1 / JSON based tool calling"):
 * <ul>
 *   <li>the system message starts with {@code Environment: ipython}, then {@code Cutting Knowledge Date: December
 *       2023} and {@code Today Date: 26 Jul 2024} (today, {@code dd MMM yyyy}) and a blank line, then the caller's
 *       system message (trimmed); there is always a system message;</li>
 *   <li>the tool definitions, each {@code {"type": "function", "function": {"name", "description", "parameters"}}}
 *       as JSON indented by 4 and followed by a blank line, go in front of the first user message after
 *       "Given the following functions, please respond with a JSON for a function call ..." (default), or, with
 *       {@link ToolPromptPlacement#SYSTEM_MESSAGE}, between the preamble and the caller's system message after
 *       "You have access to the following functions. ...";</li>
 *   <li>a call the model made is the assistant turn {@code {"name": "f", "parameters": {...}}}
 *       ({@link #callJson}); a tool's result is an {@code ipython} turn holding the result as it is (not trimmed).</li>
 * </ul>
 * Everything else is the plain Llama 3 dialog format, with every message's text trimmed.
 *
 * <p>Departures, all for robustness: the JSON Schema's {@code $schema} key is left out of the definitions (the model
 * has no use for it); a dialog without a user message gets the definitions in the system message rather than an
 * error.
 */
public final class ToolPrompt {

    /** Line that switches Llama 3.1 into tool-calling mode. */
    public static final String ENVIRONMENT = "Environment: ipython\n";
    /** The knowledge cutoff line of Meta's template. */
    public static final String KNOWLEDGE_CUTOFF = "Cutting Knowledge Date: December 2023\n";

    private static final String CALL_FORMAT = "Respond in the format {\"name\": function name, \"parameters\": "
            + "dictionary of argument name and its value}.Do not use variables.\n\n";
    /** The instructions in front of the definitions in the first user message (Meta's wording, spacing and all). */
    public static final String USER_MESSAGE_PREAMBLE = "Given the following functions, please respond with a JSON for "
            + "a function call with its proper arguments that best answers the given prompt.\n\n" + CALL_FORMAT;
    /** The instructions in front of the definitions in the system message (Meta's wording, spacing and all). */
    public static final String SYSTEM_MESSAGE_PREAMBLE = "You have access to the following functions. To call a "
            + "function, please respond with JSON for a function call." + CALL_FORMAT;

    private static final DateTimeFormatter TODAY = DateTimeFormatter.ofPattern("dd MMM yyyy", Locale.ENGLISH);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<ToolDefinition> tools;
    private final ToolPromptPlacement placement;
    private final LocalDate today;
    private final String definitions;

    /**
     * @param tools     the callable functions (at least one)
     * @param placement where their definitions go
     * @param today     the date the system message states
     * @throws IllegalArgumentException when there are no tools, two share a name or a schema is not a JSON object
     */
    public ToolPrompt(List<ToolDefinition> tools, ToolPromptPlacement placement, LocalDate today) {
        this.tools = List.copyOf(tools);
        this.placement = Objects.requireNonNull(placement, "placement");
        this.today = Objects.requireNonNull(today, "today");
        if (this.tools.isEmpty()) {
            throw new IllegalArgumentException("a tool prompt needs at least one tool");
        }
        StringBuilder defs = new StringBuilder();
        List<String> names = new ArrayList<>();
        for (ToolDefinition t : this.tools) {
            if (names.contains(t.name())) {
                throw new IllegalArgumentException("two tools are named '" + t.name() + "'");
            }
            names.add(t.name());
            defs.append(PythonJson.indented(definition(t), 4)).append("\n\n");
        }
        this.definitions = defs.toString();
    }

    public List<ToolDefinition> tools() {
        return this.tools;
    }

    /** The definitions as the model reads them: each tool's JSON, indented by 4, followed by a blank line. */
    public String definitions() {
        return this.definitions;
    }

    /**
     * The dialog with the tool prompt in it, every message's content final: render it with
     * {@link ChatFormat#renderVerbatim}, which does not trim again (the system preamble ends with a blank line that
     * must stay when there is no system message of the caller's).
     */
    public List<ChatMessage> apply(List<ChatMessage> dialog) {
        List<ChatMessage> rest = new ArrayList<>(dialog);
        String systemMessage = "";
        if (!rest.isEmpty() && rest.getFirst().role() == Role.SYSTEM) {
            systemMessage = rest.removeFirst().content().strip();
        }
        int firstUser = -1;
        for (int i = 0; i < rest.size() && firstUser < 0; i++) {
            if (rest.get(i).role() == Role.USER) {
                firstUser = i;
            }
        }
        boolean inSystem = this.placement == ToolPromptPlacement.SYSTEM_MESSAGE || firstUser < 0;

        StringBuilder system = new StringBuilder(ENVIRONMENT).append(KNOWLEDGE_CUTOFF)
                .append("Today Date: ").append(TODAY.format(this.today)).append("\n\n");
        if (inSystem) {
            system.append(SYSTEM_MESSAGE_PREAMBLE).append(this.definitions);
        }
        system.append(systemMessage);

        List<ChatMessage> out = new ArrayList<>(rest.size() + 1);
        out.add(ChatMessage.system(system.toString()));
        for (int i = 0; i < rest.size(); i++) {
            ChatMessage m = rest.get(i);
            if (i == firstUser && !inSystem) {
                out.add(ChatMessage.user(USER_MESSAGE_PREAMBLE + this.definitions + m.content().strip()));
            } else if (m.role() == Role.IPYTHON) {
                out.add(m); // tool output goes in as it is
            } else {
                out.add(new ChatMessage(m.role(), m.content().strip()));
            }
        }
        return out;
    }

    /**
     * The assistant turn of a call, as Meta's template writes it back into the dialog:
     * {@code {"name": "<name>", "parameters": <parameters>}} with the parameters as given (the model's own JSON).
     */
    public static String callJson(String name, String parametersJson) {
        StringBuilder out = new StringBuilder("{\"name\": ");
        PythonJson.string(out, name);
        return out.append(", \"parameters\": ").append(parametersJson.strip()).append('}').toString();
    }

    /** The definition the model reads: {@code {"type": "function", "function": {name, description, parameters}}}. */
    private static JsonNode definition(ToolDefinition tool) {
        JsonNode schema;
        try {
            schema = JSON.readTree(tool.parametersSchema());
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the parameters schema of tool '" + tool.name()
                    + "' is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!(schema instanceof ObjectNode parameters)) {
            throw new IllegalArgumentException("the parameters schema of tool '" + tool.name()
                    + "' must be a JSON object, got: " + tool.parametersSchema());
        }
        parameters = parameters.deepCopy();
        parameters.remove("$schema");
        ObjectNode function = JsonNodeFactory.instance.objectNode();
        function.put("name", tool.name());
        function.put("description", tool.description());
        function.set("parameters", parameters);
        ObjectNode definition = JsonNodeFactory.instance.objectNode();
        definition.put("type", "function");
        definition.set("function", function);
        return definition;
    }

    @Override
    public String toString() {
        return "ToolPrompt[" + this.tools.stream().map(ToolDefinition::name).toList() + ", " + this.placement + ", "
                + this.today + "]";
    }
}
