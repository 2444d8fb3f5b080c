package dev.llama3.chat;

import dev.llama3.sampling.IntList;
import dev.llama3.tokenizer.Llama3Tokenizer;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The Llama 3 dialog format as Meta's reference renders it:
 * {@code <|begin_of_text|>} then, per message,
 * {@code <|start_header_id|>{role}<|end_header_id|>\n\n{content}<|eot_id|>}, ending with the assistant header
 * when a reply is wanted. Content is trimmed, as Meta's template does, and encoded as plain text: special-token
 * strings inside messages never become control tokens. Control tokens come only from this class.
 */
public final class ChatFormat {
    private final Llama3Tokenizer tokenizer;
    private final int beginOfText;
    private final int startHeader;
    private final int endHeader;
    private final int endOfTurn;
    private final int[] doubleNewline;
    private final Set<Integer> stopTokens;

    public ChatFormat(Llama3Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.beginOfText = tokenizer.bosId();
        this.startHeader = tokenizer.specialTokenId("<|start_header_id|>");
        this.endHeader = tokenizer.specialTokenId("<|end_header_id|>");
        this.endOfTurn = tokenizer.specialTokenId("<|eot_id|>");
        this.doubleNewline = tokenizer.encode("\n\n");
        Set<Integer> stops = new LinkedHashSet<>(tokenizer.endOfGenerationIds());
        stops.add(endOfTurn);
        tokenizer.findSpecialToken("<|eom_id|>").ifPresent(stops::add);
        tokenizer.findSpecialToken("<|end_of_text|>").ifPresent(stops::add);
        this.stopTokens = Set.copyOf(stops);
    }

    public Llama3Tokenizer tokenizer() {
        return tokenizer;
    }

    /** Tokens that end an assistant turn: {@code <|eot_id|>}, {@code <|eom_id|>}, {@code <|end_of_text|>} and the GGUF's EOS. */
    public Set<Integer> stopTokens() {
        return stopTokens;
    }

    /**
     * Renders a whole dialog, starting with {@code <|begin_of_text|>}.
     *
     * @param appendAssistantHeader end with an open assistant header so the model writes the reply
     */
    public int[] render(List<ChatMessage> messages, boolean appendAssistantHeader) {
        return render(messages, appendAssistantHeader, true);
    }

    /**
     * Renders a dialog whose contents are final, without trimming them: for prompts composed elsewhere, such as
     * {@link ToolPrompt#apply}, whose exact whitespace is part of the format. Content is still plain text.
     */
    public int[] renderVerbatim(List<ChatMessage> messages, boolean appendAssistantHeader) {
        return render(messages, appendAssistantHeader, false);
    }

    private int[] render(List<ChatMessage> messages, boolean appendAssistantHeader, boolean trim) {
        IntList out = new IntList();
        out.add(beginOfText);
        for (ChatMessage m : messages) {
            appendMessage(out, m, trim);
        }
        if (appendAssistantHeader) {
            appendHeader(out, Role.ASSISTANT);
        }
        return out.toArray();
    }

    /** Renders one complete message (header, content, {@code <|eot_id|>}) without BOS. */
    public int[] renderMessage(ChatMessage message) {
        IntList out = new IntList();
        appendMessage(out, message, true);
        return out.toArray();
    }

    /** Renders a bare header ({@code <|start_header_id|>role<|end_header_id|>\n\n}). */
    public int[] renderHeader(Role role) {
        IntList out = new IntList();
        appendHeader(out, role);
        return out.toArray();
    }

    private void appendMessage(IntList out, ChatMessage m, boolean trim) {
        appendHeader(out, m.role());
        out.addAll(tokenizer.encode(trim ? m.content().strip() : m.content()));
        out.add(endOfTurn);
    }

    private void appendHeader(IntList out, Role role) {
        out.add(startHeader);
        out.addAll(tokenizer.encode(role.header()));
        out.add(endHeader);
        out.addAll(doubleNewline);
    }
}
