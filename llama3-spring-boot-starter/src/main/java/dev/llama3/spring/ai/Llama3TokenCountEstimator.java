package dev.llama3.spring.ai;

import dev.llama3.chat.ChatFormat;
import dev.llama3.tokenizer.Llama3Tokenizer;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.content.MediaContent;
import org.springframework.ai.tokenizer.TokenCountEstimator;

/**
 * The loaded model's own tokenizer as a Spring AI {@link TokenCountEstimator}: counts are exact, not estimates. Also
 * encodes, decodes and counts a whole chat prompt as the model will see it.
 *
 * <p>Text is always encoded as plain text: control-token spellings such as {@code <|eot_id|>} inside it count as the
 * ordinary tokens they are made of, the same way the chat model treats user content.
 */
public final class Llama3TokenCountEstimator implements TokenCountEstimator {

    private final Llama3Tokenizer tokenizer;
    private final ChatFormat chatFormat;

    public Llama3TokenCountEstimator(Llama3Tokenizer tokenizer) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.chatFormat = new ChatFormat(tokenizer);
    }

    /** The core tokenizer, for everything this class does not expose. */
    public Llama3Tokenizer getTokenizer() {
        return this.tokenizer;
    }

    /** The token ids of {@code text} (no begin-of-text token). */
    public int[] encode(String text) {
        return this.tokenizer.encode(text);
    }

    /** The text of {@code ids}; special tokens appear as their spelling, invalid UTF-8 as U+FFFD. */
    public String decode(int[] ids) {
        return this.tokenizer.decode(ids);
    }

    /** How many tokens {@code text} takes. */
    public int count(String text) {
        return this.tokenizer.encode(text).length;
    }

    /**
     * How many tokens the chat model's prompt for {@code messages} takes: begin-of-text, every message with its
     * header and end-of-turn token, and the open assistant header the reply follows.
     */
    public int countPrompt(List<Message> messages) {
        return this.chatFormat.render(Llama3MessageMapper.toDialog(messages), true).length;
    }

    @Override
    public int estimate(@Nullable String text) {
        return text == null || text.isEmpty() ? 0 : count(text);
    }

    /** The tokens of the content's text. Media is not counted: Llama 3 models read text only. */
    @Override
    public int estimate(MediaContent content) {
        return estimate(content.getText());
    }

    @Override
    public int estimate(Iterable<MediaContent> contents) {
        int total = 0;
        for (MediaContent c : contents) {
            total += estimate(c);
        }
        return total;
    }
}
