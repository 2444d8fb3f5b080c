package dev.llama3.constrain;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A parsed JSON Schema, restricted to the subset Spring AI generates (see docs/constrained-decoding.md): immutable and
 * thread-safe. The same compiled form drives {@link #validate} and the token constraints of {@link JsonConstraints},
 * so output generated under a constraint always validates.
 */
public final class JsonSchema {
    private final Schema root;
    private final String source;

    private JsonSchema(Schema root, String source) {
        this.root = root;
        this.source = source;
    }

    /**
     * Parses and compiles a schema.
     *
     * @throws IllegalArgumentException naming the keyword and its location when the schema is malformed, uses an
     *     unsupported assertion keyword, has a cyclic or unresolvable {@code $ref}, or nests too deeply
     */
    public static JsonSchema parse(String schemaJson) {
        return new JsonSchema(SchemaCompiler.compile(schemaJson), schemaJson);
    }

    /**
     * Problems of {@code json} against this schema; empty when valid. Every message starts with the JSON path of the
     * offending value ({@code $}, {@code $.items[2].name}). Duplicate keys and trailing content are errors.
     */
    public List<String> validate(String json) {
        Objects.requireNonNull(json, "json");
        JsonNode value;
        try {
            value = Json.MAPPER.readTree(json);
        } catch (JacksonException e) {
            return List.of("$: not valid JSON: " + e.getOriginalMessage());
        }
        if (value == null || value.isMissingNode()) {
            return List.of("$: not valid JSON: no value");
        }
        List<String> errors = new ArrayList<>();
        SchemaValidator.check(root, value, "$", errors);
        return List.copyOf(errors);
    }

    /** Whether {@code json} is valid against this schema. */
    public boolean isValid(String json) {
        return validate(json).isEmpty();
    }

    Schema root() {
        return root;
    }

    @Override
    public String toString() {
        return "JsonSchema[" + (source.length() <= 80 ? source : source.substring(0, 77) + "...") + "]";
    }
}
