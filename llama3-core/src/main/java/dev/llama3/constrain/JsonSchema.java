package dev.llama3.constrain;

import java.util.List;

/**
 * A parsed JSON Schema (the subset Spring AI generates, see docs/constrained-decoding.md): immutable, thread-safe.
 */
public final class JsonSchema {

    private JsonSchema() {}

    /**
     * Parses and compiles a schema.
     *
     * @throws IllegalArgumentException naming the keyword and its location when the schema is malformed, uses an
     *     unsupported assertion keyword, has a cyclic or unresolvable {@code $ref}, or nests too deeply
     */
    public static JsonSchema parse(String schemaJson) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Problems of {@code json} against this schema; empty when valid. Every message names the JSON path. */
    public List<String> validate(String json) {
        throw new UnsupportedOperationException("not yet");
    }
}
