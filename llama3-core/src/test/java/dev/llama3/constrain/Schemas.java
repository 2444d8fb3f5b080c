package dev.llama3.constrain;

import java.util.LinkedHashMap;
import java.util.Map;

/** Schemas of the shapes Spring AI generates, shared by the tests and the benchmark. */
final class Schemas {
    private Schemas() {}

    /** What BeanOutputConverter writes for {@code record Film(String title, int year, List<Actor> cast, Genre genre)}. */
    static final String FILM = """
            {
              "$schema" : "https://json-schema.org/draft/2020-12/schema",
              "type" : "object",
              "properties" : {
                "title" : { "type" : "string", "description" : "the title" },
                "year" : { "type" : "integer", "format" : "int32" },
                "rating" : { "type" : "number" },
                "released" : { "type" : "boolean" },
                "genre" : { "type" : "string", "enum" : [ "DRAMA", "COMEDY", "SCI_FI" ] },
                "cast" : { "type" : "array", "items" : { "$ref" : "#/$defs/Actor" }, "maxItems" : 3 },
                "note" : { "type" : [ "string", "null" ] }
              },
              "required" : [ "title", "year", "genre", "cast" ],
              "additionalProperties" : false,
              "$defs" : {
                "Actor" : {
                  "type" : "object",
                  "properties" : { "name" : { "type" : "string" }, "born" : { "type" : "string", "format" : "date" } },
                  "required" : [ "name" ],
                  "additionalProperties" : false
                }
              }
            }""";

    static final String WEATHER = """
            {"type":"object","properties":{"city":{"type":"string","description":"City name"},
             "unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city","unit"],
             "additionalProperties":false}""";

    static final String TIME = """
            {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
             "properties":{"timezone":{"type":"string"}},"required":["timezone"],"additionalProperties":false}""";

    static final String SEARCH = """
            {"type":"object","properties":{"query":{"type":"string"},"limit":{"type":"integer"},
             "filters":{"type":"array","items":{"type":"string"}},"exact":{"type":"boolean"}},
             "required":["query"],"additionalProperties":false}""";

    /** A map-like object: free keys. */
    static final String MAP = """
            {"type":"object","properties":{"id":{"type":"integer"}},"required":["id"],
             "additionalProperties":{"type":"number"}}""";

    /** Free keys only (random generation rarely writes a required free key such as "id" of {@link #MAP}). */
    static final String FREE_MAP = """
            {"type":"object","properties":{"id":{"type":"integer"}},"additionalProperties":{"type":"number"}}""";

    /** anyOf with overlapping prefixes and a root that is not an object. */
    static final String SHAPES = """
            {"anyOf":[
              {"type":"object","properties":{"kind":{"const":"circle"},"r":{"type":"number"}},
               "required":["kind","r"],"additionalProperties":false},
              {"type":"object","properties":{"kind":{"const":"rect"},"w":{"type":"number"},"h":{"type":"number"}},
               "required":["kind","w","h"],"additionalProperties":false},
              {"type":"array","items":{"enum":[1, 12, 123, "x", null, true]},"minItems":1,"maxItems":4}
            ]}""";

    /** Anything at all. */
    static final String ANY = "{}";

    static Map<String, String> all() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("film", FILM);
        m.put("weather", WEATHER);
        m.put("search", SEARCH);
        m.put("map", FREE_MAP);
        m.put("shapes", SHAPES);
        m.put("any", ANY);
        return m;
    }

    static Map<String, JsonSchema> tools() {
        Map<String, JsonSchema> m = new LinkedHashMap<>();
        m.put("get_weather", JsonSchema.parse(WEATHER));
        m.put("get_time", JsonSchema.parse(TIME));
        m.put("search", JsonSchema.parse(SEARCH));
        return m;
    }
}
