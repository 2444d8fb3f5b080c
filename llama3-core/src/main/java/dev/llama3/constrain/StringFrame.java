package dev.llama3.constrain;

/**
 * Inside a string: a value, or (when {@code owner} is set) a property name of an object that allows undeclared
 * names. Names are written without escapes, so their bytes are the name and {@code hash} (FNV-1a of the bytes so far)
 * identifies it at the closing quote without keeping the bytes.
 */
record StringFrame(int lex, ObjectFrame owner, long hash, Frame parent) implements Frame {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    static StringFrame value(Frame parent) {
        return new StringFrame(StringLexer.NORMAL, null, 0, parent);
    }

    static StringFrame key(ObjectFrame owner) {
        return new StringFrame(StringLexer.NORMAL, owner, FNV_OFFSET, null);
    }

    static long hash(byte[] name) {
        long h = FNV_OFFSET;
        for (byte b : name) {
            h = (h ^ (b & 0xFF)) * FNV_PRIME;
        }
        return h;
    }

    @Override
    public Frame step(int b) {
        int next = StringLexer.next(lex, b, owner == null);
        if (next == StringLexer.INVALID) {
            return null;
        }
        if (next == StringLexer.CLOSE) {
            return owner == null ? parent : owner.afterFreeKey(hash);
        }
        return new StringFrame(next, owner, owner == null ? 0 : (hash ^ b) * FNV_PRIME, parent);
    }

    @Override
    public boolean canEnd() {
        return false;
    }

    @Override
    public int lexicalKey() {
        return owner == null ? lex : StringLexer.STATES + lex;
    }
}
