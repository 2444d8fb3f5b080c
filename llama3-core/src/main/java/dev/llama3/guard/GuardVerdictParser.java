package dev.llama3.guard;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads Llama Guard's answer text: {@code safe}, or {@code unsafe} with a second line of comma-separated category
 * codes ({@code unsafe\nS1,S10}). Leading and trailing whitespace is ignored, as is case. Anything else — empty
 * text, another first word, an unsafe verdict whose second line is not a list of codes — counts as unsafe with no
 * categories (fail closed): a classifier that cannot be understood must not wave content through.
 */
public final class GuardVerdictParser {

    private GuardVerdictParser() {}

    public static GuardVerdict parse(String answer) {
        String text = answer == null ? "" : answer.strip();
        String[] lines = text.split("\\R", -1);
        String first = lines[0].strip().toLowerCase(java.util.Locale.ROOT);
        if (first.equals("safe") && lines.length == 1) {
            return new GuardVerdict(true, List.of(), Double.NaN, "model");
        }
        if (first.equals("unsafe")) {
            if (lines.length == 1) {
                return new GuardVerdict(false, List.of(), Double.NaN, "model");
            }
            List<String> codes = codes(lines[1]);
            if (codes != null && lines.length == 2) {
                return new GuardVerdict(false, codes, Double.NaN, "model");
            }
        }
        return new GuardVerdict(false, List.of(), Double.NaN, "unparseable answer");
    }

    /** The codes of a category line, or null when it is not one. */
    static List<String> codes(String line) {
        List<String> codes = new ArrayList<>();
        for (String part : line.split(",", -1)) {
            String code = part.strip().toUpperCase(java.util.Locale.ROOT);
            if (!code.matches("S[1-9][0-9]?")) {
                return null;
            }
            if (!codes.contains(code)) {
                codes.add(code);
            }
        }
        return codes;
    }
}
