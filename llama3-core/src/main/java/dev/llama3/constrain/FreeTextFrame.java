package dev.llama3.constrain;

/** Free text in tool-call AUTO mode: anything, except that the first non-whitespace byte is not '{'. */
record FreeTextFrame(boolean started) implements Frame {
    static final FreeTextFrame START = new FreeTextFrame(false);
    static final FreeTextFrame ANY = new FreeTextFrame(true);

    @Override
    public Frame step(int b) {
        if (started) {
            return this;
        }
        if (Frame.whitespace(b)) {
            return this;
        }
        return b == '{' ? null : ANY;
    }

    @Override
    public boolean canEnd() {
        return true;
    }

    @Override
    public int lexicalKey() {
        return started ? LexicalMasks.FREE_TEXT : LexicalMasks.FREE_TEXT_START;
    }
}
