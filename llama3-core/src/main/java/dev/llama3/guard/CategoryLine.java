package dev.llama3.guard;

import java.util.Set;

/**
 * The grammar of the line after {@code unsafe}: a newline, then one or more of the policy's category codes
 * separated by commas (a space after a comma tolerated). Decoding of that line is held to it, so the model can
 * only name categories the policy has.
 */
final class CategoryLine {
    private final Set<String> codes;

    CategoryLine(Set<String> codes) {
        this.codes = Set.copyOf(codes);
    }

    /** Whether {@code text} can still grow into a complete line. */
    boolean viable(CharSequence text) {
        return check(text, false);
    }

    /** Whether {@code text} is a complete line (at least one whole code). */
    boolean complete(CharSequence text) {
        return check(text, true);
    }

    private boolean check(CharSequence text, boolean whole) {
        if (text.isEmpty()) {
            return !whole;
        }
        if (text.charAt(0) != '\n') {
            return false;
        }
        int start = 1;
        while (true) {
            int comma = indexOf(text, ',', start);
            String part = text.subSequence(start, comma < 0 ? text.length() : comma).toString();
            if (comma >= 0) {
                if (!codes.contains(part.stripLeading())) {
                    return false;
                }
                start = comma + 1;
                continue;
            }
            String code = part.stripLeading();
            if (part.length() - code.length() > 1 || (start == 1 && !code.equals(part))) {
                return false; // at most one space, and only after a comma
            }
            if (whole) {
                return codes.contains(code);
            }
            for (String c : codes) {
                if (c.startsWith(code)) {
                    return true;
                }
            }
            return false;
        }
    }

    private static int indexOf(CharSequence s, char c, int from) {
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }
}
