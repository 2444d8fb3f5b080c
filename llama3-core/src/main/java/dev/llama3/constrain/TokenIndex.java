package dev.llama3.constrain;

import dev.llama3.tokenizer.Llama3Tokenizer;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a constraint needs to know about a vocabulary, built once per tokenizer instance: every token's bytes and a
 * byte trie of the tokens a constraint may ever allow (not special, not empty). Masking walks the trie with the
 * automaton, so a byte that is not allowed prunes every token that continues with it at once.
 *
 * <p>The trie is stored in preorder: the children of node {@code n} start at {@code n + 1}, a child {@code c} is
 * followed by its sibling {@code end[c]}, and {@code end[n]} is where {@code n}'s subtree ends. Immutable and
 * thread-safe; {@link LexicalMasks} adds lazily computed masks.
 */
final class TokenIndex {
    private static final Logger log = LoggerFactory.getLogger(TokenIndex.class);

    /** Tokens holding this byte may leave a string, so they are checked one by one (see {@link LexicalMasks}). */
    static final int EXIT = '"';

    /** Weak keys: an index lives as long as its tokenizer (identity: tokenizers do not override equals). */
    private static final Map<Llama3Tokenizer, TokenIndex> CACHE = new WeakHashMap<>();

    final int vocabSize;
    /** Bytes of every token a constraint may allow; null for special and empty tokens. */
    final byte[][] bytes;
    /** End-of-generation tokens: allowed exactly where the output is complete. */
    final int[] endOfGeneration;
    /** Allowed-ever tokens that contain {@link #EXIT}. */
    final int[] exitTokens;
    private final byte[] label;
    private final int[] end;
    /** The first token whose bytes end at a node, or -1; {@code sameBytes} chains tokens with equal bytes. */
    private final int[] nodeToken;
    private final int[] sameBytes;
    final LexicalMasks lexical;

    private TokenIndex(Llama3Tokenizer tokenizer) {
        long started = System.nanoTime();
        vocabSize = tokenizer.vocabSize();
        bytes = new byte[vocabSize][];
        int allowed = 0;
        int withExit = 0;
        for (int id = 0; id < vocabSize; id++) {
            byte[] b = tokenizer.tokenBytes(id);
            if (!tokenizer.isSpecial(id) && b.length > 0) {
                bytes[id] = b;
                allowed++;
                if (indexOf(b, EXIT) >= 0) {
                    withExit++;
                }
            }
        }
        Set<Integer> eog = tokenizer.endOfGenerationIds();
        endOfGeneration = eog.stream().mapToInt(Integer::intValue).toArray();
        Integer[] order = new Integer[allowed];
        exitTokens = new int[withExit];
        for (int id = 0, i = 0, x = 0; id < vocabSize; id++) {
            if (bytes[id] != null) {
                order[i++] = id;
                if (indexOf(bytes[id], EXIT) >= 0) {
                    exitTokens[x++] = id;
                }
            }
        }
        Arrays.sort(order, (a, c) -> Arrays.compareUnsigned(bytes[a], bytes[c]));

        // preorder construction over the sorted tokens: keep the path to the previous token, share the common prefix
        int capacity = 1;
        for (Integer id : order) {
            capacity += bytes[id].length;
        }
        byte[] lab = new byte[capacity];
        int[] en = new int[capacity];
        int[] tok = new int[capacity];
        Arrays.fill(tok, -1);
        sameBytes = new int[vocabSize];
        Arrays.fill(sameBytes, -1);
        int nodes = 1;
        int[] path = new int[1];
        int depth = 0;
        byte[] prev = new byte[0];
        for (Integer boxed : order) {
            int id = boxed;
            byte[] b = bytes[id];
            int common = Arrays.mismatch(prev, b);
            if (common < 0) {
                // same bytes as the previous token
                sameBytes[id] = tok[path[depth]];
                tok[path[depth]] = id;
                continue;
            }
            while (depth > common) {
                en[path[depth--]] = nodes;
            }
            if (path.length <= b.length) {
                path = Arrays.copyOf(path, Math.max(b.length + 1, path.length * 2));
            }
            for (int d = common; d < b.length; d++) {
                lab[nodes] = b[d];
                path[++depth] = nodes++;
            }
            tok[path[depth]] = id;
            prev = b;
        }
        while (depth > 0) {
            en[path[depth--]] = nodes;
        }
        en[0] = nodes;
        label = Arrays.copyOf(lab, nodes);
        end = Arrays.copyOf(en, nodes);
        nodeToken = Arrays.copyOf(tok, nodes);
        lexical = new LexicalMasks(this);
        log.debug("constraint token index: {} of {} tokens, {} trie nodes, {} tokens with '\"', built in {} ms",
                allowed, vocabSize, nodes, withExit, (System.nanoTime() - started) / 1_000_000);
    }

    static TokenIndex of(Llama3Tokenizer tokenizer) {
        synchronized (CACHE) {
            return CACHE.computeIfAbsent(tokenizer, TokenIndex::new);
        }
    }

    int words() {
        return (vocabSize + 63) >>> 6;
    }

    static void set(long[] bits, int id) {
        bits[id >>> 6] |= 1L << id;
    }

    static boolean get(long[] bits, int id) {
        return (bits[id >>> 6] & (1L << id)) != 0;
    }

    /** Marks every token whose bytes the automaton accepts from {@code state}. */
    void walk(Frame state, long[] bits) {
        walk(0, state, bits);
    }

    private void walk(int node, Frame state, long[] bits) {
        for (int c = node + 1, e = end[node]; c < e; c = end[c]) {
            Frame next = state.step(label[c] & 0xFF);
            if (next == null) {
                continue;
            }
            mark(c, bits);
            if (end[c] > c + 1) {
                walk(c, next, bits);
            }
        }
    }

    /** Marks every token the string lexer keeps inside the string from {@code lex} (see {@link LexicalMasks}). */
    void walkString(int lex, boolean escapes, long[] bits) {
        walkString(0, lex, escapes, bits);
    }

    private void walkString(int node, int lex, boolean escapes, long[] bits) {
        for (int c = node + 1, e = end[node]; c < e; c = end[c]) {
            int next = StringLexer.next(lex, label[c] & 0xFF, escapes);
            if (next < 0) {
                continue;
            }
            mark(c, bits);
            if (end[c] > c + 1) {
                walkString(c, next, escapes, bits);
            }
        }
    }

    private void mark(int node, long[] bits) {
        for (int t = nodeToken[node]; t >= 0; t = sameBytes[t]) {
            set(bits, t);
        }
    }

    int nodeCount() {
        return label.length;
    }

    private static int indexOf(byte[] b, int value) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
