package dev.llama3.constrain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Turns schema JSON into {@link Schema} nodes. Every keyword is either supported, ignored as an annotation, or
 * rejected: an assertion this package cannot enforce would let the constraint admit output that the schema forbids,
 * so it fails loudly instead (see docs/constrained-decoding.md).
 */
final class SchemaCompiler {
    private static final Logger log = LoggerFactory.getLogger(SchemaCompiler.class);

    /** Deeper schemas are refused: no real output schema needs them, and they cost stack in every walk. */
    static final int MAX_DEPTH = 64;

    private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "$comment", "$anchor", "title",
            "description", "default", "examples", "deprecated", "readOnly", "writeOnly", "format", "contentMediaType",
            "contentEncoding", "$defs", "definitions", "nullable");
    private static final Set<String> ASSERTIONS = Set.of("type", "properties", "required", "additionalProperties",
            "items", "enum", "const", "minItems", "maxItems");
    private static final Set<String> REJECTED = Set.of("pattern", "minLength", "maxLength", "minimum", "maximum",
            "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "uniqueItems", "contains", "minContains",
            "maxContains", "prefixItems", "additionalItems", "minProperties", "maxProperties", "patternProperties",
            "propertyNames", "dependentRequired", "dependentSchemas", "dependencies", "not", "if", "then", "else",
            "unevaluatedProperties", "unevaluatedItems", "$dynamicRef", "$recursiveRef", "$dynamicAnchor",
            "$recursiveAnchor");

    private final JsonNode root;
    private final Map<String, Schema> refs = new HashMap<>();
    private final List<String> resolving = new ArrayList<>();

    private SchemaCompiler(JsonNode root) {
        this.root = root;
    }

    static Schema compile(String schemaJson) {
        if (schemaJson == null) {
            throw new IllegalArgumentException("schema JSON is null");
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(schemaJson);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("schema is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new IllegalArgumentException("schema JSON is empty");
        }
        return new SchemaCompiler(root).node(root, "#", 0);
    }

    private Schema node(JsonNode n, String at, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("schema nests deeper than " + MAX_DEPTH + " levels at " + at);
        }
        if (n.isBoolean()) {
            if (n.booleanValue()) {
                return Schema.Any.INSTANCE;
            }
            throw new IllegalArgumentException("schema 'false' (nothing matches) at " + at + " is not supported");
        }
        if (!n.isObject()) {
            throw new IllegalArgumentException("schema at " + at + " must be an object or a boolean, got " + kind(n));
        }
        List<String> assertions = new ArrayList<>();
        for (String key : n.propertyNames()) {
            if (REJECTED.contains(key)) {
                throw new IllegalArgumentException("unsupported keyword '" + key + "' at " + at
                        + ": constrained decoding cannot enforce it, and ignoring it would admit output the schema"
                        + " forbids");
            }
            if (ASSERTIONS.contains(key)) {
                assertions.add(key);
            } else if (!ANNOTATIONS.contains(key) && !Set.of("$ref", "anyOf", "oneOf", "allOf").contains(key)) {
                log.debug("ignoring unknown keyword '{}' at {}", key, at);
            }
        }
        if (n.has("$ref")) {
            only(n, at, "$ref", assertions, List.of("anyOf", "oneOf", "allOf"));
            return ref(text(n.get("$ref"), at + "/$ref"), at, depth);
        }
        if (n.has("allOf")) {
            only(n, at, "allOf", assertions, List.of("anyOf", "oneOf"));
            JsonNode all = n.get("allOf");
            if (!all.isArray() || all.size() != 1) {
                throw new IllegalArgumentException("allOf at " + at + " is supported only with exactly one schema");
            }
            return node(all.get(0), at + "/allOf/0", depth + 1);
        }
        if (n.has("anyOf") || n.has("oneOf")) {
            boolean one = n.has("oneOf");
            String key = one ? "oneOf" : "anyOf";
            only(n, at, key, assertions, List.of(one ? "anyOf" : "oneOf"));
            JsonNode alts = n.get(key);
            if (!alts.isArray() || alts.isEmpty()) {
                throw new IllegalArgumentException(key + " at " + at + " must be a non-empty array of schemas");
            }
            List<Schema> list = new ArrayList<>();
            for (int i = 0; i < alts.size(); i++) {
                list.add(node(alts.get(i), at + "/" + key + "/" + i, depth + 1));
            }
            return list.size() == 1 ? list.getFirst() : new Schema.Union(list, one);
        }
        if (n.has("enum") || n.has("const")) {
            return literals(n, at, depth);
        }
        return typed(n, at, depth);
    }

    /** Refuses {@code keyword} next to assertion keywords (whose meaning would be an intersection we do not build). */
    private static void only(JsonNode n, String at, String keyword, List<String> assertions, List<String> others) {
        List<String> clash = new ArrayList<>(assertions);
        for (String o : others) {
            if (n.has(o)) {
                clash.add(o);
            }
        }
        if (!clash.isEmpty()) {
            throw new IllegalArgumentException("'" + keyword + "' at " + at + " next to " + clash
                    + " is not supported; put the keywords inside the referenced or listed schemas");
        }
    }

    private Schema ref(String ref, String at, int depth) {
        if (!ref.startsWith("#")) {
            throw new IllegalArgumentException("$ref '" + ref + "' at " + at
                    + " is not supported: only references inside the schema (#/$defs/..., #/definitions/...)");
        }
        Schema done = refs.get(ref);
        if (done != null) {
            return done;
        }
        if (resolving.contains(ref)) {
            throw new IllegalArgumentException("cyclic $ref '" + ref + "' at " + at + " (via " + resolving
                    + "): recursive schemas are not supported");
        }
        JsonNode target = root.at(pointer(ref.substring(1), at));
        if (target == null || target.isMissingNode()) {
            throw new IllegalArgumentException("$ref '" + ref + "' at " + at + " points to nothing");
        }
        resolving.add(ref);
        Schema s = node(target, ref, depth + 1);
        resolving.removeLast();
        refs.put(ref, s);
        return s;
    }

    /** A URI fragment as a JSON pointer (percent-decoded). */
    private static String pointer(String fragment, String at) {
        try {
            return java.net.URLDecoder.decode(fragment.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("$ref fragment '" + fragment + "' at " + at + " is malformed", e);
        }
    }

    private Schema literals(JsonNode n, String at, int depth) {
        List<JsonNode> values = new ArrayList<>();
        if (n.has("enum")) {
            JsonNode e = n.get("enum");
            if (!e.isArray() || e.isEmpty()) {
                throw new IllegalArgumentException("enum at " + at + " must be a non-empty array");
            }
            e.values().forEach(values::add);
        }
        if (n.has("const")) {
            JsonNode c = n.get("const");
            values = n.has("enum") ? values.stream().filter(v -> Json.equal(v, c)).toList() : List.of(c);
        }
        // the other keywords still apply: keep only the values that satisfy them
        Schema rest = typedOrAny(n, at, depth);
        List<JsonNode> kept = values.stream().filter(v -> SchemaValidator.valid(rest, v)).toList();
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("enum/const at " + at + " has no value that matches the rest of the"
                    + " schema (" + String.join(", ", values.stream().map(Json::write).toList()) + ")");
        }
        return new Schema.Literals(kept, kept.stream().map(Json::write).toList());
    }

    private Schema typedOrAny(JsonNode n, String at, int depth) {
        boolean hasTypeKeywords = false;
        for (String k : List.of("type", "properties", "required", "additionalProperties", "items", "minItems",
                "maxItems")) {
            hasTypeKeywords |= n.has(k);
        }
        return hasTypeKeywords ? typed(n, at, depth) : Schema.Any.INSTANCE;
    }

    private Schema typed(JsonNode n, String at, int depth) {
        List<String> types = new ArrayList<>();
        JsonNode type = n.get("type");
        if (type == null) {
            // no type: infer it from the keywords (a schema with properties describes an object), else anything
            if (n.has("properties") || n.has("required") || n.has("additionalProperties")) {
                types.add("object");
            } else if (n.has("items") || n.has("minItems") || n.has("maxItems")) {
                types.add("array");
            } else {
                return Schema.Any.INSTANCE;
            }
        } else if (type.isString()) {
            types.add(type.stringValue());
        } else if (type.isArray() && !type.isEmpty()) {
            for (int i = 0; i < type.size(); i++) {
                types.add(text(type.get(i), at + "/type/" + i));
            }
        } else {
            throw new IllegalArgumentException("type at " + at + " must be a string or a non-empty array of strings");
        }
        List<Schema> alts = new ArrayList<>();
        for (String t : new java.util.LinkedHashSet<>(types)) {
            Schema s = switch (t) {
                case "object" -> object(n, at, depth);
                case "array" -> array(n, at, depth);
                case "string" -> Schema.Str.INSTANCE;
                case "number" -> Schema.Num.NUMBER;
                case "integer" -> types.contains("number") ? null : Schema.Num.INTEGER;
                case "boolean" -> Schema.Bool.INSTANCE;
                case "null" -> Schema.Null.INSTANCE;
                default -> throw new IllegalArgumentException("unknown type '" + t + "' at " + at
                        + " (known: object, array, string, number, integer, boolean, null)");
            };
            if (s != null) {
                alts.add(s);
            }
        }
        return alts.size() == 1 ? alts.getFirst() : new Schema.Union(alts, false);
    }

    private Schema.Obj object(JsonNode n, String at, int depth) {
        Map<String, Schema> props = new LinkedHashMap<>();
        JsonNode p = n.get("properties");
        if (p != null) {
            if (!p.isObject()) {
                throw new IllegalArgumentException("properties at " + at + " must be an object");
            }
            for (var e : p.properties()) {
                props.put(e.getKey(), node(e.getValue(), at + "/properties/" + escape(e.getKey()), depth + 1));
            }
        }
        Schema additional = Schema.Any.INSTANCE;
        JsonNode a = n.get("additionalProperties");
        if (a != null) {
            additional = a.isBoolean() && !a.booleanValue() ? null : node(a, at + "/additionalProperties", depth + 1);
        }
        List<String> required = new ArrayList<>();
        JsonNode r = n.get("required");
        if (r != null) {
            if (!r.isArray()) {
                throw new IllegalArgumentException("required at " + at + " must be an array of property names");
            }
            for (int i = 0; i < r.size(); i++) {
                String name = text(r.get(i), at + "/required/" + i);
                if (!props.containsKey(name)) {
                    if (additional == null) {
                        throw new IllegalArgumentException("required property '" + name + "' at " + at
                                + " is not in properties and additionalProperties is false: no object can match");
                    }
                    props.put(name, additional);
                }
                if (!required.contains(name)) {
                    required.add(name);
                }
            }
        }
        return new Schema.Obj(List.copyOf(props.keySet()), List.copyOf(props.values()), required, additional, false);
    }

    private Schema.Arr array(JsonNode n, String at, int depth) {
        Schema items = Schema.Any.INSTANCE;
        JsonNode i = n.get("items");
        if (i != null) {
            if (i.isArray()) {
                throw new IllegalArgumentException("items at " + at + " is an array (tuple validation), which is not"
                        + " supported");
            }
            items = node(i, at + "/items", depth + 1);
        }
        int min = count(n, "minItems", at, 0);
        int max = count(n, "maxItems", at, Integer.MAX_VALUE);
        if (min > max) {
            throw new IllegalArgumentException("minItems " + min + " > maxItems " + max + " at " + at);
        }
        return new Schema.Arr(items, min, max);
    }

    private static int count(JsonNode n, String key, String at, int dflt) {
        JsonNode v = n.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
            throw new IllegalArgumentException(key + " at " + at + " must be a non-negative integer, got " + v);
        }
        return v.intValue();
    }

    private static String text(JsonNode v, String at) {
        if (v == null || !v.isString()) {
            throw new IllegalArgumentException(at + " must be a string, got " + (v == null ? "nothing" : kind(v)));
        }
        return v.stringValue();
    }

    private static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    static String kind(JsonNode v) {
        if (v.isObject()) {
            return "object";
        }
        if (v.isArray()) {
            return "array";
        }
        if (v.isString()) {
            return "string";
        }
        if (v.isIntegralNumber()) {
            return "integer";
        }
        if (v.isNumber()) {
            return "number";
        }
        if (v.isBoolean()) {
            return "boolean";
        }
        return v.isNull() ? "null" : v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }
}
