package dev.llama3.constrain;

/**
 * Inside one of a fixed set of spellings (enum/const values, true/false/null, declared property names):
 * {@code candidates} is sorted, so the candidates that share the {@code pos} bytes matched so far are the contiguous
 * range {@code lo..hi-1}. A candidate that is a prefix of another (enum 1 and 12) completes only when the next byte
 * cannot extend it, and that byte then goes to the parent.
 *
 * <p>For property names, {@code owner} is the object whose key this is and {@code ids} maps candidates to property
 * indexes; a name the owner no longer allows (used, or out of order) is skipped.
 */
record LiteralFrame(byte[][] candidates, int[] ids, int lo, int hi, int pos, ObjectFrame owner, Frame parent)
        implements Frame {

    static Frame start(byte[][] candidates, int b, Frame parent) {
        return new LiteralFrame(candidates, null, 0, candidates.length, 0, null, parent).step(b);
    }

    /** A property name after its opening quote; null when the owner allows no declared name. */
    static Frame key(byte[][] keys, int[] ids, ObjectFrame owner) {
        LiteralFrame f = new LiteralFrame(keys, ids, 0, keys.length, 1, owner, null);
        return f.anyAllowed(0, keys.length) ? f : null;
    }

    @Override
    public Frame step(int b) {
        // binary search: the range is sorted by the byte at pos (a candidate that ends at pos comes first)
        int nlo = firstAtLeast(b);
        int nhi = firstAtLeast(b + 1);
        if (nlo == nhi || !anyAllowed(nlo, nhi)) {
            // no candidate goes on with b: a finished value hands b to what follows it
            return owner == null && complete() ? parent.step(b) : null;
        }
        int npos = pos + 1;
        if (nhi - nlo == 1 && candidates[nlo].length == npos) {
            return owner == null ? parent : owner.afterKey(ids[nlo]);
        }
        return new LiteralFrame(candidates, ids, nlo, nhi, npos, owner, parent);
    }

    /** The first index in lo..hi whose byte at pos is >= value (candidates ending at pos count as -1). */
    private int firstAtLeast(int value) {
        int l = lo;
        int h = hi;
        while (l < h) {
            int m = (l + h) >>> 1;
            int at = candidates[m].length > pos ? candidates[m][pos] & 0xFF : -1;
            if (at < value) {
                l = m + 1;
            } else {
                h = m;
            }
        }
        return l;
    }

    private boolean anyAllowed(int from, int to) {
        if (owner == null) {
            return true;
        }
        for (int i = from; i < to; i++) {
            if (owner.keyAllowed(ids[i])) {
                return true;
            }
        }
        return false;
    }

    /** Whether a candidate ends here (the shortest of the range comes first). */
    private boolean complete() {
        return candidates[lo].length == pos;
    }

    @Override
    public boolean canEnd() {
        return owner == null && complete() && parent.canEnd();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LiteralFrame f && f.candidates == candidates && f.lo == lo && f.hi == hi && f.pos == pos
                && java.util.Objects.equals(f.owner, owner) && java.util.Objects.equals(f.parent, parent);
    }

    @Override
    public int hashCode() {
        return (lo * 31 + hi) * 31 + pos;
    }
}
