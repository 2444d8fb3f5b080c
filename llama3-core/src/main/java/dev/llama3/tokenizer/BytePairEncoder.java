package dev.llama3.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns plain text (no special tokens) into token ids: Llama 3 pre-tokenization into words, each word's UTF-8
 * bytes written as GPT-2 byte symbols, then byte-pair merges within the word, with llama.cpp's rules:
 * <ul>
 *   <li>a word whose whole symbol string is a token is that token, without merging ({@code ignore_merges});</li>
 *   <li>otherwise, starting from one symbol per byte, the adjacent pair with the lowest merge rank is merged,
 *       the leftmost one among equal ranks, until no adjacent pair has a rule;</li>
 *   <li>a final symbol that is not a token (possible only with merge rules that leave the vocabulary) becomes the
 *       single-character ASCII tokens of its text, as llama.cpp does.</li>
 * </ul>
 *
 * <p>Symbols are ints: ids below the vocabulary size are tokens; ids above stand for strings that occur in merge
 * rules or byte symbols without being tokens, so that such rules still apply exactly as their text says.
 * Immutable and thread-safe; per-call state lives in a {@link Scratch}.
 */
final class BytePairEncoder {

    private static final Logger log = LoggerFactory.getLogger(BytePairEncoder.class);

    private final Vocabulary vocabulary;
    private final MergeTable merges;
    /** The symbol of each byte value. */
    private final int[] byteSymbols = new int[256];
    /** Texts of the symbols that are not tokens, indexed by {@code id - vocabulary.size()}. */
    private final String[] extraSymbolTexts;

    BytePairEncoder(Vocabulary vocabulary, List<String> mergeRules) {
        this.vocabulary = vocabulary;
        SymbolIds symbols = new SymbolIds(vocabulary);
        this.merges = new MergeTable(mergeRules.size());
        int malformed = 0;
        for (int rank = 0; rank < mergeRules.size(); rank++) {
            String rule = mergeRules.get(rank);
            // llama.cpp splits at the first space after the first byte; rules without one never match anything
            int space = rule == null ? -1 : rule.indexOf(' ', 1);
            if (space < 0 || space == rule.length() - 1) {
                malformed++;
                continue;
            }
            int l = symbols.idOf(rule, 0, space);
            int r = symbols.idOf(rule, space + 1, rule.length());
            merges.addIfAbsent(l, r, rank, symbols.idOfConcat(rule, space));
        }
        if (malformed > 0) {
            log.warn("{} of {} merge rules are not of the form 'left right' and are ignored", malformed,
                    mergeRules.size());
        }
        int missingBytes = 0;
        for (int b = 0; b < 256; b++) {
            String symbol = String.valueOf(ByteLevelAlphabet.symbolOf(b));
            if (vocabulary.idOf(symbol) < 0) {
                missingBytes++;
            }
            byteSymbols[b] = symbols.idOf(symbol);
        }
        if (missingBytes > 0) {
            log.warn("{} of the 256 byte symbols are not tokens; text containing those bytes cannot be fully "
                    + "represented", missingBytes);
        }
        this.extraSymbolTexts = symbols.extraTexts.toArray(String[]::new);
    }

    /** Number of distinct merge rules in effect. */
    int mergeCount() {
        return merges.size();
    }

    /** Assigns ids to symbol strings: the token id when the string is a token, else a fresh id past the vocabulary. */
    private static final class SymbolIds {
        final Vocabulary vocabulary;
        final TokenTextIndex index;
        final Map<String, Integer> extraIds = new HashMap<>();
        final List<String> extraTexts = new ArrayList<>();

        SymbolIds(Vocabulary vocabulary) {
            this.vocabulary = vocabulary;
            this.index = vocabulary.index();
        }

        /** The symbol {@code s[from, to)}. */
        int idOf(String s, int from, int to) {
            int id = index.idOf(s, from, to);
            return id >= 0 ? id : extraId(s.substring(from, to));
        }

        /** The symbol that merge rule {@code rule} (with its space at {@code space}) produces. */
        int idOfConcat(String rule, int space) {
            int id = index.idOfConcat(rule, 0, space, space + 1, rule.length());
            return id >= 0 ? id : extraId(rule.substring(0, space) + rule.substring(space + 1));
        }

        int idOf(String text) {
            return idOf(text, 0, text.length());
        }

        private int extraId(String text) {
            return extraIds.computeIfAbsent(text, t -> {
                extraTexts.add(t);
                return vocabulary.size() + extraTexts.size() - 1;
            });
        }
    }

    /** Reusable per-call buffers; one per encode call, never shared between threads. */
    static final class Scratch {
        int[] codePoints = new int[64];
        final IntArray wordEnds = new IntArray(64);
        char[] wordChars = new char[64];
        int[] symbols = new int[64];
        int[] prev = new int[64];
        int[] next = new int[64];
        long[] heap = new long[128];

        void ensureWordCapacity(int bytes) {
            if (wordChars.length < bytes) {
                int n = Math.max(bytes, wordChars.length * 2);
                wordChars = new char[n];
                symbols = new int[n];
                prev = new int[n];
                next = new int[n];
            }
        }
    }

    /**
     * Appends the tokens of {@code text[start, end)} to {@code out}. The text must not contain lone surrogates.
     */
    void encode(String text, int start, int end, IntArray out, Scratch scratch) {
        if (start >= end) {
            return;
        }
        int[] cps = scratch.codePoints;
        if (cps.length < end - start) {
            cps = scratch.codePoints = new int[Math.max(end - start, cps.length * 2)];
        }
        int n = 0;
        for (int i = start; i < end; ) {
            int cp = text.codePointAt(i);
            cps[n++] = cp;
            i += Character.charCount(cp);
        }
        IntArray wordEnds = scratch.wordEnds;
        wordEnds.clear();
        Llama3PreTokenizer.split(cps, 0, n, wordEnds);
        int wordStart = 0;
        for (int w = 0; w < wordEnds.size(); w++) {
            int wordEnd = wordEnds.get(w);
            encodeWord(cps, wordStart, wordEnd, out, scratch);
            wordStart = wordEnd;
        }
    }

    private void encodeWord(int[] cps, int from, int to, IntArray out, Scratch s) {
        s.ensureWordCapacity((to - from) * 4);
        char[] chars = s.wordChars;
        int[] symbols = s.symbols;
        int n = 0;
        for (int i = from; i < to; i++) {
            int cp = cps[i];
            if (cp < 0x80) {
                n = putByte(cp, chars, symbols, n);
            } else if (cp < 0x800) {
                n = putByte(0xC0 | (cp >>> 6), chars, symbols, n);
                n = putByte(0x80 | (cp & 0x3F), chars, symbols, n);
            } else if (cp < 0x10000) {
                n = putByte(0xE0 | (cp >>> 12), chars, symbols, n);
                n = putByte(0x80 | ((cp >>> 6) & 0x3F), chars, symbols, n);
                n = putByte(0x80 | (cp & 0x3F), chars, symbols, n);
            } else {
                n = putByte(0xF0 | (cp >>> 18), chars, symbols, n);
                n = putByte(0x80 | ((cp >>> 12) & 0x3F), chars, symbols, n);
                n = putByte(0x80 | ((cp >>> 6) & 0x3F), chars, symbols, n);
                n = putByte(0x80 | (cp & 0x3F), chars, symbols, n);
            }
        }
        int whole = vocabulary.index().idOf(chars, 0, n);
        if (whole >= 0) {
            out.add(whole);
            return;
        }
        mergePairs(n, s);
        for (int i = 0; i >= 0; i = s.next[i]) {
            emitSymbol(s.symbols[i], out);
        }
    }

    private int putByte(int b, char[] chars, int[] symbols, int n) {
        chars[n] = ByteLevelAlphabet.symbolOf(b);
        symbols[n] = byteSymbols[b];
        return n + 1;
    }

    /**
     * Merges {@code s.symbols[0, n)} in place. Afterwards the surviving symbols form a list linked through
     * {@code s.next} starting at index 0 (a symbol keeps the index of its leftmost byte).
     *
     * <p>Candidate pairs sit in a min-heap keyed by {@code rank << 32 | leftIndex}, so the lowest rank comes first
     * and, among equal ranks, the leftmost pair. Entries are not removed when a merge changes a neighbour; instead a
     * popped entry is used only if the pair now starting at its left index still has that rank. A rank identifies
     * one rule, hence one pair of symbols, so this is exactly llama.cpp's check that the pair's text is unchanged.
     */
    private void mergePairs(int n, Scratch s) {
        int[] symbols = s.symbols;
        int[] prev = s.prev;
        int[] next = s.next;
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        if (s.heap.length < 3 * n) {
            s.heap = new long[3 * n];
        }
        long[] heap = s.heap;
        int heapSize = 0;
        for (int i = 0; i + 1 < n; i++) {
            heapSize = pushPair(heap, heapSize, symbols, i, i + 1);
        }
        while (heapSize > 0) {
            long top = heap[0];
            heap[0] = heap[--heapSize];
            siftDown(heap, heapSize);
            int left = (int) top;
            int rank = (int) (top >>> 32);
            int right = next[left];
            if (symbols[left] < 0 || right < 0) {
                continue;
            }
            int slot = merges.find(symbols[left], symbols[right]);
            if (slot < 0 || merges.rankAt(slot) != rank) {
                continue;
            }
            symbols[left] = merges.resultAt(slot);
            symbols[right] = -1;
            int after = next[right];
            next[left] = after;
            if (after >= 0) {
                prev[after] = left;
            }
            if (prev[left] >= 0) {
                heapSize = pushPair(heap, heapSize, symbols, prev[left], left);
            }
            if (after >= 0) {
                heapSize = pushPair(heap, heapSize, symbols, left, after);
            }
        }
    }

    private int pushPair(long[] heap, int heapSize, int[] symbols, int left, int right) {
        int slot = merges.find(symbols[left], symbols[right]);
        if (slot < 0) {
            return heapSize;
        }
        long key = ((long) merges.rankAt(slot) << 32) | left;
        int i = heapSize;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= key) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = key;
        return heapSize + 1;
    }

    private static void siftDown(long[] heap, int size) {
        if (size == 0) {
            return;
        }
        long key = heap[0];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && heap[child + 1] < heap[child]) {
                child++;
            }
            if (heap[child] >= key) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = key;
    }

    private void emitSymbol(int symbol, IntArray out) {
        if (symbol < vocabulary.size()) {
            out.add(symbol);
            return;
        }
        // not a token: llama.cpp falls back to the one-byte tokens of the symbol text's bytes, which can only
        // exist for ASCII characters
        String text = extraSymbolTexts[symbol - vocabulary.size()];
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                int id = vocabulary.idOf(String.valueOf(c));
                if (id >= 0) {
                    out.add(id);
                }
            }
        }
    }
}
