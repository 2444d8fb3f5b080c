package dev.llama3.constrain;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The per-generation state of a {@link JsonConstraint}: the automaton's current state and a reusable mask. */
final class JsonTokenConstraint implements TokenConstraint {
    private final TokenIndex index;
    private Frame state;
    private boolean ended;
    private final long[] allowed;
    /** The output so far, for error messages. */
    private final ByteArrayOutputStream text = new ByteArrayOutputStream();

    JsonTokenConstraint(TokenIndex index, Frame initial) {
        this.index = index;
        this.state = initial;
        this.allowed = new long[index.words()];
    }

    @Override
    public void mask(float[] logits) {
        if (logits.length != index.vocabSize) {
            throw new IllegalArgumentException("logits have " + logits.length + " entries, but the constraint was "
                    + "built for a vocabulary of " + index.vocabSize + " tokens");
        }
        Arrays.fill(allowed, 0);
        if (!ended) {
            collect(state, allowed);
            if (state.canEnd()) {
                for (int id : index.endOfGeneration) {
                    TokenIndex.set(allowed, id);
                }
            }
        }
        for (int w = 0; w < allowed.length; w++) {
            long deny = ~allowed[w];
            int base = w << 6;
            while (deny != 0) {
                int id = base + Long.numberOfTrailingZeros(deny);
                if (id >= logits.length) {
                    break;
                }
                logits[id] = Float.NEGATIVE_INFINITY;
                deny &= deny - 1;
            }
        }
    }

    /** Marks the tokens allowed after {@code s}: lexical masks where they apply, else a trie walk. */
    private void collect(Frame s, long[] bits) {
        if (s instanceof Fork fork) {
            for (Frame alt : fork.alternatives()) {
                collect(alt, bits);
            }
            return;
        }
        int key = s.lexicalKey();
        if (key < 0) {
            index.walk(s, bits);
            return;
        }
        long[] lexical = index.lexical.mask(key);
        for (int w = 0; w < bits.length; w++) {
            bits[w] |= lexical[w];
        }
        if (LexicalMasks.checksExits(key)) {
            for (int id : index.exitTokens) {
                if (!TokenIndex.get(bits, id) && Frame.run(s, index.bytes[id]) != null) {
                    TokenIndex.set(bits, id);
                }
            }
        }
    }

    @Override
    public void accept(int tokenId) {
        if (tokenId < 0 || tokenId >= index.vocabSize) {
            throw new IllegalArgumentException("token id " + tokenId + " is outside the vocabulary (0.."
                    + (index.vocabSize - 1) + ")");
        }
        if (ended) {
            throw new IllegalStateException("token " + tokenId + " after the end of generation");
        }
        for (int id : index.endOfGeneration) {
            if (id == tokenId) {
                if (!state.canEnd()) {
                    throw new IllegalStateException("end-of-generation token " + tokenId
                            + " while the output is incomplete: " + tail());
                }
                ended = true;
                return;
            }
        }
        byte[] bytes = index.bytes[tokenId];
        if (bytes == null) {
            throw new IllegalStateException("token " + tokenId + " is special (or empty) and never allowed by a "
                    + "constraint");
        }
        Frame next = Frame.run(state, bytes);
        if (next == null) {
            throw new IllegalStateException("token " + tokenId + " (" + Json.quote(new String(bytes,
                    StandardCharsets.UTF_8)) + ") is not allowed after " + tail());
        }
        state = next;
        text.writeBytes(bytes);
    }

    @Override
    public boolean isComplete() {
        return ended || state.canEnd();
    }

    private String tail() {
        String s = text.toString(StandardCharsets.UTF_8);
        return Json.quote(s.length() <= 80 ? s : "..." + s.substring(s.length() - 77));
    }

    @Override
    public String toString() {
        return "TokenConstraint[" + tail() + (isComplete() ? ", complete" : "") + "]";
    }
}
