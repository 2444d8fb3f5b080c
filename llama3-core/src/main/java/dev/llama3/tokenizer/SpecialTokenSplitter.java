package dev.llama3.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Cuts special-token text out of a string before BPE, as llama.cpp's {@code tokenizer_st_partition} does: the
 * special tokens are tried one after another, longest text first (UTF-8 length; ties by id), and each one splits
 * every remaining text fragment at all its non-overlapping occurrences, left to right. Control and unknown tokens
 * take part only when special parsing is requested; user-defined tokens always do (they are ordinary added
 * vocabulary, matched before BPE like Hugging Face's non-special added tokens). Immutable.
 */
final class SpecialTokenSplitter {

    /** A piece of the input: a special token ({@code token >= 0}) or the text {@code [start, end)}. */
    record Fragment(int token, int start, int end) {
        static Fragment text(int start, int end) {
            return new Fragment(-1, start, end);
        }

        boolean isText() {
            return token < 0;
        }
    }

    private final int[] ids;
    private final String[] texts;
    private final boolean[] alwaysMatched;
    private final boolean anyAlwaysMatched;

    SpecialTokenSplitter(Vocabulary vocabulary) {
        int[] order = IntStream.range(0, vocabulary.size())
                .filter(id -> vocabulary.type(id).isSpecial() && !vocabulary.text(id).isEmpty())
                .boxed()
                .sorted(Comparator.<Integer>comparingInt(
                                id -> -vocabulary.text(id).getBytes(StandardCharsets.UTF_8).length)
                        .thenComparingInt(id -> id))
                .mapToInt(Integer::intValue)
                .toArray();
        ids = order;
        texts = new String[order.length];
        alwaysMatched = new boolean[order.length];
        boolean any = false;
        for (int i = 0; i < order.length; i++) {
            texts[i] = vocabulary.text(order[i]);
            alwaysMatched[i] = vocabulary.type(order[i]) == TokenType.USER_DEFINED;
            any |= alwaysMatched[i];
        }
        anyAlwaysMatched = any;
    }

    /** Whether {@link #split} can find anything when special parsing is off. */
    boolean matchesWithoutParsing() {
        return anyAlwaysMatched;
    }

    /** The fragments of {@code text}, in order; together they cover it exactly. */
    List<Fragment> split(String text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        if (text.isEmpty()) {
            return fragments;
        }
        fragments.add(Fragment.text(0, text.length()));
        for (int t = 0; t < ids.length; t++) {
            if (!parseSpecial && !alwaysMatched[t]) {
                continue;
            }
            String special = texts[t];
            if (!text.contains(special)) {
                continue;
            }
            List<Fragment> next = new ArrayList<>(fragments.size() + 4);
            for (Fragment f : fragments) {
                if (!f.isText()) {
                    next.add(f);
                    continue;
                }
                int from = f.start();
                while (true) {
                    int match = text.indexOf(special, from);
                    if (match < 0 || match + special.length() > f.end()) {
                        break;
                    }
                    if (match > from) {
                        next.add(Fragment.text(from, match));
                    }
                    next.add(new Fragment(ids[t], match, match + special.length()));
                    from = match + special.length();
                }
                if (from < f.end()) {
                    next.add(Fragment.text(from, f.end()));
                }
            }
            fragments = next;
        }
        return fragments;
    }
}
