package dev.llama3.sampling;

import java.util.Arrays;
import java.util.Objects;

/** The small {@link IntSequence} implementations behind its static factories. */
final class IntSequences {
    private IntSequences() {}

    static final IntSequence EMPTY = new ArrayView(new int[0]);

    /** A read-only view over an array that the caller owns. */
    static final class ArrayView implements IntSequence {
        private final int[] values;

        ArrayView(int[] values) {
            this.values = values;
        }

        @Override
        public int size() {
            return values.length;
        }

        @Override
        public int get(int index) {
            Objects.checkIndex(index, values.length);
            return values[index];
        }

        @Override
        public String toString() {
            return Arrays.toString(values);
        }
    }
}
