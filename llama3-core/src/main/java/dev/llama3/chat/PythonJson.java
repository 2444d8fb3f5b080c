package dev.llama3.chat;

import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Writes JSON the way Python's {@code json.dumps(value, ensure_ascii=False)} does, which is how Meta's chat template
 * ({@code tojson}) shows tools to the model: {@code ", "} and {@code ": "} separators, or with an indent one member
 * per line and {@code ","} at line ends; keys in their given order; non-ASCII text as is. Matching it byte for byte
 * keeps the prompt identical to the one the model was trained on.
 */
final class PythonJson {

    private PythonJson() {}

    /** One line: {@code {"a": 1, "b": [true, null]}}. */
    static String compact(JsonNode node) {
        StringBuilder out = new StringBuilder();
        write(out, node, -1, 0);
        return out.toString();
    }

    /** One member per line, nested members indented by {@code indent} more spaces. */
    static String indented(JsonNode node, int indent) {
        StringBuilder out = new StringBuilder();
        write(out, node, indent, 0);
        return out.toString();
    }

    private static void write(StringBuilder out, JsonNode node, int indent, int depth) {
        if (node.isObject()) {
            if (node.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                separate(out, first, indent, depth + 1);
                first = false;
                string(out, e.getKey());
                out.append(": ");
                write(out, e.getValue(), indent, depth + 1);
            }
            close(out, indent, depth);
            out.append('}');
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append('[');
            boolean first = true;
            for (JsonNode element : node) {
                separate(out, first, indent, depth + 1);
                first = false;
                write(out, element, indent, depth + 1);
            }
            close(out, indent, depth);
            out.append(']');
        } else if (node.isString()) {
            string(out, node.asString());
        } else {
            // numbers, booleans and null: Jackson's spelling is JSON's (Python differs only for floats in
            // exponent form, which tool schemas do not use)
            out.append(node.toString());
        }
    }

    private static void separate(StringBuilder out, boolean first, int indent, int depth) {
        if (indent < 0) {
            if (!first) {
                out.append(", ");
            }
            return;
        }
        if (!first) {
            out.append(',');
        }
        out.append('\n').repeat(' ', indent * depth);
    }

    private static void close(StringBuilder out, int indent, int depth) {
        if (indent >= 0) {
            out.append('\n').repeat(' ', indent * depth);
        }
    }

    /** A JSON string as Python escapes it with {@code ensure_ascii=False}. */
    static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
