package dev.llama3.tokenizer;

import dev.llama3.gguf.GgufFile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Llama 3's byte-level BPE tokenizer, built from a GGUF's {@code tokenizer.ggml.*} keys ({@code model = gpt2},
 * {@code pre = llama-bpe}): the Llama 3 pre-tokenizer, GPT-2's byte-to-symbol mapping, merges by rank (a
 * piece that is itself a token is taken whole, as llama.cpp does for Llama 3).
 *
 * <p>Special tokens: control tokens (such as {@code <|eot_id|>}) are recognized in text only when the caller asks
 * for it with {@code parseSpecial}; ordinary text that spells them stays ordinary text. Thread-safe and immutable.
 */
public final class Llama3Tokenizer {
    /** GGUF token types. */
    static final int TYPE_NORMAL = 1;
    static final int TYPE_UNKNOWN = 2;
    static final int TYPE_CONTROL = 3;
    static final int TYPE_USER_DEFINED = 4;

    private final String[] tokens;
    private final int[] types;
    private final byte[][] tokenBytes;
    private final Map<String, Integer> idsBySymbolText;
    private final MergeTable merges;
    /** Token id of each single byte's symbol. */
    private final int[] byteTokens;
    private final List<Integer> specialsLongestFirst;
    private final int bosId;
    private final int eosId;
    private final OptionalInt eotId;
    private final OptionalInt eomId;
    private final boolean addBos;
    private final Set<Integer> endOfGeneration;

    private Llama3Tokenizer(List<String> tokenList, List<String> mergeList, int[] tokenTypes, int bosId, int eosId,
            OptionalInt eot, OptionalInt eom, boolean addBos) {
        int n = tokenList.size();
        if (n == 0) {
            throw new IllegalArgumentException("the vocabulary is empty");
        }
        if (tokenTypes != null && tokenTypes.length != n) {
            throw new IllegalArgumentException("tokenizer.ggml.token_type has " + tokenTypes.length
                    + " entries but there are " + n + " tokens");
        }
        checkId("bos_token_id", bosId, n);
        checkId("eos_token_id", eosId, n);
        this.tokens = tokenList.toArray(new String[0]);
        this.types = tokenTypes != null ? tokenTypes.clone() : filled(n, TYPE_NORMAL);
        this.idsBySymbolText = new HashMap<>(n * 2);
        this.tokenBytes = new byte[n][];
        for (int i = 0; i < n; i++) {
            idsBySymbolText.putIfAbsent(tokens[i], i);
            tokenBytes[i] = isSpecial(i) ? tokens[i].getBytes(StandardCharsets.UTF_8) : ByteSymbols.decode(tokens[i]);
        }
        this.byteTokens = new int[256];
        for (int b = 0; b < 256; b++) {
            Integer id = idsBySymbolText.get(String.valueOf(ByteSymbols.symbol(b)));
            byteTokens[b] = id == null ? -1 : id;
        }
        this.merges = new MergeTable(mergeList.size());
        for (int rank = 0; rank < mergeList.size(); rank++) {
            String m = mergeList.get(rank);
            int space = m.indexOf(' ', 1);
            if (space < 0) {
                throw new IllegalArgumentException("tokenizer.ggml.merges[" + rank + "] is not a pair: '" + m + "'");
            }
            Integer left = idsBySymbolText.get(m.substring(0, space));
            Integer right = idsBySymbolText.get(m.substring(space + 1));
            Integer result = idsBySymbolText.get(m.substring(0, space) + m.substring(space + 1));
            if (left != null && right != null && result != null) {
                merges.put(left, right, rank, result);
            }
        }
        List<Integer> specials = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (isSpecial(i) && !tokens[i].isEmpty()) {
                specials.add(i);
            }
        }
        specials.sort(Comparator.comparingInt((Integer i) -> -tokens[i].length()).thenComparingInt(i -> i));
        this.specialsLongestFirst = List.copyOf(specials);
        this.bosId = bosId;
        this.eosId = eosId;
        this.eotId = eot.isPresent() ? eot : findSpecialToken("<|eot_id|>");
        this.eomId = eom.isPresent() ? eom : findSpecialToken("<|eom_id|>");
        this.addBos = addBos;
        Set<Integer> eog = new LinkedHashSet<>();
        eog.add(eosId);
        eotId.ifPresent(eog::add);
        eomId.ifPresent(eog::add);
        findSpecialToken("<|end_of_text|>").ifPresent(eog::add);
        this.endOfGeneration = Set.copyOf(eog);
    }

    /**
     * A tokenizer from raw vocabulary data.
     *
     * @param tokenTypes GGUF token types (1 normal, 3 control, 4 user-defined, ...), or null for all normal
     */
    public static Llama3Tokenizer of(List<String> tokens, List<String> merges, int[] tokenTypes, int bosId, int eosId,
            OptionalInt eot, OptionalInt eom, boolean addBos) {
        return new Llama3Tokenizer(tokens, merges, tokenTypes, bosId, eosId, eot, eom, addBos);
    }

    /** Reads the tokenizer of a GGUF file (a model or a vocab-only file). */
    public static Llama3Tokenizer fromGguf(GgufFile gguf) {
        String model = gguf.findString("tokenizer.ggml.model").orElse("(missing)");
        if (!model.equals("gpt2")) {
            throw new IllegalArgumentException(gguf.path() + ": tokenizer.ggml.model is '" + model
                    + "'; only Llama 3's byte-level BPE ('gpt2') is supported");
        }
        String pre = gguf.findString("tokenizer.ggml.pre").orElse("default");
        if (!pre.equals("llama-bpe") && !pre.equals("llama3") && !pre.equals("default")) {
            throw new IllegalArgumentException(gguf.path() + ": tokenizer.ggml.pre is '" + pre
                    + "'; supported: llama-bpe (Llama 3), llama3, default");
        }
        if (!gguf.has("tokenizer.ggml.tokens")) {
            throw new IllegalArgumentException(gguf.path() + ": tokenizer.ggml.tokens is missing");
        }
        List<String> tokens = gguf.getStringArray("tokenizer.ggml.tokens");
        List<String> merges = gguf.has("tokenizer.ggml.merges") ? gguf.getStringArray("tokenizer.ggml.merges") : List.of();
        int[] types = gguf.has("tokenizer.ggml.token_type") ? gguf.getIntArray("tokenizer.ggml.token_type") : null;
        try {
            return new Llama3Tokenizer(tokens, merges, types,
                    (int) gguf.findLong("tokenizer.ggml.bos_token_id").orElse(128000),
                    (int) gguf.findLong("tokenizer.ggml.eos_token_id").orElse(128001),
                    optionalId(gguf, "tokenizer.ggml.eot_token_id"),
                    optionalId(gguf, "tokenizer.ggml.eom_token_id"),
                    gguf.findBoolean("tokenizer.ggml.add_bos_token").orElse(true));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(gguf.path() + ": " + e.getMessage(), e);
        }
    }

    private static OptionalInt optionalId(GgufFile gguf, String key) {
        return gguf.findLong(key).stream().mapToInt(v -> (int) v).findFirst();
    }

    private static void checkId(String what, int id, int n) {
        if (id < 0 || id >= n) {
            throw new IllegalArgumentException("tokenizer.ggml." + what + " " + id + " is outside the vocabulary of " + n);
        }
    }

    private static int[] filled(int n, int v) {
        int[] a = new int[n];
        Arrays.fill(a, v);
        return a;
    }

    public int vocabSize() {
        return tokens.length;
    }

    /** Encodes plain text: no BOS, special-token text stays text. */
    public int[] encode(String text) {
        return encode(text, false, false);
    }

    /**
     * Encodes text.
     *
     * @param addBos start with the BOS token
     * @param parseSpecial recognize control-token text such as {@code <|eot_id|>} (only for trusted text; user
     *     content must never be parsed)
     */
    public int[] encode(String text, boolean addBos, boolean parseSpecial) {
        IntBuffer out = new IntBuffer(text.length() / 3 + 4);
        if (addBos) {
            out.add(bosId);
        }
        if (parseSpecial || hasUserDefinedSpecials()) {
            encodeWithSpecials(text, parseSpecial, out);
        } else {
            encodeText(text, out);
        }
        return out.toArray();
    }

    private boolean hasUserDefinedSpecials() {
        for (int id : specialsLongestFirst) {
            if (types[id] == TYPE_USER_DEFINED) {
                return true;
            }
        }
        return false;
    }

    /** Splits out special tokens (longest first, leftmost occurrences), encoding the text between them. */
    private void encodeWithSpecials(String text, boolean parseControl, IntBuffer out) {
        // fragments: either raw text (id -1) or a special token
        List<Object[]> fragments = new ArrayList<>();
        fragments.add(new Object[] {text, -1});
        for (int id : specialsLongestFirst) {
            if (types[id] != TYPE_USER_DEFINED && !parseControl) {
                continue;
            }
            String special = tokens[id];
            List<Object[]> next = new ArrayList<>();
            for (Object[] f : fragments) {
                if ((int) f[1] != -1) {
                    next.add(f);
                    continue;
                }
                String raw = (String) f[0];
                int from = 0;
                int at;
                while ((at = raw.indexOf(special, from)) >= 0) {
                    if (at > from) {
                        next.add(new Object[] {raw.substring(from, at), -1});
                    }
                    next.add(new Object[] {special, id});
                    from = at + special.length();
                }
                if (from < raw.length()) {
                    next.add(new Object[] {raw.substring(from), -1});
                }
            }
            fragments = next;
        }
        for (Object[] f : fragments) {
            int id = (int) f[1];
            if (id >= 0) {
                out.add(id);
            } else {
                encodeText((String) f[0], out);
            }
        }
    }

    /** Pre-tokenizes and BPE-encodes text that contains no special tokens. */
    private void encodeText(String text, IntBuffer out) {
        if (text.isEmpty()) {
            return;
        }
        int[] cps = text.codePoints().map(cp -> Character.isSurrogate((char) cp) && cp <= 0xFFFF ? 0xFFFD : cp).toArray();
        StringBuilder symbols = new StringBuilder();
        for (int[] piece : PreTokenizer.split(cps)) {
            symbols.setLength(0);
            byte[] utf8 = new String(cps, piece[0], piece[1] - piece[0]).getBytes(StandardCharsets.UTF_8);
            for (byte b : utf8) {
                symbols.append(ByteSymbols.symbol(b & 0xFF));
            }
            Integer whole = idsBySymbolText.get(symbols.toString());
            if (whole != null && !isSpecial(whole)) {
                out.add(whole);
            } else {
                bpe(utf8, out);
            }
        }
    }

    /** Byte-pair merges of one piece: repeatedly merge the adjacent pair of lowest rank (leftmost on ties). */
    private void bpe(byte[] utf8, IntBuffer out) {
        int n = utf8.length;
        int[] ids = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = byteTokens[utf8[i] & 0xFF];
            if (ids[i] < 0) {
                throw new IllegalStateException("the vocabulary has no token for byte " + (utf8[i] & 0xFF));
            }
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        // candidates: {rank, left index, left id, right id}; stale entries are skipped when popped
        PriorityQueue<int[]> queue = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0])
                : Integer.compare(a[1], b[1]));
        for (int i = 0; i + 1 < n; i++) {
            offer(queue, i, ids[i], ids[i + 1]);
        }
        while (!queue.isEmpty()) {
            int[] c = queue.poll();
            int left = c[1];
            int right = next[left];
            if (ids[left] != c[2] || right < 0 || ids[right] != c[3]) {
                continue; // a neighbour changed since this pair was queued
            }
            ids[left] = merges.result(merges.find(c[2], c[3]));
            ids[right] = -1;
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
            if (prev[left] >= 0) {
                offer(queue, prev[left], ids[prev[left]], ids[left]);
            }
            if (next[left] >= 0) {
                offer(queue, left, ids[left], ids[next[left]]);
            }
        }
        for (int i = 0; i >= 0; i = next[i]) {
            out.add(ids[i]);
        }
    }

    private void offer(PriorityQueue<int[]> queue, int left, int leftId, int rightId) {
        int m = merges.find(leftId, rightId);
        if (m >= 0) {
            queue.add(new int[] {merges.rank(m), left, leftId, rightId});
        }
    }

    /** Id of a special token by its text, e.g. {@code "<|eot_id|>"}. */
    public int specialTokenId(String name) {
        return findSpecialToken(name).orElseThrow(() -> new IllegalArgumentException("'" + name
                + "' is not a special token of this vocabulary"));
    }

    public OptionalInt findSpecialToken(String name) {
        Integer id = idsBySymbolText.get(name);
        return id != null && isSpecial(id) ? OptionalInt.of(id) : OptionalInt.empty();
    }

    /** Control, user-defined or unknown tokens: they have no byte-level spelling. */
    public boolean isSpecial(int id) {
        int t = types[id];
        return t == TYPE_CONTROL || t == TYPE_USER_DEFINED || t == TYPE_UNKNOWN;
    }

    public boolean isControl(int id) {
        return types[id] == TYPE_CONTROL;
    }

    public int bosId() {
        return bosId;
    }

    public int eosId() {
        return eosId;
    }

    public OptionalInt eotId() {
        return eotId;
    }

    public OptionalInt eomId() {
        return eomId;
    }

    /** Whether the model expects a BOS token at the start of every prompt. */
    public boolean addBos() {
        return addBos;
    }

    /** Tokens that end generation: EOS, {@code <|eot_id|>}, {@code <|eom_id|>}, {@code <|end_of_text|>} where present. */
    public Set<Integer> endOfGenerationIds() {
        return endOfGeneration;
    }

    /** The raw bytes of a token (special tokens: their text in UTF-8). A copy. */
    public byte[] tokenBytes(int id) {
        return tokenBytes[checkToken(id)].clone();
    }

    /** The token's text (U+FFFD where it holds part of a multi-byte character). */
    public String piece(int id) {
        return new String(tokenBytes[checkToken(id)], StandardCharsets.UTF_8);
    }

    /** The token's spelling in the vocabulary (GPT-2 byte symbols for ordinary tokens). */
    public String token(int id) {
        return tokens[checkToken(id)];
    }

    /** Decodes ids to text; special tokens are rendered as their text, invalid UTF-8 as U+FFFD. */
    public String decode(int[] ids) {
        int total = 0;
        for (int id : ids) {
            total += tokenBytes[checkToken(id)].length;
        }
        byte[] all = new byte[total];
        int at = 0;
        for (int id : ids) {
            byte[] b = tokenBytes[id];
            System.arraycopy(b, 0, all, at, b.length);
            at += b.length;
        }
        return new String(all, StandardCharsets.UTF_8);
    }

    /** A decoder for tokens as they are generated. */
    public StreamingDecoder streamingDecoder() {
        return new StreamingDecoder(this);
    }

    byte[] tokenBytesShared(int id) {
        return tokenBytes[checkToken(id)];
    }

    private int checkToken(int id) {
        if (id < 0 || id >= tokens.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + tokens.length + ")");
        }
        return id;
    }

    /** A growable int array local to one encode call. */
    private static final class IntBuffer {
        private int[] data;
        private int size;

        IntBuffer(int capacity) {
            data = new int[Math.max(4, capacity)];
        }

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
