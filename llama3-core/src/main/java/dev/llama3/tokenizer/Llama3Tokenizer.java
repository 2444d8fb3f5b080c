package dev.llama3.tokenizer;

import dev.llama3.gguf.GgufFile;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Llama 3 tokenizer: byte-level BPE over a GGUF vocabulary ({@code tokenizer.ggml.model = "gpt2"}) with the
 * Llama 3 pre-tokenizer, token for token what llama.cpp's {@code llama_tokenize} and Hugging Face's
 * {@code tokenizer.json} produce.
 *
 * <p>Encoding: special-token text is cut out first when asked for ({@link SpecialTokenSplitter}), the rest is
 * split into words by the Llama 3 regex ({@link Llama3PreTokenizer}) and each word is byte-pair encoded
 * ({@link BytePairEncoder}). Without special parsing, text such as {@code <|eot_id|>} is ordinary text and becomes
 * ordinary tokens, so untrusted input cannot forge control tokens.
 *
 * <p>Input strings are Java strings: a lone surrogate (which has no UTF-8 form) is encoded as U+FFFD, the
 * replacement character, so {@code decode(encode(s))} equals {@code s} for every well-formed string and replaces
 * only lone surrogates otherwise.
 *
 * <p>Immutable and thread-safe.
 */
public final class Llama3Tokenizer {

    private static final Logger log = LoggerFactory.getLogger(Llama3Tokenizer.class);

    /** {@code tokenizer.ggml.pre} values llama.cpp maps to its Llama 3 pre-tokenizer with whole-word lookup. */
    public static final Set<String> SUPPORTED_PRE_TOKENIZERS = Set.of("llama-bpe", "llama3", "llama-v3");

    private static final String EOT_TEXT = "<|eot_id|>";
    private static final String EOM_TEXT = "<|eom_id|>";
    private static final String END_OF_TEXT = "<|end_of_text|>";

    private final Vocabulary vocabulary;
    private final BytePairEncoder encoder;
    private final SpecialTokenSplitter splitter;
    private final Map<String, Integer> specialIds;
    private final int bosId;
    private final int eosId;
    private final OptionalInt eotId;
    private final OptionalInt eomId;
    private final boolean addBos;
    private final Set<Integer> endOfGenerationIds;

    private Llama3Tokenizer(Vocabulary vocabulary, List<String> merges, int bosId, int eosId, OptionalInt eot,
            OptionalInt eom, boolean addBos) {
        this.vocabulary = vocabulary;
        this.encoder = new BytePairEncoder(vocabulary, merges);
        this.splitter = new SpecialTokenSplitter(vocabulary);
        this.specialIds = new HashMap<>();
        for (int id = 0; id < vocabulary.size(); id++) {
            if (vocabulary.type(id).isSpecial()) {
                specialIds.put(vocabulary.text(id), id);
            }
        }
        this.bosId = bosId;
        this.eosId = eosId;
        this.eotId = eot.isPresent() ? eot : idOfText(EOT_TEXT);
        this.eomId = eom.isPresent() ? eom : idOfText(EOM_TEXT);
        this.addBos = addBos;
        Set<Integer> eog = new TreeSet<>();
        eog.add(eosId);
        this.eotId.ifPresent(eog::add);
        this.eomId.ifPresent(eog::add);
        for (String name : List.of(END_OF_TEXT, EOT_TEXT, EOM_TEXT)) {
            idOfText(name).ifPresent(eog::add);
        }
        this.endOfGenerationIds = Collections.unmodifiableSet(eog);
    }

    private OptionalInt idOfText(String text) {
        int id = vocabulary.idOf(text);
        return id >= 0 ? OptionalInt.of(id) : OptionalInt.empty();
    }

    /**
     * Reads the tokenizer of a GGUF file. Required keys: {@code tokenizer.ggml.model} (must be {@code gpt2}),
     * {@code tokenizer.ggml.pre} (one of {@link #SUPPORTED_PRE_TOKENIZERS}; {@code default} or no key, as in Llama 3
     * files converted before the key existed, is taken as Llama 3 with a warning; other pre-tokenizers split text
     * differently and are refused), {@code tokenizer.ggml.tokens},
     * {@code tokenizer.ggml.merges}, {@code tokenizer.ggml.bos_token_id}, {@code tokenizer.ggml.eos_token_id}.
     * Optional: {@code tokenizer.ggml.token_type} (all tokens normal without it),
     * {@code tokenizer.ggml.eot_token_id} / {@code eom_token_id} (else the tokens named {@code <|eot_id|>} /
     * {@code <|eom_id|>}, if any), {@code tokenizer.ggml.add_bos_token} (default true, as llama.cpp for Llama 3).
     *
     * @throws IllegalArgumentException naming the file and the key when the tokenizer is missing, unsupported or
     *     inconsistent
     */
    public static Llama3Tokenizer fromGguf(GgufFile gguf) {
        Objects.requireNonNull(gguf, "gguf");
        String where = String.valueOf(gguf.path());
        String model = requireKey(gguf, where, "tokenizer.ggml.model", () -> gguf.getString("tokenizer.ggml.model"));
        if (!"gpt2".equals(model)) {
            throw new IllegalArgumentException(where + ": tokenizer.ggml.model is '" + model
                    + "'; only byte-level BPE vocabularies ('gpt2', as in Llama 3) are supported");
        }
        Optional<String> pre = gguf.findString("tokenizer.ggml.pre");
        if (pre.isEmpty() || pre.get().equals("default")) {
            // files converted before llama.cpp recorded pre-tokenizers (mid 2024); for a Llama 3 vocabulary the
            // Llama 3 rules are the right ones (llama.cpp would fall back to GPT-2-like rules and warn of degraded
            // output)
            log.warn("{}: tokenizer.ggml.pre is {}; assuming the Llama 3 pre-tokenizer", where,
                    pre.map(p -> "'" + p + "'").orElse("missing"));
        } else if (!SUPPORTED_PRE_TOKENIZERS.contains(pre.get())) {
            throw new IllegalArgumentException(where + ": tokenizer.ggml.pre is '" + pre.get()
                    + "'; only the Llama 3 pre-tokenizer is supported (one of "
                    + new TreeSet<>(SUPPORTED_PRE_TOKENIZERS) + ", or 'default'/missing in older Llama 3 files)");
        }
        List<String> tokens = requireKey(gguf, where, "tokenizer.ggml.tokens",
                () -> gguf.getStringArray("tokenizer.ggml.tokens"));
        List<String> merges = requireKey(gguf, where, "tokenizer.ggml.merges",
                () -> gguf.getStringArray("tokenizer.ggml.merges"));
        int[] types = gguf.has("tokenizer.ggml.token_type") ? gguf.getIntArray("tokenizer.ggml.token_type") : null;
        if (types == null) {
            log.warn("{}: no tokenizer.ggml.token_type; all tokens are treated as normal tokens", where);
        }
        int bos = tokenId(gguf, where, "tokenizer.ggml.bos_token_id", tokens.size()).orElseThrow(
                () -> new IllegalArgumentException(where + ": metadata key 'tokenizer.ggml.bos_token_id' is missing"));
        int eos = tokenId(gguf, where, "tokenizer.ggml.eos_token_id", tokens.size()).orElseThrow(
                () -> new IllegalArgumentException(where + ": metadata key 'tokenizer.ggml.eos_token_id' is missing"));
        OptionalInt eot = tokenId(gguf, where, "tokenizer.ggml.eot_token_id", tokens.size());
        OptionalInt eom = tokenId(gguf, where, "tokenizer.ggml.eom_token_id", tokens.size());
        boolean addBos = gguf.findBoolean("tokenizer.ggml.add_bos_token").orElse(true);
        try {
            return of(tokens, merges, types, bos, eos, eot, eom, addBos);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static <T> T requireKey(GgufFile gguf, String where, String key, java.util.function.Supplier<T> read) {
        if (!gguf.has(key)) {
            throw new IllegalArgumentException(where + ": metadata key '" + key + "' is missing; not a GGUF with a "
                    + "Llama 3 tokenizer");
        }
        return read.get();
    }

    private static OptionalInt tokenId(GgufFile gguf, String where, String key, int vocabSize) {
        OptionalLong value = gguf.findLong(key);
        if (value.isEmpty()) {
            return OptionalInt.empty();
        }
        long id = value.getAsLong();
        if (id < 0 || id >= vocabSize) {
            throw new IllegalArgumentException(where + ": " + key + " = " + id + " is outside the vocabulary (0.."
                    + (vocabSize - 1) + ")");
        }
        return OptionalInt.of((int) id);
    }

    /**
     * Builds a tokenizer from its parts (what {@link #fromGguf} reads).
     *
     * @param tokens token texts in id order (normal tokens in GPT-2 byte-symbol form)
     * @param merges merge rules {@code "left right"} in rank order
     * @param tokenTypes GGUF token types (1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte), one per
     *     token, or null for all normal
     * @param eot end-of-turn token, or empty to use the token named {@code <|eot_id|>} if there is one
     * @param eom end-of-message token, or empty to use the token named {@code <|eom_id|>} if there is one
     * @throws IllegalArgumentException when the parts are inconsistent (ids out of range, type count mismatch, ...)
     */
    public static Llama3Tokenizer of(List<String> tokens, List<String> merges, int[] tokenTypes, int bosId, int eosId,
            OptionalInt eot, OptionalInt eom, boolean addBos) {
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(merges, "merges");
        Objects.requireNonNull(eot, "eot");
        Objects.requireNonNull(eom, "eom");
        long started = System.nanoTime();
        Vocabulary vocabulary = new Vocabulary(tokens, tokenTypes, Set.of(EOT_TEXT, EOM_TEXT, END_OF_TEXT));
        checkId(vocabulary, "BOS token (bos_token_id)", bosId);
        checkId(vocabulary, "EOS token (eos_token_id)", eosId);
        if (eot.isPresent()) {
            checkId(vocabulary, "EOT token (eot_token_id)", eot.getAsInt());
        }
        if (eom.isPresent()) {
            checkId(vocabulary, "EOM token (eom_token_id)", eom.getAsInt());
        }
        Llama3Tokenizer tokenizer = new Llama3Tokenizer(vocabulary, merges, bosId, eosId, eot, eom, addBos);
        log.debug("tokenizer: {} tokens, {} merges, {} special tokens, built in {} ms", vocabulary.size(),
                tokenizer.encoder.mergeCount(), tokenizer.specialIds.size(), (System.nanoTime() - started) / 1_000_000);
        return tokenizer;
    }

    private static void checkId(Vocabulary vocabulary, String what, int id) {
        if (!vocabulary.contains(id)) {
            throw new IllegalArgumentException(what + " " + id + " is outside the vocabulary (0.."
                    + (vocabulary.size() - 1) + ")");
        }
    }

    /** Number of tokens. */
    public int vocabSize() {
        return vocabulary.size();
    }

    /** Tokens of {@code text}: no BOS, special-token text stays ordinary text. */
    public int[] encode(String text) {
        return encode(text, false, false);
    }

    /**
     * Tokens of {@code text}.
     *
     * @param addBos prepend the BOS token (regardless of {@link #addBos()}, which is the model's preference for
     *     callers to consult; a text that itself starts with BOS text then yields two BOS tokens, as in llama.cpp)
     * @param parseSpecial match the text of control tokens such as {@code <|eot_id|>} as those tokens; only for
     *     trusted text (user-defined tokens are matched either way)
     */
    public int[] encode(String text, boolean addBos, boolean parseSpecial) {
        Objects.requireNonNull(text, "text");
        String clean = replaceLoneSurrogates(text);
        IntArray out = new IntArray(clean.length() / 3 + 4);
        if (addBos) {
            out.add(bosId);
        }
        BytePairEncoder.Scratch scratch = new BytePairEncoder.Scratch();
        if (!parseSpecial && !splitter.matchesWithoutParsing()) {
            encoder.encode(clean, 0, clean.length(), out, scratch);
        } else {
            for (SpecialTokenSplitter.Fragment f : splitter.split(clean, parseSpecial)) {
                if (f.isText()) {
                    encoder.encode(clean, f.start(), f.end(), out, scratch);
                } else {
                    out.add(f.token());
                }
            }
        }
        return out.toArray();
    }

    /** {@code s} with every unpaired surrogate replaced by U+FFFD (the same string when there is none). */
    static String replaceLoneSurrogates(String s) {
        StringBuilder out = null;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (!Character.isSurrogate(c)) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            boolean paired = Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1));
            if (paired) {
                if (out != null) {
                    out.append(c).append(s.charAt(i + 1));
                }
                i++;
                continue;
            }
            if (out == null) {
                out = new StringBuilder(n).append(s, 0, i);
            }
            out.append('\uFFFD');
        }
        return out == null ? s : out.toString();
    }

    /**
     * The id of the special (control, user-defined or unknown) token with this text, e.g. {@code "<|eot_id|>"}.
     *
     * @throws IllegalArgumentException when no special token has this text
     */
    public int specialTokenId(String name) {
        return findSpecialToken(name).orElseThrow(
                () -> new IllegalArgumentException("'" + name + "' is not a special token of this vocabulary"));
    }

    /** The id of the special (control, user-defined or unknown) token with this text, if there is one. */
    public OptionalInt findSpecialToken(String name) {
        Integer id = specialIds.get(Objects.requireNonNull(name, "name"));
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** Whether the token is matched by special parsing and decodes to its own text: control, user-defined, unknown. */
    public boolean isSpecial(int id) {
        return vocabulary.type(requireToken(id)).isSpecial();
    }

    /** Whether the token is a control token ({@code <|begin_of_text|>}, {@code <|eot_id|>}, reserved tokens...). */
    public boolean isControl(int id) {
        return vocabulary.type(requireToken(id)) == TokenType.CONTROL;
    }

    public int bosId() {
        return bosId;
    }

    public int eosId() {
        return eosId;
    }

    /** End of turn: {@code tokenizer.ggml.eot_token_id}, else the token {@code <|eot_id|>} when present. */
    public OptionalInt eotId() {
        return eotId;
    }

    /** End of message (tool call): {@code tokenizer.ggml.eom_token_id}, else the token {@code <|eom_id|>}. */
    public OptionalInt eomId() {
        return eomId;
    }

    /** Whether the model wants BOS in front of a prompt ({@code tokenizer.ggml.add_bos_token}). */
    public boolean addBos() {
        return addBos;
    }

    /**
     * Tokens that end generation (sorted, unmodifiable): EOS, EOT and EOM, plus {@code <|end_of_text|>},
     * {@code <|eot_id|>} and {@code <|eom_id|>} where the vocabulary has them (llama.cpp's end-of-generation set
     * for Llama 3: 128001, 128008, 128009).
     */
    public Set<Integer> endOfGenerationIds() {
        return endOfGenerationIds;
    }

    /** The raw bytes a token decodes to (special tokens: their text in UTF-8); a fresh copy. */
    public byte[] tokenBytes(int id) {
        return pieceBytes(id).clone();
    }

    /** The bytes of a token without copying; the array must not be modified. */
    byte[] pieceBytes(int id) {
        return vocabulary.piece(requireToken(id));
    }

    /** A token's spelling as stored in the vocabulary (GPT-2 byte symbols for normal tokens, e.g. {@code "Ġthe"}). */
    public String token(int id) {
        return vocabulary.text(requireToken(id));
    }

    /** A token's text, decoded from its bytes (U+FFFD where it holds only part of a character). */
    public String piece(int id) {
        return new String(pieceBytes(id), StandardCharsets.UTF_8);
    }

    /** The text of a token sequence: its bytes concatenated and decoded as UTF-8; special tokens as their text. */
    public String decode(int[] ids) {
        Objects.requireNonNull(ids, "ids");
        long length = 0;
        for (int id : ids) {
            length += pieceBytes(id).length;
        }
        if (length > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(ids.length + " tokens decode to " + length
                    + " bytes, more than one string can hold");
        }
        byte[] bytes = new byte[(int) length];
        int at = 0;
        for (int id : ids) {
            byte[] piece = vocabulary.piece(id);
            System.arraycopy(piece, 0, bytes, at, piece.length);
            at += piece.length;
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A decoder for a stream of generated tokens that only ever returns whole characters. */
    public StreamingDecoder streamingDecoder() {
        return new StreamingDecoder(this);
    }

    private int requireToken(int id) {
        if (!vocabulary.contains(id)) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary (0.."
                    + (vocabulary.size() - 1) + ")");
        }
        return id;
    }

    @Override
    public String toString() {
        return "Llama3Tokenizer[" + vocabulary.size() + " tokens, " + encoder.mergeCount() + " merges, bos=" + bosId
                + ", eos=" + eosId + "]";
    }
}
