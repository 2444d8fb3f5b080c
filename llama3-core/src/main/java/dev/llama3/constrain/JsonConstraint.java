package dev.llama3.constrain;

/** A compiled constraint: a vocabulary index and the automaton's immutable start state, shared by all generations. */
final class JsonConstraint implements Constraint {
    private final TokenIndex index;
    private final Frame initial;
    private final String description;

    JsonConstraint(TokenIndex index, Frame initial, String description) {
        this.index = index;
        this.initial = initial;
        this.description = description;
    }

    @Override
    public TokenConstraint start() {
        return new JsonTokenConstraint(index, initial);
    }

    @Override
    public String toString() {
        return description;
    }
}
