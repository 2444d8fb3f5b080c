package dev.llama3.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token list of a byte-level BPE vocabulary: each token's stored text, its type, the lookup from text to id,
 * and the bytes each token renders as. Immutable.
 */
final class Vocabulary {

    private static final Logger log = LoggerFactory.getLogger(Vocabulary.class);

    private static final byte[] EMPTY = new byte[0];

    private final String[] texts;
    private final TokenType[] types;
    private final TokenTextIndex index;
    private final byte[][] pieces;

    /**
     * @param tokens the token texts, in id order (normal tokens in GPT-2 byte-symbol form)
     * @param tokenTypes GGUF token type codes, one per token, or null when the file has none (all normal)
     * @param controlNames token texts that are end-of-turn markers: like llama.cpp, a token with one of these texts
     *     is made a control token when the file says otherwise, so that it renders and parses as special
     */
    Vocabulary(List<String> tokens, int[] tokenTypes, Set<String> controlNames) {
        int n = tokens.size();
        if (n == 0) {
            throw new IllegalArgumentException("the vocabulary is empty (no tokens)");
        }
        if (tokenTypes != null && tokenTypes.length != n) {
            throw new IllegalArgumentException("the vocabulary has " + n + " tokens but " + tokenTypes.length
                    + " token types");
        }
        texts = new String[n];
        types = new TokenType[n];
        for (int id = 0; id < n; id++) {
            String text = tokens.get(id);
            if (text == null) {
                throw new IllegalArgumentException("token " + id + " has no text");
            }
            texts[id] = text;
            TokenType type = tokenTypes == null ? TokenType.NORMAL : TokenType.fromCode(tokenTypes[id]);
            if (type != TokenType.CONTROL && controlNames.contains(text)) {
                log.warn("token {} '{}' looks like a control token but has type {}; treating it as control",
                        id, text, type);
                type = TokenType.CONTROL;
            }
            types[id] = type;
        }
        index = new TokenTextIndex(texts);
        pieces = new byte[n][];
        for (int id = 0; id < n; id++) {
            pieces[id] = render(texts[id], types[id]);
        }
    }

    /**
     * What a token decodes to (llama.cpp's {@code token_to_piece} with specials rendered): normal tokens map their
     * byte symbols back to bytes; control, user-defined and unknown tokens are their text; unused, byte and
     * undefined tokens render as nothing.
     */
    private static byte[] render(String text, TokenType type) {
        if (type.isSpecial()) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if (type != TokenType.NORMAL) {
            return EMPTY;
        }
        byte[] out = new byte[text.length()];
        for (int i = 0; i < text.length(); i++) {
            int b = ByteLevelAlphabet.byteOf(text.charAt(i));
            if (b < 0) {
                return renderWithForeignCharacters(text);
            }
            out[i] = (byte) b;
        }
        return out;
    }

    /**
     * A normal token holding characters outside the 256 byte symbols (never in a well-formed byte-level vocabulary):
     * such characters are kept as their own UTF-8 bytes. llama.cpp prints an {@code [UNK_BYTE_0x..]} marker instead.
     */
    private static byte[] renderWithForeignCharacters(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() + 8);
        text.codePoints().forEach(cp -> {
            int b = ByteLevelAlphabet.byteOf(cp);
            if (b >= 0) {
                out.write(b);
            } else {
                out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
            }
        });
        return out.toByteArray();
    }

    int size() {
        return texts.length;
    }

    boolean contains(int id) {
        return id >= 0 && id < texts.length;
    }

    String text(int id) {
        return texts[id];
    }

    TokenType type(int id) {
        return types[id];
    }

    /** The id of the token with this exact stored text, or -1 (a repeated text maps to its last id). */
    int idOf(String text) {
        return index.idOf(text);
    }

    /** Lookups by text regions, without allocating. */
    TokenTextIndex index() {
        return index;
    }

    /** The rendered bytes of a token; callers must not modify the array. */
    byte[] piece(int id) {
        return pieces[id];
    }
}
