package dev.llama3.gguf;

import java.util.List;
import java.util.Objects;

/**
 * A GGUF array value: elements of one {@link GgufValueType}, boxed as in {@link GgufValue}
 * ({@link Long} for integers, ...), with nested {@link GgufArray}s when the element type is ARRAY.
 * The element list is immutable.
 */
public record GgufArray(GgufValueType elementType, List<?> elements) {

    public GgufArray {
        Objects.requireNonNull(elementType, "elementType");
        Objects.requireNonNull(elements, "elements");
        if (!(elements instanceof PackedList<?> packed && packed.type == elementType)) {
            // caller-built list: copy (refuses nulls) and check every element against the type
            elements = List.copyOf(elements);
            for (int i = 0; i < elements.size(); i++) {
                String problem = GgufValue.checkValue(elementType, elements.get(i));
                if (problem != null) {
                    throw new IllegalArgumentException("array element " + i + ": " + problem);
                }
            }
        }
    }

    public int size() {
        return elements.size();
    }

    @Override
    public String toString() {
        return "ARRAY<" + elementType + ">[" + elements.size() + "]";
    }
}
