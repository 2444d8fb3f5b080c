package dev.llama3.constrain;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/** Checks a JSON value against compiled {@link Schema} nodes, collecting messages that name the JSON path. */
final class SchemaValidator {
    private static final Pattern SIMPLE_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

    private SchemaValidator() {}

    static boolean valid(Schema schema, JsonNode value) {
        List<String> errors = new ArrayList<>();
        check(schema, value, "$", errors);
        return errors.isEmpty();
    }

    static void check(Schema schema, JsonNode v, String path, List<String> errors) {
        switch (schema) {
            case Schema.Any any -> { }
            case Schema.Union u -> union(u, v, path, errors);
            case Schema.Literals l -> {
                if (l.values.stream().noneMatch(x -> Json.equal(x, v))) {
                    errors.add(path + ": must be one of " + l.values.stream().map(Json::write).toList() + ", got "
                            + abbreviate(Json.write(v)));
                }
            }
            case Schema.Obj o -> object(o, v, path, errors);
            case Schema.Arr a -> array(a, v, path, errors);
            case Schema.Str s -> expect(v.isString(), "string", v, path, errors);
            case Schema.Num n -> number(n, v, path, errors);
            case Schema.Bool b -> expect(v.isBoolean(), "boolean", v, path, errors);
            case Schema.Null n -> expect(v.isNull(), "null", v, path, errors);
        }
    }

    private static void union(Schema.Union u, JsonNode v, String path, List<String> errors) {
        int matches = 0;
        List<String> first = null;
        for (Schema alt : u.alternatives()) {
            List<String> e = new ArrayList<>();
            check(alt, v, path, e);
            if (e.isEmpty()) {
                matches++;
            } else if (first == null) {
                first = e;
            }
        }
        if (matches == 0) {
            errors.add(path + ": matches none of the " + u.alternatives().size() + " alternatives (first: "
                    + String.join("; ", first) + ")");
        } else if (u.exactlyOne() && matches > 1) {
            errors.add(path + ": matches " + matches + " alternatives of oneOf, exactly one is allowed");
        }
    }

    private static void object(Schema.Obj o, JsonNode v, String path, List<String> errors) {
        if (!expect(v.isObject(), "object", v, path, errors)) {
            return;
        }
        for (var e : v.properties()) {
            int i = o.indexOf(e.getKey());
            String at = member(path, e.getKey());
            if (i >= 0) {
                check(o.schemas.get(i), e.getValue(), at, errors);
            } else if (o.additional == null) {
                errors.add(at + ": property '" + e.getKey() + "' is not allowed (allowed: " + o.names + ")");
            } else {
                check(o.additional, e.getValue(), at, errors);
            }
        }
        for (int r = o.required.nextSetBit(0); r >= 0; r = o.required.nextSetBit(r + 1)) {
            if (!v.has(o.names.get(r))) {
                errors.add(path + ": missing required property '" + o.names.get(r) + "'");
            }
        }
    }

    private static void array(Schema.Arr a, JsonNode v, String path, List<String> errors) {
        if (!expect(v.isArray(), "array", v, path, errors)) {
            return;
        }
        if (v.size() < a.min()) {
            errors.add(path + ": has " + v.size() + " items, at least " + a.min() + " required");
        }
        if (v.size() > a.max()) {
            errors.add(path + ": has " + v.size() + " items, at most " + a.max() + " allowed");
        }
        for (int i = 0; i < v.size(); i++) {
            check(a.items(), v.get(i), path + "[" + i + "]", errors);
        }
    }

    private static void number(Schema.Num n, JsonNode v, String path, List<String> errors) {
        if (!expect(v.isNumber(), n.integer() ? "integer" : "number", v, path, errors)) {
            return;
        }
        if ((v.isDouble() || v.isFloat()) && !Double.isFinite(v.doubleValue())) {
            errors.add(path + ": " + v + " is out of range");
            return;
        }
        if (n.integer() && !v.isIntegralNumber()) {
            BigDecimal d = v.decimalValue();
            if (d.signum() != 0 && d.stripTrailingZeros().scale() > 0) {
                errors.add(path + ": expected integer, got " + v);
            }
        }
    }

    private static boolean expect(boolean ok, String type, JsonNode v, String path, List<String> errors) {
        if (!ok) {
            errors.add(path + ": expected " + type + ", got " + SchemaCompiler.kind(v));
        }
        return ok;
    }

    static String member(String path, String name) {
        return SIMPLE_NAME.matcher(name).matches() ? path + "." + name : path + "[" + Json.quote(name) + "]";
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
