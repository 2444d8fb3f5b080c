package dev.llama3.constrain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Several alternative states at once (anyOf, or free text next to a tool call); never nested, never empty. */
record Fork(Frame[] alternatives) implements Frame {

    /** The state holding every non-null alternative once (forks flattened); null when none. */
    static Frame of(List<Frame> states) {
        List<Frame> out = new ArrayList<>(states.size());
        for (Frame f : states) {
            if (f instanceof Fork fork) {
                for (Frame a : fork.alternatives) {
                    add(out, a);
                }
            } else if (f != null) {
                add(out, f);
            }
        }
        return switch (out.size()) {
            case 0 -> null;
            case 1 -> out.getFirst();
            default -> new Fork(out.toArray(Frame[]::new));
        };
    }

    private static void add(List<Frame> out, Frame f) {
        if (!out.contains(f)) {
            out.add(f);
        }
    }

    @Override
    public Frame step(int b) {
        List<Frame> next = new ArrayList<>(alternatives.length);
        for (Frame a : alternatives) {
            next.add(a.step(b));
        }
        return of(next);
    }

    @Override
    public boolean canEnd() {
        for (Frame a : alternatives) {
            if (a.canEnd()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fork f && Arrays.equals(alternatives, f.alternatives);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(alternatives);
    }

    @Override
    public String toString() {
        return "Fork" + Arrays.toString(alternatives);
    }
}
