package dev.llama3.constrain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The byte automaton against the validator on many strings: they agree, except where documented. */
class AutomatonTest {

    static boolean accepts(JsonSchema schema, String json) {
        return accepts(schema, json.getBytes(StandardCharsets.UTF_8));
    }

    static boolean accepts(JsonSchema schema, byte[] json) {
        Frame f = Frame.run(new ValueFrame(schema.root(), 0, 0, RootFrame.END), json);
        return f != null && f.canEnd();
    }

    /** Strings both must accept, and strings both must reject. */
    private static void agree(String schemaJson, List<String> valid, List<String> invalid) {
        JsonSchema schema = JsonSchema.parse(schemaJson);
        for (String v : valid) {
            assertThat(schema.validate(v)).as("validator on %s", v).isEmpty();
            assertThat(accepts(schema, v)).as("automaton on %s", v).isTrue();
        }
        for (String v : invalid) {
            assertThat(schema.validate(v)).as("validator on %s", v).isNotEmpty();
            assertThat(accepts(schema, v)).as("automaton on %s", v).isFalse();
        }
    }

    @Test
    void objects() {
        agree(Schemas.FILM, List.of(
                "{\"title\":\"Alien\",\"year\":1979,\"genre\":\"SCI_FI\",\"cast\":[]}",
                "{ \"cast\" : [ { \"name\" : \"A\" } , {\"born\":\"1949\",\"name\":\"B\"} ], \"genre\": \"DRAMA\",\n"
                        + "  \"year\": -12, \"title\": \"\", \"note\": null, \"rating\": 1.5e+10, \"released\": false}",
                " {\"title\":\"\\\"q\\\" \\\\ \\n \\u00e9 é 日本 \uD83D\uDE00\",\"year\":0,\"genre\":\"COMEDY\",\"cast\":[]}"),
                List.of("{}", "{\"title\":\"A\",\"year\":1979,\"genre\":\"SCI_FI\"}",
                        "{\"title\":\"A\",\"year\":1979,\"genre\":\"SCI_FI\",\"cast\":[],\"extra\":1}",
                        "{\"title\":\"A\",\"title\":\"B\",\"year\":1979,\"genre\":\"SCI_FI\",\"cast\":[]}",
                        "{\"title\":\"A\",\"year\":1979,\"genre\":\"SCI\",\"cast\":[]}",
                        "{\"title\":\"A\",\"year\":1979,\"genre\":\"SCI_FI\",\"cast\":[{},{}]}",
                        "{\"title\":\"A\",\"year\":1979,\"genre\":\"SCI_FI\",\"cast\":[{\"name\":\"a\"},{\"name\":\"a\"},"
                                + "{\"name\":\"a\"},{\"name\":\"a\"}]}",
                        "{\"title\":\"A\",\"year\":\"1979\",\"genre\":\"SCI_FI\",\"cast\":[]}",
                        "{\"title\":\"A\",\"year\":1979,\"genre\":\"SCI_FI\",\"cast\":[]} x",
                        "{\"title\":\"A\",\"year\":1979,\"genre\":\"SCI_FI\",\"cast\":[],}",
                        "{\"title\":\"a\tb\",\"year\":1979,\"genre\":\"SCI_FI\",\"cast\":[]}",
                        "{\"title\":\"\\x\",\"year\":1979,\"genre\":\"SCI_FI\",\"cast\":[]}",
                        "{\"title\":\"A\",\"year\":01,\"genre\":\"SCI_FI\",\"cast\":[]}"));
    }

    @Test
    void freeKeysAndAnyValues() {
        agree(Schemas.MAP, List.of("{\"id\":1}", "{\"a\":1,\"id\":2,\"b\":-0.5}", "{\"id\":1,\"é\":2}"),
                List.of("{\"a\":1}", "{\"id\":1,\"id\":2}", "{\"id\":1,\"a\":1,\"a\":2}", "{\"id\":\"x\"}",
                        "{\"id\":1,\"a\":true}"));
        agree(Schemas.ANY, List.of("1", "-0.5e-3", "\"x\"", "true", "null", "[]", "{}",
                "{\"a\":[1,{\"b\":null}],\"c\":\"d\"}", "[[[]]]"),
                List.of("", "tru", "[1,]", "{\"a\"}", "{\"a\":1,\"a\":2}", "nul", "01", "1.", "-", "\"\\u12\""));
    }

    @Test
    void unionsAndLiterals() {
        agree(Schemas.SHAPES, List.of("{\"kind\":\"circle\",\"r\":1}", "{\"r\":2.5,\"kind\":\"circle\"}",
                "{\"kind\":\"rect\",\"w\":1,\"h\":2}", "[1]", "[12, 123, \"x\", null]", "[true]"),
                List.of("{\"kind\":\"circle\",\"w\":1}", "{\"kind\":\"rect\",\"w\":1}", "[]", "[1,1,1,1,1]", "[2]",
                        "[1234]", "[false]", "{\"kind\":\"square\"}"));
        agree("{\"type\":[\"integer\",\"null\",\"boolean\"]}", List.of("1", "null", "true", "-12"),
                List.of("1.5", "\"1\"", "[]"));
        agree("{\"enum\":[\"a\",\"ab\",\"a\\\"b\",1,10,{\"k\":[1]}]}",
                List.of("\"a\"", "\"ab\"", "\"a\\\"b\"", "1", "10", "{\"k\":[1]}"),
                List.of("\"b\"", "100", "\"a", "{\"k\":[2]}"));
    }

    @Test
    void largeEnums() {
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            values.append(i == 0 ? "" : ",").append("\"v").append(i).append("\",").append(i * 7);
        }
        agree("{\"enum\":[" + values + "]}", List.of("\"v0\"", "\"v4999\"", "0", "34993", "70"),
                List.of("\"v5000\"", "\"v\"", "1", "35000", "\"v01\""));
    }

    @Test
    void numbersAndStrings() {
        agree("{\"type\":\"number\"}", List.of("0", "-0", "1.25", "1e5", "1E-5", "-12.5e+12", "123456789012345678"),
                List.of("01", "+1", ".5", "1.", "1e", "--1", "1.2.3", "NaN", "Infinity", "0x10"));
        agree("{\"type\":\"string\"}", List.of("\"\"", "\"\\u00E9\\/\\b\\f\\r\\t\"", "\"𝄞 ü\""),
                List.of("\"", "\"abc", "'a'", "\"\\a\""));
        JsonSchema s = JsonSchema.parse("{\"type\":\"string\"}");
        // malformed UTF-8 inside a string: overlong, surrogate, truncated, stray continuation
        for (byte[] bad : List.of(new byte[] {'"', (byte) 0xC0, (byte) 0x80, '"'},
                new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'},
                new byte[] {'"', (byte) 0xE6, (byte) 0x97, '"'}, new byte[] {'"', (byte) 0x80, '"'},
                new byte[] {'"', (byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80, '"'})) {
            assertThat(accepts(s, bad)).isFalse();
        }
    }

    /** Where the automaton is deliberately stricter than the validator (docs/constrained-decoding.md). */
    @Test
    void documentedRestrictions() {
        JsonSchema integer = JsonSchema.parse("{\"type\":\"integer\"}");
        assertThat(integer.validate("2.0")).isEmpty();
        assertThat(accepts(integer, "2.0")).isFalse();
        JsonSchema any = JsonSchema.parse("{}");
        String ws = " ".repeat(Frame.MAX_WHITESPACE + 1);
        assertThat(any.validate("[" + ws + "1]")).isEmpty();
        assertThat(accepts(any, "[" + ws + "1]")).isFalse();
        assertThat(accepts(any, "[" + ws.substring(1) + "1]")).isTrue();
        String nested = "[".repeat(ValueFrame.MAX_ANY_DEPTH + 1) + "]".repeat(ValueFrame.MAX_ANY_DEPTH + 1);
        assertThat(any.validate(nested)).isEmpty();
        assertThat(accepts(any, nested)).isFalse();
        assertThat(accepts(any, nested.substring(1, nested.length() - 1))).isTrue();
        assertThat(accepts(any, "{\"a\\u0062\":1}")).isFalse(); // escapes in free property names
        assertThat(accepts(any, "1" + "0".repeat(NumberFrame.MAX_DIGITS))).isFalse();
        assertThat(accepts(any, "1e100")).isFalse();
    }
}
