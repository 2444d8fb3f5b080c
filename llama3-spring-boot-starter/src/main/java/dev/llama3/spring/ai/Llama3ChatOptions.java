package dev.llama3.spring.ai;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.model.tool.DefaultToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;

/**
 * Immutable options of a Llama 3 chat request: Spring AI's portable options (temperature, top-p, top-k, max tokens,
 * stop sequences, frequency and presence penalties, tool callbacks) plus the sampler settings only a local model
 * has: {@link #getMinP() min-p}, {@link #getRepetitionPenalty() repetition penalty} and {@link #getSeed() seed}.
 *
 * <p>Every option may be unset ({@code null}); {@link Llama3ChatModel} fills unset options from its defaults, and
 * what is still unset then takes the engine's default. Because the {@link Builder} extends Spring AI's
 * {@link DefaultToolCallingChatOptions.Builder}, {@code ChatClient} merges per-request options into the model's
 * defaults ({@code combineWith}) and attaches tools without knowing this class.
 */
public final class Llama3ChatOptions extends DefaultToolCallingChatOptions {

    private final @Nullable Double minP;
    private final @Nullable Double repetitionPenalty;
    private final @Nullable Long seed;

    private Llama3ChatOptions(@Nullable List<ToolCallback> toolCallbacks, @Nullable Map<String, Object> toolContext,
            @Nullable String model, @Nullable Double frequencyPenalty, @Nullable Integer maxTokens,
            @Nullable Double presencePenalty, @Nullable List<String> stopSequences, @Nullable Double temperature,
            @Nullable Integer topK, @Nullable Double topP, @Nullable Double minP, @Nullable Double repetitionPenalty,
            @Nullable Long seed) {
        super(toolCallbacks, toolContext, model, frequencyPenalty, maxTokens, presencePenalty, stopSequences,
                temperature, topK, topP);
        this.minP = minP;
        this.repetitionPenalty = repetitionPenalty;
        this.seed = seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Drop tokens whose probability is below this fraction of the most likely token's; 0 disables. */
    public @Nullable Double getMinP() {
        return this.minP;
    }

    /** CTRL-style penalty for recently seen tokens; 1 disables. */
    public @Nullable Double getRepetitionPenalty() {
        return this.repetitionPenalty;
    }

    /** Seed of the sampler's random draw; unset means a fresh random seed per request. */
    public @Nullable Long getSeed() {
        return this.seed;
    }

    @Override
    public Builder mutate() {
        return builder()
                .model(getModel())
                .frequencyPenalty(getFrequencyPenalty())
                .maxTokens(getMaxTokens())
                .presencePenalty(getPresencePenalty())
                .stopSequences(getStopSequences())
                .temperature(getTemperature())
                .topK(getTopK())
                .topP(getTopP())
                .toolCallbacks(getToolCallbacks())
                .toolContext(getToolContext())
                .minP(this.minP)
                .repetitionPenalty(this.repetitionPenalty)
                .seed(this.seed);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (!super.equals(o)) {
            return false;
        }
        Llama3ChatOptions that = (Llama3ChatOptions) o;
        return Objects.equals(this.minP, that.minP) && Objects.equals(this.repetitionPenalty, that.repetitionPenalty)
                && Objects.equals(this.seed, that.seed);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), this.minP, this.repetitionPenalty, this.seed);
    }

    @Override
    public String toString() {
        List<ToolCallback> tools = getToolCallbacks();
        Map<String, Object> context = getToolContext();
        return "Llama3ChatOptions[model=" + getModel() + ", temperature=" + getTemperature() + ", topP=" + getTopP()
                + ", topK=" + getTopK() + ", minP=" + this.minP + ", maxTokens=" + getMaxTokens()
                + ", repetitionPenalty=" + this.repetitionPenalty + ", frequencyPenalty=" + getFrequencyPenalty()
                + ", presencePenalty=" + getPresencePenalty() + ", seed=" + this.seed + ", stopSequences="
                + getStopSequences() + ", tools=" + (tools == null ? 0 : tools.size()) + ", toolContext="
                + (context == null ? 0 : context.size()) + " entries]";
    }

    /**
     * Builds {@link Llama3ChatOptions}. {@link #combineWith} copies every option the other builder has set, so
     * {@code defaults.mutate().combineWith(request)} gives "request wins where it says something".
     */
    public static final class Builder extends DefaultToolCallingChatOptions.Builder<Builder> {
        private @Nullable Double minP;
        private @Nullable Double repetitionPenalty;
        private @Nullable Long seed;

        private Builder() {}

        public Builder minP(@Nullable Double minP) {
            this.minP = minP;
            return this;
        }

        public Builder repetitionPenalty(@Nullable Double repetitionPenalty) {
            this.repetitionPenalty = repetitionPenalty;
            return this;
        }

        public Builder seed(@Nullable Long seed) {
            this.seed = seed;
            return this;
        }

        @Override
        public Builder combineWith(ChatOptions.Builder<?> other) {
            super.combineWith(other);
            if (other instanceof Builder that) {
                if (that.minP != null) {
                    this.minP = that.minP;
                }
                if (that.repetitionPenalty != null) {
                    this.repetitionPenalty = that.repetitionPenalty;
                }
                if (that.seed != null) {
                    this.seed = that.seed;
                }
            }
            return this;
        }

        @Override
        public Llama3ChatOptions build() {
            return new Llama3ChatOptions(this.toolCallbacks, this.toolContext, this.model, this.frequencyPenalty,
                    this.maxTokens, this.presencePenalty, this.stopSequences, this.temperature, this.topK, this.topP,
                    this.minP, this.repetitionPenalty, this.seed);
        }
    }
}
