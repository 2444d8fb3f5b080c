package dev.llama3.chat;

import java.util.Objects;

/**
 * A function the model may call, as the Llama 3.1 JSON tool prompt describes it to the model.
 *
 * @param name             the function's name, which the model writes in its call; never blank
 * @param description      what the function does, in words the model reads; never null (may be empty)
 * @param parametersSchema the JSON Schema of the call's {@code parameters} object, as JSON text
 */
public record ToolDefinition(String name, String description, String parametersSchema) {

    public ToolDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(parametersSchema, "parametersSchema");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a tool needs a name");
        }
    }
}
