package dev.llama3.constrain;

import dev.llama3.tokenizer.Llama3Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A small vocabulary for tests that must run on a fresh clone: all 256 bytes, a few hundred JSON-ish multi-byte
 * tokens (including ones that cross structure, like {@code ",} and {@code "}}), and Llama 3's end tokens.
 */
final class TestVocab {
    static final String[] PIECES = {"{\"", "\":", "\": ", "\",", "\", \"", "\"}", "\"}}", "}}", "},", "\"]", "[\"", "[{",
        "{}", "[]", "[[", "]]", " {", " [", " \"", "\"\"", "\":\"", "\": \"", "\":{", "\": {", "\": [", ", ", ",\n", "\n ",
        "\n  ", "    ", "  ", "\t", "true", "false", "null", " true", " null", "name", "parameters", "\"name", "\"name\"",
        "\"parameters\": {", "city", "Paris", "unit", "celsius", "fahrenheit", "temperature", "get_weather",
        "get_time", "search", "query", "items", "id", "tags", "age", "hello", " world", "abc", "\\\"", "\\\\",
        "\\n", "\\u00", "\\u", "e9", "00e9\"", "0", "1", "12", "123", "-1", "0.", ".5", "e+", "E-", "1e", "99", "-0",
        "é", "日本", "\"é", "x\"", "a\"", "\": 1", "\": 12}", "1}", "1,", "2]", "3]}", ".0", "{\"name\": \"",
        "\"type", "kind", "value", "count", "done", "ok", "Hello", "The", " answer", " is", "{\"a", "\"b",
        "{\"\"", "\"\":", "{\n", "\n}", "nul", "tru", "fals", "e", "l", "\":null", "\":true", "\":[", "\":[]"};

    private static Llama3Tokenizer instance;

    private TestVocab() {}

    static synchronized Llama3Tokenizer tokenizer() {
        if (instance == null) {
            List<String> tokens = new ArrayList<>();
            for (int b = 0; b < 256; b++) {
                tokens.add(symbols(new byte[] {(byte) b}));
            }
            Set<String> extra = new LinkedHashSet<>();
            for (String p : PIECES) {
                byte[] bytes = p.getBytes(StandardCharsets.UTF_8);
                if (bytes.length > 1) {
                    extra.add(symbols(bytes));
                }
            }
            // a multi-byte character split across two tokens: é = C3 A9, 日 = E6 97 A5
            extra.add(symbols(new byte[] {(byte) 0xC3}) + "x");
            extra.add(symbols(new byte[] {(byte) 0xA9, '"'}));
            extra.add(symbols(new byte[] {(byte) 0xE6, (byte) 0x97}));
            tokens.addAll(extra);
            int special = tokens.size();
            tokens.addAll(List.of("<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>",
                    "<|eom_id|>", "<|eot_id|>", "<|python_tag|>"));
            int[] types = new int[tokens.size()];
            for (int i = 0; i < types.length; i++) {
                types[i] = i < special ? 1 : 3;
            }
            instance = Llama3Tokenizer.of(tokens, List.of(), types, special, special + 1, OptionalInt.empty(),
                    OptionalInt.empty(), true);
        }
        return instance;
    }

    /** GPT-2's byte-to-symbol spelling of {@code bytes}. */
    static String symbols(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte x : bytes) {
            int b = x & 0xFF;
            int next = 256;
            int c = -1;
            for (int i = 0; i < 256; i++) {
                boolean printable = (i >= '!' && i <= '~') || (i >= 0xA1 && i <= 0xAC) || (i >= 0xAE && i <= 0xFF);
                int sym = printable ? i : next++;
                if (i == b) {
                    c = sym;
                    break;
                }
            }
            sb.appendCodePoint(c);
        }
        return sb.toString();
    }
}
