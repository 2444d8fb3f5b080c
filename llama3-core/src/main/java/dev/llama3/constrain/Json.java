package dev.llama3.constrain;

import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The one JSON mapper of this package and small JSON helpers. */
final class Json {
    /** Duplicate keys are errors: the automaton never writes them, and a consumer could read either value. */
    static final JsonMapper MAPPER = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private Json() {}

    /** {@code s} as a JSON string literal, quotes included. */
    static String quote(String s) {
        return MAPPER.writeValueAsString(s);
    }

    /** The compact canonical spelling of a value. */
    static String write(JsonNode node) {
        return MAPPER.writeValueAsString(node);
    }

    /** JSON equality: numbers by value (1 equals 1.0), objects regardless of key order. */
    static boolean equal(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            try {
                return a.decimalValue().compareTo(b.decimalValue()) == 0;
            } catch (NumberFormatException infiniteOrNaN) {
                return a.doubleValue() == b.doubleValue();
            }
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (var e : a.properties()) {
                JsonNode other = b.get(e.getKey());
                if (other == null || !equal(e.getValue(), other)) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!equal(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }
}
