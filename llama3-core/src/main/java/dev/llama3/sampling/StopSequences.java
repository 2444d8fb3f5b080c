package dev.llama3.sampling;

import java.util.List;
import java.util.Objects;

/**
 * Stops generation at any of a set of strings, over text that arrives in pieces as tokens decode.
 *
 * <p>{@link #accept} returns the part of the text that can be shown now. Text that might be the
 * beginning of a stop string (a suffix of everything received that is a proper prefix of some stop
 * string) is held back until later text decides: when the stop string completes, {@link #matched()}
 * turns true and neither it nor anything after it is ever returned; when it does not, the held text
 * is released. At the end of a generation that did not match, {@link #flush()} returns what is still
 * held.
 *
 * <p>When several stop strings occur, the one starting earliest wins (so the least text is emitted).
 * A trailing high surrogate is also held back, so a UTF-16 pair split across pieces is never emitted
 * half. Not thread-safe; one instance per generation.
 */
public final class StopSequences {
    private final String[] stops;
    private final StringBuilder pending = new StringBuilder();
    private boolean matched;

    /**
     * @param stops the stop strings; may be empty (then text passes straight through), each must be
     *     non-null and non-empty
     */
    public StopSequences(List<String> stops) {
        Objects.requireNonNull(stops, "stops");
        this.stops = new String[stops.size()];
        for (int i = 0; i < this.stops.length; i++) {
            String s = stops.get(i);
            if (s == null) {
                throw new IllegalArgumentException("stop string " + i + " is null");
            }
            if (s.isEmpty()) {
                throw new IllegalArgumentException("stop string " + i + " is empty");
            }
            this.stops[i] = s;
        }
    }

    /** A matcher with no stop strings: everything passes through. */
    public static StopSequences none() {
        return new StopSequences(List.of());
    }

    /**
     * Feeds newly decoded text.
     *
     * @return the text that is safe to emit now (possibly empty); always empty once matched
     */
    public String accept(String text) {
        Objects.requireNonNull(text, "text");
        if (matched) {
            return "";
        }
        if (text.isEmpty()) {
            return "";
        }
        pending.append(text);
        int at = earliestMatch();
        if (at >= 0) {
            matched = true;
            String out = pending.substring(0, at);
            pending.setLength(0);
            return out;
        }
        int emit = pending.length() - heldBackLength();
        if (emit > 0 && Character.isHighSurrogate(pending.charAt(emit - 1))) {
            emit--; // its low surrogate is still to come
        }
        if (emit <= 0) {
            return "";
        }
        String out = pending.substring(0, emit);
        pending.delete(0, emit);
        return out;
    }

    /** True once a stop string has completed; the generation should end. */
    public boolean matched() {
        return matched;
    }

    /**
     * Releases the text held back at the end of a generation (empty once matched) and starts afresh
     * for the text that follows.
     */
    public String flush() {
        if (matched) {
            return "";
        }
        String out = pending.toString();
        pending.setLength(0);
        return out;
    }

    /** Start index of the earliest complete stop string in the pending text, or -1. */
    private int earliestMatch() {
        int best = -1;
        for (String stop : stops) {
            int at = pending.indexOf(stop);
            if (at >= 0 && (best < 0 || at < best)) {
                best = at;
            }
        }
        return best;
    }

    /** Length of the longest suffix of the pending text that is a proper prefix of a stop string. */
    private int heldBackLength() {
        int len = pending.length();
        int held = 0;
        for (String stop : stops) {
            for (int k = Math.min(stop.length() - 1, len); k > held; k--) {
                if (endsWithPrefix(stop, k, len)) {
                    held = k;
                    break;
                }
            }
        }
        return held;
    }

    private boolean endsWithPrefix(String stop, int k, int len) {
        int offset = len - k;
        for (int i = 0; i < k; i++) {
            if (pending.charAt(offset + i) != stop.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
