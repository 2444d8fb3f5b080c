package dev.llama3.constrain;

/**
 * Inside a JSON number. The number ends at the first byte that cannot extend it, which goes to the parent. Digit runs
 * are bounded (a model must not write digits forever, and values stay finite as doubles); integers are written
 * without fraction or exponent.
 */
record NumberFrame(int state, boolean integer, int run, Frame parent) implements Frame {
    static final int MAX_DIGITS = 18;
    static final int MAX_EXPONENT_DIGITS = 2;

    private static final int MINUS = 0; // after '-'
    private static final int ZERO = 1; // a leading 0 (complete)
    private static final int INT = 2; // integer digits (complete)
    private static final int DOT = 3; // after '.'
    private static final int FRAC = 4; // fraction digits (complete)
    private static final int E = 5; // after 'e'
    private static final int E_SIGN = 6; // after 'e+' / 'e-'
    private static final int EXP = 7; // exponent digits (complete)

    static Frame start(boolean integer, int b, Frame parent) {
        if (b == '-') {
            return new NumberFrame(MINUS, integer, 0, parent);
        }
        if (b == '0') {
            return new NumberFrame(ZERO, integer, 1, parent);
        }
        return b >= '1' && b <= '9' ? new NumberFrame(INT, integer, 1, parent) : null;
    }

    @Override
    public Frame step(int b) {
        boolean digit = b >= '0' && b <= '9';
        Frame next = switch (state) {
            case MINUS -> b == '0' ? to(ZERO, 1) : digit ? to(INT, 1) : null;
            case ZERO -> fractionOrExponent(b);
            case INT -> digit ? (run < MAX_DIGITS ? to(INT, run + 1) : null) : fractionOrExponent(b);
            case DOT -> digit ? to(FRAC, 1) : null;
            case FRAC -> digit ? (run < MAX_DIGITS ? to(FRAC, run + 1) : null) : (b == 'e' || b == 'E') ? to(E, 0) : null;
            case E -> b == '+' || b == '-' ? to(E_SIGN, 0) : digit ? to(EXP, 1) : null;
            case E_SIGN -> digit ? to(EXP, 1) : null;
            case EXP -> digit && run < MAX_EXPONENT_DIGITS ? to(EXP, run + 1) : null;
            default -> throw new IllegalStateException("number state " + state);
        };
        if (next != null) {
            return next;
        }
        return complete() ? parent.step(b) : null;
    }

    private Frame fractionOrExponent(int b) {
        if (integer) {
            return null;
        }
        if (b == '.') {
            return to(DOT, 0);
        }
        return b == 'e' || b == 'E' ? to(E, 0) : null;
    }

    private NumberFrame to(int s, int r) {
        return new NumberFrame(s, integer, r, parent);
    }

    private boolean complete() {
        return state == ZERO || state == INT || state == FRAC || state == EXP;
    }

    @Override
    public boolean canEnd() {
        return complete() && parent.canEnd();
    }
}
