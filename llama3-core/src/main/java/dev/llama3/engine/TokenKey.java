package dev.llama3.engine;

import java.util.Arrays;

/**
 * A token sequence as a map key, compared by content (arrays compare by identity). The array is not copied: pass
 * one nobody changes afterwards, such as {@link KvSnapshot#tokens()}.
 */
public record TokenKey(int[] tokens) {

    /** The key of a snapshot's tokens. */
    public static TokenKey of(KvSnapshot snapshot) {
        return new TokenKey(snapshot.tokens());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenKey k && Arrays.equals(tokens, k.tokens);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(tokens);
    }

    @Override
    public String toString() {
        return "TokenKey[" + tokens.length + " tokens]";
    }
}
