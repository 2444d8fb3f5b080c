package dev.llama3.constrain;

/** What follows the top-level value: nothing. */
record RootFrame() implements Frame {
    static final RootFrame END = new RootFrame();

    @Override
    public Frame step(int b) {
        return null;
    }

    @Override
    public boolean canEnd() {
        return true;
    }
}
