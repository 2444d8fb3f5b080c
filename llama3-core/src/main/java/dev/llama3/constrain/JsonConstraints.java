package dev.llama3.constrain;

import dev.llama3.tokenizer.Llama3Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * Constraints that make a model write JSON: structured output and Llama 3.1 JSON tool calls. The first constraint for
 * a tokenizer builds its token index (a byte trie of the vocabulary, about a second for 128K tokens); later ones reuse
 * it. See docs/constrained-decoding.md.
 */
public final class JsonConstraints {

    private JsonConstraints() {}

    /**
     * Output must be one JSON value matching the schema (structured output), with optional whitespace before it and
     * between its tokens (at most {@value Frame#MAX_WHITESPACE} bytes in a row) and nothing after it.
     */
    public static Constraint forSchema(Llama3Tokenizer tokenizer, JsonSchema schema) {
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(schema, "schema");
        return new JsonConstraint(TokenIndex.of(tokenizer), new ValueFrame(schema.root(), 0, 0, RootFrame.END),
                "JsonConstraint[" + schema + "]");
    }

    /**
     * Llama 3.1 JSON tool calling: output is either free text (only when {@code mode == AUTO}) whose first
     * non-whitespace character is not '{', or exactly one call
     * {@code {"name": "<one of the tools>", "parameters": {...matching that tool's schema}}} with "name" first.
     * Free text may end anywhere (also right away).
     *
     * @param toolParameterSchemas the parameter schema of every tool, by tool name (at least one)
     */
    public static Constraint forToolCalls(Llama3Tokenizer tokenizer, Map<String, JsonSchema> toolParameterSchemas,
            ToolChoice mode) {
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(toolParameterSchemas, "toolParameterSchemas");
        Objects.requireNonNull(mode, "mode");
        if (toolParameterSchemas.isEmpty()) {
            throw new IllegalArgumentException("tool calling needs at least one tool");
        }
        List<Schema> calls = new ArrayList<>();
        for (var e : toolParameterSchemas.entrySet()) {
            String name = Objects.requireNonNull(e.getKey(), "tool name");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("a tool name is empty");
            }
            JsonNode nameNode = Json.MAPPER.valueToTree(name);
            Schema nameSchema = new Schema.Literals(List.of(nameNode), List.of(Json.quote(name)));
            Schema parameters = Objects.requireNonNull(e.getValue(), () -> "schema of tool " + name).root();
            calls.add(new Schema.Obj(List.of("name", "parameters"), List.of(nameSchema, parameters),
                    List.of("name", "parameters"), null, true));
        }
        Schema call = calls.size() == 1 ? calls.getFirst() : new Schema.Union(calls, false);
        Frame json = new ValueFrame(call, 0, 0, RootFrame.END);
        Frame initial = mode == ToolChoice.AUTO ? new Fork(new Frame[] {FreeTextFrame.START, json}) : json;
        return new JsonConstraint(TokenIndex.of(tokenizer), initial,
                "ToolCallConstraint[" + mode + ", " + toolParameterSchemas.keySet() + "]");
    }
}
