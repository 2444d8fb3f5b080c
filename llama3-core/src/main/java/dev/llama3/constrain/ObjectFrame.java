package dev.llama3.constrain;

import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;

/**
 * Inside an object: which properties are used (declared ones by index, undeclared ones by name hash), where we are
 * between the braces, and which property's value comes after the colon ({@code pending}, -1: an undeclared one).
 * A property never appears twice; the closing brace needs every required property.
 */
record ObjectFrame(Schema.Obj schema, int state, BitSet used, Set<Long> usedFree, int last, int pending, int ws,
        int depth, Frame parent) implements Frame {

    static final int OPEN = 0; // after '{'
    static final int AFTER_KEY = 1; // after a name, before ':'
    static final int AFTER_VALUE = 2; // after a value, before ',' or '}'
    static final int AFTER_COMMA = 3; // after ',', before a name

    static ObjectFrame open(Schema.Obj schema, int depth, Frame parent) {
        return new ObjectFrame(schema, OPEN, new BitSet(), Set.of(), -1, -1, 0, depth, parent);
    }

    @Override
    public Frame step(int b) {
        if (Frame.whitespace(b)) {
            return ws < MAX_WHITESPACE
                    ? new ObjectFrame(schema, state, used, usedFree, last, pending, ws + 1, depth, parent) : null;
        }
        return switch (state) {
            case OPEN -> b == '"' ? startKey() : b == '}' ? close() : null;
            case AFTER_COMMA -> b == '"' ? startKey() : null;
            case AFTER_KEY -> b == ':' ? new ValueFrame(valueSchema(), 0, depth + 1, to(AFTER_VALUE)) : null;
            case AFTER_VALUE -> b == ',' ? (canAddKey() ? to(AFTER_COMMA) : null) : b == '}' ? close() : null;
            default -> throw new IllegalStateException("object state " + state);
        };
    }

    private Frame startKey() {
        return schema.additional == null ? LiteralFrame.key(schema.keys, schema.keyIds, this) : StringFrame.key(this);
    }

    private Frame close() {
        BitSet missing = (BitSet) schema.required.clone();
        missing.andNot(used);
        return missing.isEmpty() ? parent : null;
    }

    private Schema valueSchema() {
        return pending >= 0 ? schema.schemas.get(pending) : schema.additional;
    }

    private ObjectFrame to(int s) {
        return new ObjectFrame(schema, s, used, usedFree, last, pending, 0, depth, parent);
    }

    /**
     * Whether declared property {@code id} may come next: not used yet, and, for ordered objects, after the last one
     * without skipping a required one (which could then never come).
     */
    boolean keyAllowed(int id) {
        if (used.get(id)) {
            return false;
        }
        if (!schema.ordered) {
            return true;
        }
        if (id <= last) {
            return false;
        }
        int skippedRequired = schema.required.nextSetBit(last + 1);
        return skippedRequired < 0 || skippedRequired >= id;
    }

    private boolean canAddKey() {
        if (schema.additional != null) {
            return true;
        }
        for (int i = 0; i < schema.names.size(); i++) {
            if (keyAllowed(i)) {
                return true;
            }
        }
        return false;
    }

    /** After the closing quote of declared property {@code id}. */
    Frame afterKey(int id) {
        BitSet u = (BitSet) used.clone();
        u.set(id);
        return new ObjectFrame(schema, AFTER_KEY, u, usedFree, id, id, 0, depth, parent);
    }

    /** After the closing quote of a free name: a declared property if the name is one, else an undeclared one. */
    Frame afterFreeKey(long hash) {
        Integer id = schema.byHash.get(hash);
        if (id != null) {
            return keyAllowed(id) ? afterKey(id) : null;
        }
        if (usedFree.contains(hash)) {
            return null;
        }
        Set<Long> u = new HashSet<>(usedFree);
        u.add(hash);
        return new ObjectFrame(schema, AFTER_KEY, used, Set.copyOf(u), last, -1, 0, depth, parent);
    }

    @Override
    public boolean canEnd() {
        return false;
    }
}
