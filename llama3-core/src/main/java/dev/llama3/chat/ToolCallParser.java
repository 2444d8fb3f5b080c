package dev.llama3.chat;

import dev.llama3.constrain.JsonSchema;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.ObjectMapper;

/**
 * Reads a Llama 3.1 reply as either text or one JSON tool call, and checks the call against the declared tools.
 *
 * <p>A call is a JSON object {@code {"name": "<tool>", "parameters": {...}}} and nothing else, as Meta's JSON
 * tool-calling format asks; Meta's variants are accepted too: a leading {@code <|python_tag|>}, {@code "arguments"}
 * instead of {@code "parameters"}, a {@code "type": "function"} member, no parameters at all (taken as {@code {}}).
 * A reply that does not start with <code>{</code> (after whitespace and the python tag) is text.
 *
 * <p>A reply that starts like a call but is not a valid one — malformed JSON, no name, a tool nobody declared,
 * arguments that break the tool's JSON Schema — is {@link Invalid}, with the reason: it must not reach a tool.
 * Thread-safe.
 */
public final class ToolCallParser {

    /** What the model emits in front of a tool call in Meta's ipython environment. */
    public static final String PYTHON_TAG = "<|python_tag|>";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, JsonSchema> tools;

    /** @param tools each callable tool's name and the JSON Schema its parameters must match */
    public ToolCallParser(Map<String, JsonSchema> tools) {
        this.tools = Map.copyOf(tools);
    }

    /** How a reply reads. */
    public sealed interface Result permits Text, Call, Invalid {}

    /** The model answered in words. */
    public record Text(String text) implements Result {}

    /**
     * A valid call of a declared tool.
     *
     * @param name      the tool
     * @param arguments the parameters object exactly as the model wrote it; it matches the tool's schema
     */
    public record Call(String name, String arguments) implements Result {}

    /**
     * The reply starts like a call but is not a valid one.
     *
     * @param text   the reply as the model wrote it
     * @param reason what is wrong, naming the tool and JSON path where there are any
     */
    public record Invalid(String text, String reason) implements Result {}

    public Result parse(String reply) {
        Objects.requireNonNull(reply, "reply");
        String body = reply.strip();
        boolean tagged = body.startsWith(PYTHON_TAG);
        if (tagged) {
            body = body.substring(PYTHON_TAG.length()).strip();
        }
        if (!body.startsWith("{")) {
            return tagged
                    ? new Invalid(reply, "the model wrote code for Meta's built-in code interpreter, which is not a "
                            + "declared tool")
                    : new Text(reply);
        }
        Fields fields;
        try {
            fields = fields(body);
        } catch (JacksonException e) {
            return new Invalid(reply, "the tool call is not valid JSON: " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            return new Invalid(reply, e.getMessage());
        }
        if (fields.name == null) {
            return new Invalid(reply, "the tool call has no \"name\"");
        }
        JsonSchema schema = this.tools.get(fields.name);
        if (schema == null) {
            return new Invalid(reply, "the model called '" + fields.name + "', which is not a declared tool (declared: "
                    + String.join(", ", new TreeSet<>(this.tools.keySet())) + ")");
        }
        String arguments = fields.arguments == null ? "{}" : fields.arguments;
        List<String> problems = schema.validate(arguments);
        if (!problems.isEmpty()) {
            return new Invalid(reply, "the arguments of '" + fields.name + "' do not match its JSON Schema: "
                    + String.join("; ", problems));
        }
        return new Call(fields.name, arguments);
    }

    private static final class Fields {
        String name;
        String arguments;
    }

    /** The call's name and the raw text of its parameters object; the JSON must be one object and nothing more. */
    private static Fields fields(String body) {
        Fields f = new Fields();
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("the tool call is not a JSON object");
            }
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String key = p.currentName();
                JsonToken value = p.nextToken();
                switch (key) {
                    case "name" -> {
                        if (value != JsonToken.VALUE_STRING) {
                            throw new IllegalArgumentException("the tool call's \"name\" is not a string");
                        }
                        f.name = p.getString();
                    }
                    case "parameters", "arguments" -> {
                        if (value != JsonToken.START_OBJECT) {
                            throw new IllegalArgumentException("the tool call's \"" + key + "\" is not a JSON object");
                        }
                        int start = (int) p.currentTokenLocation().getCharOffset();
                        p.skipChildren();
                        int end = (int) p.currentLocation().getCharOffset();
                        f.arguments = body.substring(start, end);
                    }
                    default -> p.skipChildren(); // "type": "function" and anything else Meta's variants add
                }
            }
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("the tool call is followed by more text; one call is allowed");
            }
        }
        return f;
    }
}
