package dev.llama3.constrain;

/** Inside an array: how many items so far and whether the next byte starts an item or follows one. */
record ArrayFrame(Schema.Arr schema, boolean afterValue, int count, int ws, int depth, Frame parent) implements Frame {

    static ArrayFrame open(Schema.Arr schema, int depth, Frame parent) {
        return new ArrayFrame(schema, false, 0, 0, depth, parent);
    }

    @Override
    public Frame step(int b) {
        if (Frame.whitespace(b)) {
            return ws < MAX_WHITESPACE ? new ArrayFrame(schema, afterValue, count, ws + 1, depth, parent) : null;
        }
        if (b == ']') {
            return count >= schema.min() ? parent : null;
        }
        if (afterValue) {
            return b == ',' && count < schema.max() ? new ValueFrame(schema.items(), 0, depth + 1, next()) : null;
        }
        // right after '[': this byte starts the first item
        return count < schema.max() ? ValueFrame.start(schema.items(), b, depth + 1, next()) : null;
    }

    /** The array after one more item. */
    private ArrayFrame next() {
        return new ArrayFrame(schema, true, count + 1, 0, depth, parent);
    }

    @Override
    public boolean canEnd() {
        return false;
    }
}
