package dev.llama3.constrain;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Expects one value of {@code schema}, after optional whitespace; {@code depth} counts the containers around it.
 * Its first byte decides the kind of value; alternatives of a union that start alike stay together as a {@link Fork}.
 */
record ValueFrame(Schema schema, int ws, int depth, Frame parent) implements Frame {

    /** Unconstrained values ({@link Schema.Any}) nest at most this deep; explicit schemas are finite anyway. */
    static final int MAX_ANY_DEPTH = 16;

    private static final byte[][] BOOLEANS = {"false".getBytes(StandardCharsets.US_ASCII), "true".getBytes(StandardCharsets.US_ASCII)};
    private static final byte[][] NULL = {"null".getBytes(StandardCharsets.US_ASCII)};

    @Override
    public Frame step(int b) {
        if (Frame.whitespace(b)) {
            return ws < MAX_WHITESPACE ? new ValueFrame(schema, ws + 1, depth, parent) : null;
        }
        return start(schema, b, depth, parent);
    }

    /** The state after {@code b}, the first byte of a value of {@code schema}. */
    static Frame start(Schema schema, int b, int depth, Frame parent) {
        return switch (schema) {
            case Schema.Any any -> {
                if (b == '{' || b == '[') {
                    yield depth < MAX_ANY_DEPTH
                            ? start(b == '{' ? Schema.Any.OBJECT : Schema.Any.ARRAY, b, depth, parent) : null;
                }
                yield switch (b) {
                    case '"' -> start(Schema.Str.INSTANCE, b, depth, parent);
                    case 't', 'f' -> start(Schema.Bool.INSTANCE, b, depth, parent);
                    case 'n' -> start(Schema.Null.INSTANCE, b, depth, parent);
                    default -> start(Schema.Num.NUMBER, b, depth, parent);
                };
            }
            case Schema.Union u -> {
                List<Frame> alts = new ArrayList<>(u.alternatives().size());
                for (Schema alt : u.alternatives()) {
                    alts.add(start(alt, b, depth, parent));
                }
                yield Fork.of(alts);
            }
            case Schema.Literals l -> LiteralFrame.start(l.encoded, b, parent);
            case Schema.Obj o -> b == '{' ? ObjectFrame.open(o, depth, parent) : null;
            case Schema.Arr a -> b == '[' ? ArrayFrame.open(a, depth, parent) : null;
            case Schema.Str s -> b == '"' ? StringFrame.value(parent) : null;
            case Schema.Num n -> NumberFrame.start(n.integer(), b, parent);
            case Schema.Bool bool -> LiteralFrame.start(BOOLEANS, b, parent);
            case Schema.Null nul -> LiteralFrame.start(NULL, b, parent);
        };
    }

    @Override
    public boolean canEnd() {
        return false;
    }
}
