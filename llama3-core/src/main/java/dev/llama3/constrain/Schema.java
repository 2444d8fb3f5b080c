package dev.llama3.constrain;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A compiled schema node: the one model that both {@link SchemaValidator} and the token automaton read, so the two
 * cannot disagree about what a keyword means. Nodes are compared by identity (the automaton's frames hold them).
 */
sealed interface Schema {

    /** Any JSON value ({@code true}, {@code {}}, a missing {@code items} or {@code additionalProperties}). */
    final class Any implements Schema {
        static final Any INSTANCE = new Any();
        /** The object an unconstrained value may be: free keys, any values. */
        static final Obj OBJECT = new Obj(List.of(), List.of(), List.of(), INSTANCE, false);
        /** The array an unconstrained value may be. */
        static final Arr ARRAY = new Arr(INSTANCE, 0, Integer.MAX_VALUE);

        private Any() {}

        @Override
        public String toString() {
            return "any";
        }
    }

    /** anyOf (or oneOf when {@code exactlyOne}) of alternatives. */
    record Union(List<Schema> alternatives, boolean exactlyOne) implements Schema {
        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    /**
     * enum / const: the value must equal one of {@code values}. The automaton writes each value in one canonical
     * spelling ({@code encoded}, sorted by unsigned bytes so that candidates sharing a prefix are contiguous).
     */
    final class Literals implements Schema {
        final List<JsonNode> values;
        final byte[][] encoded;

        Literals(List<JsonNode> values, List<String> canonical) {
            this.values = List.copyOf(values);
            this.encoded = canonical.stream().distinct().map(s -> s.getBytes(StandardCharsets.UTF_8))
                    .sorted(Arrays::compareUnsigned).toArray(byte[][]::new);
        }

        @Override
        public String toString() {
            return "enum" + values;
        }
    }

    /**
     * An object. {@code additional} is the schema of undeclared properties, null when they are forbidden.
     * {@code ordered}: declared properties must appear in declaration order (used for tool calls, whose format puts
     * "name" before "parameters").
     */
    final class Obj implements Schema {
        final List<String> names;
        final List<Schema> schemas;
        final BitSet required;
        final Schema additional;
        final boolean ordered;
        /** Declared names as JSON strings with quotes, sorted; {@code keyIds[i]} is the index of {@code keys[i]}. */
        final byte[][] keys;
        final int[] keyIds;
        /** Property index by the hash of its name's UTF-8 bytes (for free keys, see {@link StringFrame}). */
        final Map<Long, Integer> byHash = new HashMap<>();

        Obj(List<String> names, List<Schema> schemas, List<String> requiredNames, Schema additional, boolean ordered) {
            this.names = List.copyOf(names);
            this.schemas = List.copyOf(schemas);
            this.required = new BitSet();
            for (String r : requiredNames) {
                required.set(this.names.indexOf(r));
            }
            this.additional = additional;
            this.ordered = ordered;
            Integer[] order = new Integer[names.size()];
            byte[][] encoded = new byte[names.size()][];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
                encoded[i] = Json.quote(names.get(i)).getBytes(StandardCharsets.UTF_8);
                byHash.put(StringFrame.hash(names.get(i).getBytes(StandardCharsets.UTF_8)), i);
            }
            Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(encoded[a], encoded[b]));
            this.keys = new byte[order.length][];
            this.keyIds = new int[order.length];
            for (int i = 0; i < order.length; i++) {
                keys[i] = encoded[order[i]];
                keyIds[i] = order[i];
            }
        }

        int indexOf(String name) {
            return names.indexOf(name);
        }

        @Override
        public String toString() {
            return "object" + names;
        }
    }

    /** An array of {@code items}, with {@code min..max} elements. */
    record Arr(Schema items, int min, int max) implements Schema {
        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    /** A string (formats are annotations and not checked). */
    enum Str implements Schema { INSTANCE }

    /** A number; {@code integer}: only whole numbers (the automaton writes them without fraction or exponent). */
    enum Num implements Schema {
        NUMBER, INTEGER;

        boolean integer() {
            return this == INTEGER;
        }
    }

    enum Bool implements Schema { INSTANCE }

    enum Null implements Schema { INSTANCE }
}
