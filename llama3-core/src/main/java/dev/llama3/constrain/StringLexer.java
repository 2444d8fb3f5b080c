package dev.llama3.constrain;

/**
 * The inside of a JSON string as a small int state: escapes, {@code \\uXXXX} digits, and well-formed UTF-8 (no
 * overlong forms, no surrogates, nothing above U+10FFFF), so that output split across tokens mid-character is still
 * checked byte by byte.
 */
final class StringLexer {
    static final int NORMAL = 0;
    static final int ESCAPE = 1;
    /** HEX + k: k hex digits of a unicode escape still to come (1..4). */
    private static final int HEX = 1;
    /** UTF8 + 5 * (remaining - 1) + range: continuation bytes to come, range of the next one (see {@link #inRange}). */
    private static final int UTF8 = 8;
    /** The closing quote (not a state inside the string). */
    static final int CLOSE = -2;
    static final int INVALID = -1;
    /** Number of states (keys of {@link LexicalMasks} are {@code state} or {@code STATES + state}). */
    static final int STATES = UTF8 + 15;

    private StringLexer() {}

    /**
     * The state after byte {@code b}: {@link #CLOSE} for the closing quote, {@link #INVALID} when {@code b} may not
     * come here. {@code escapes}: whether backslash escapes are allowed (not in free property names, whose bytes must
     * be the name itself).
     */
    static int next(int state, int b, boolean escapes) {
        if (state == NORMAL) {
            if (b == '"') {
                return CLOSE;
            }
            if (b == '\\') {
                return escapes ? ESCAPE : INVALID;
            }
            if (b < 0x20) {
                return INVALID;
            }
            if (b < 0x80) {
                return NORMAL;
            }
            if (b >= 0xC2 && b <= 0xDF) {
                return utf8(1, 0);
            }
            if (b == 0xE0) {
                return utf8(2, 1);
            }
            if (b == 0xED) {
                return utf8(2, 2);
            }
            if (b >= 0xE1 && b <= 0xEF) {
                return utf8(2, 0);
            }
            if (b == 0xF0) {
                return utf8(3, 3);
            }
            if (b >= 0xF1 && b <= 0xF3) {
                return utf8(3, 0);
            }
            return b == 0xF4 ? utf8(3, 4) : INVALID;
        }
        if (state == ESCAPE) {
            return switch (b) {
                case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> NORMAL;
                case 'u' -> HEX + 4;
                default -> INVALID;
            };
        }
        if (state <= HEX + 4) {
            boolean hex = (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
            if (!hex) {
                return INVALID;
            }
            return state == HEX + 1 ? NORMAL : state - 1;
        }
        int remaining = (state - UTF8) / 5 + 1;
        int range = (state - UTF8) % 5;
        if (!inRange(range, b)) {
            return INVALID;
        }
        return remaining == 1 ? NORMAL : utf8(remaining - 1, 0);
    }

    private static int utf8(int remaining, int range) {
        return UTF8 + 5 * (remaining - 1) + range;
    }

    /** Allowed continuation bytes: the second byte after E0, ED, F0 and F4 is restricted (UTF-8, RFC 3629). */
    private static boolean inRange(int range, int b) {
        return switch (range) {
            case 0 -> b >= 0x80 && b <= 0xBF;
            case 1 -> b >= 0xA0 && b <= 0xBF;
            case 2 -> b >= 0x80 && b <= 0x9F;
            case 3 -> b >= 0x90 && b <= 0xBF;
            default -> b >= 0x80 && b <= 0x8F;
        };
    }
}
