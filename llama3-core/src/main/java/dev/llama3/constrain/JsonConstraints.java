package dev.llama3.constrain;

import dev.llama3.tokenizer.Llama3Tokenizer;
import java.util.Map;

/** Constraints that make a model write JSON: structured output and Llama 3.1 JSON tool calls. */
public final class JsonConstraints {

    private JsonConstraints() {}

    /** Output must be one JSON value matching the schema (structured output). */
    public static Constraint forSchema(Llama3Tokenizer tokenizer, JsonSchema schema) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Llama 3.1 JSON tool calling: output is either free text (only when {@code mode == AUTO}) whose first
     * non-whitespace character is not '{', or exactly one call
     * {@code {"name": "<one of the tools>", "parameters": {...matching that tool's schema}}}.
     */
    public static Constraint forToolCalls(Llama3Tokenizer tokenizer, Map<String, JsonSchema> toolParameterSchemas,
            ToolChoice mode) {
        throw new UnsupportedOperationException("not yet");
    }
}
