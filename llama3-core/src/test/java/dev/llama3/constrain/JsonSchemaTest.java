package dev.llama3.constrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JsonSchemaTest {

    @Test
    void springAiBeanSchemaValidates() {
        JsonSchema s = JsonSchema.parse(Schemas.FILM);
        assertThat(s.validate("""
                {"title":"Alien","year":1979,"genre":"SCI_FI","cast":[{"name":"Sigourney","born":"1949-10-08"}],
                 "rating": 8.5, "released": true, "note": null}""")).isEmpty();
        assertThat(s.validate("{\"title\":\"x\",\"year\":1,\"genre\":\"DRAMA\",\"cast\":[]}")).isEmpty();
        // integer written as 2.0 is an integer
        assertThat(s.validate("{\"title\":\"x\",\"year\":2.0,\"genre\":\"DRAMA\",\"cast\":[]}")).isEmpty();
    }

    @Test
    void errorsNameTheJsonPath() {
        JsonSchema s = JsonSchema.parse(Schemas.FILM);
        assertThat(s.validate("{\"title\":1,\"year\":1.5,\"genre\":\"WESTERN\",\"cast\":[{\"nom\":\"x\"}],\"x\":1}"))
                .containsExactlyInAnyOrder(
                        "$.title: expected string, got integer",
                        "$.year: expected integer, got 1.5",
                        "$.genre: must be one of [\"DRAMA\", \"COMEDY\", \"SCI_FI\"], got \"WESTERN\"",
                        "$.cast[0][\"nom\"]: property 'nom' is not allowed (allowed: [name, born])".replace("[\"nom\"]",
                                ".nom"),
                        "$.cast[0]: missing required property 'name'",
                        "$.x: property 'x' is not allowed (allowed: [title, year, rating, released, genre, cast, note])");
        assertThat(s.validate("{\"title\":\"x\",\"year\":1,\"genre\":\"DRAMA\",\"cast\":[{\"name\":\"a\"},"
                + "{\"name\":\"b\"},{\"name\":\"c\"},{\"name\":\"d\"}]}"))
                .containsExactly("$.cast: has 4 items, at most 3 allowed");
        assertThat(s.validate("{\"title\":\"x\",\"title\":\"y\"}")).singleElement().asString()
                .startsWith("$: not valid JSON").contains("title");
        assertThat(s.validate("{} {}")).singleElement().asString().startsWith("$: not valid JSON");
        assertThat(s.validate("")).singleElement().asString().startsWith("$: not valid JSON");
        assertThat(JsonSchema.parse("{\"type\":\"object\",\"properties\":{\"a b\":{\"type\":\"null\"}}}")
                .validate("{\"a b\":1}")).containsExactly("$[\"a b\"]: expected null, got integer");
    }

    @Test
    void typesUnionsAndLiterals() {
        JsonSchema nullable = JsonSchema.parse("{\"type\":[\"string\",\"null\"]}");
        assertThat(nullable.validate("null")).isEmpty();
        assertThat(nullable.validate("\"a\"")).isEmpty();
        assertThat(nullable.validate("1")).hasSize(1);

        JsonSchema oneOf = JsonSchema.parse("{\"oneOf\":[{\"type\":\"number\"},{\"type\":\"integer\"}]}");
        assertThat(oneOf.validate("1.5")).isEmpty();
        assertThat(oneOf.validate("1")).containsExactly("$: matches 2 alternatives of oneOf, exactly one is allowed");

        JsonSchema e = JsonSchema.parse("{\"type\":\"integer\",\"enum\":[1,2,\"x\",2.5]}");
        assertThat(e.validate("1")).isEmpty();
        assertThat(e.validate("1.0")).isEmpty();
        assertThat(e.validate("\"x\"")).hasSize(1); // not an integer: dropped from the enum
        JsonSchema c = JsonSchema.parse("{\"const\":{\"a\":[1,true]}}");
        assertThat(c.validate("{ \"a\" : [1.0, true] }")).isEmpty();
        assertThat(c.validate("{\"a\":[1]}")).hasSize(1);

        JsonSchema any = JsonSchema.parse("true");
        assertThat(any.validate("[1,{\"a\":null}]")).isEmpty();
        JsonSchema map = JsonSchema.parse(Schemas.MAP);
        assertThat(map.validate("{\"id\":1,\"x\":2.5}")).isEmpty();
        assertThat(map.validate("{\"id\":1,\"x\":\"no\"}")).containsExactly("$.x: expected number, got string");
        assertThat(map.validate("{\"x\":1}")).containsExactly("$: missing required property 'id'");
    }

    @Test
    void refsToDefinitionsAndAllOfWithOneSchema() {
        JsonSchema s = JsonSchema.parse("""
                {"definitions":{"P":{"type":"object","properties":{"x":{"$ref":"#/definitions/N"}},"required":["x"]},
                 "N":{"type":"integer"}},
                 "type":"array","items":{"allOf":[{"$ref":"#/definitions/P"}],"description":"a point"},"minItems":1}""");
        assertThat(s.validate("[{\"x\":1}]")).isEmpty();
        assertThat(s.validate("[]")).containsExactly("$: has 0 items, at least 1 required");
        assertThat(s.validate("[{\"x\":\"1\"}]")).containsExactly("$[0].x: expected integer, got string");
    }

    @Test
    void hostileSchemasFailClearly() {
        assertRejected("{\"$ref\":\"#\"}", "cyclic $ref '#'");
        assertRejected("{\"type\":\"object\",\"properties\":{\"next\":{\"$ref\":\"#/$defs/Node\"}},"
                + "\"$defs\":{\"Node\":{\"type\":\"object\",\"properties\":{\"next\":{\"$ref\":\"#/$defs/Node\"}}}}}",
                "cyclic $ref '#/$defs/Node'");
        assertRejected("{\"$defs\":{\"A\":{\"$ref\":\"#/$defs/B\"},\"B\":{\"$ref\":\"#/$defs/A\"}},\"$ref\":\"#/$defs/A\"}",
                "cyclic $ref");
        assertRejected("{\"type\":\"strin\"}", "unknown type 'strin' at #");
        assertRejected("{\"properties\":{\"a\":{\"type\":\"string\",\"pattern\":\"x+\"}}}",
                "unsupported keyword 'pattern' at #/properties/a");
        assertRejected("{\"$ref\":\"#/$defs/Missing\"}", "points to nothing");
        assertRejected("{\"$ref\":\"https://example.com/s.json\"}", "only references inside the schema");
        assertRejected("{\"type\":\"object\",\"required\":[\"a\"],\"additionalProperties\":false}",
                "required property 'a'");
        assertRejected("{\"enum\":[]}", "enum at # must be a non-empty array");
        assertRejected("{\"type\":\"string\",\"enum\":[1,2]}", "no value that matches");
        assertRejected("{\"type\":\"array\",\"minItems\":3,\"maxItems\":2}", "minItems 3 > maxItems 2");
        assertRejected("{\"type\":\"array\",\"items\":[{\"type\":\"string\"}]}", "tuple");
        assertRejected("{\"anyOf\":[]}", "anyOf at # must be a non-empty array");
        assertRejected("{\"type\":\"object\",\"anyOf\":[{}]}", "'anyOf' at # next to [type]");
        assertRejected("{\"allOf\":[{},{}]}", "allOf at # is supported only with exactly one schema");
        assertRejected("[1]", "must be an object or a boolean");
        assertRejected("false", "schema 'false'");
        assertRejected("{\"type\":", "schema is not valid JSON");
        String deep = "{\"type\":\"array\",\"items\":".repeat(100) + "{}" + "}".repeat(100);
        assertRejected(deep, "schema nests deeper than 64 levels at #/items/items");
        String deeper = "[".repeat(5000) + "]".repeat(5000);
        assertRejected(deeper, "schema is not valid JSON");
    }

    private static void assertRejected(String schema, String message) {
        assertThatThrownBy(() -> JsonSchema.parse(schema)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
