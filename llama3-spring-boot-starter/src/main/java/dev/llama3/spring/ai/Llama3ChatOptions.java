package dev.llama3.spring.ai;

import dev.llama3.chat.ToolPromptPlacement;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.model.tool.DefaultToolCallingChatOptions;
import org.springframework.ai.model.tool.StructuredOutputChatOptions;
import org.springframework.ai.tool.ToolCallback;

/**
 * Immutable options of a Llama 3 chat request: Spring AI's portable options (temperature, top-p, top-k, max tokens,
 * stop sequences, frequency and presence penalties, tool callbacks) plus the sampler settings only a local model
 * has: {@link #getMinP() min-p}, {@link #getRepetitionPenalty() repetition penalty} and {@link #getSeed() seed};
 * and how tools and structured output are handled: {@link #getToolChoice() tool choice},
 * {@link #getToolPromptPlacement() tool prompt placement} and the {@link #getOutputSchema() output schema} (Spring
 * AI's native structured output, which {@code ChatClient} sets when asked to).
 *
 * <p>Every option may be unset ({@code null}); {@link Llama3ChatModel} fills unset options from its defaults, and
 * what is still unset then takes the engine's default. Because the {@link Builder} extends Spring AI's
 * {@link DefaultToolCallingChatOptions.Builder}, {@code ChatClient} merges per-request options into the model's
 * defaults ({@code combineWith}) and attaches tools without knowing this class.
 */
public final class Llama3ChatOptions extends DefaultToolCallingChatOptions implements StructuredOutputChatOptions {

    /** Whether the model must, may or must not call one of the request's tools. */
    public enum ToolChoice {
        /** The model answers in text or calls one tool, as it sees fit. */
        AUTO,
        /**
         * The model's first answer to a user message is a tool call. Once the tools' results follow that message,
         * the model may answer in text (as with {@link #AUTO}), so {@code ChatClient}'s tool loop ends.
         */
        REQUIRED,
        /** The tools are not shown to the model and it answers in text. */
        NONE
    }

    private final @Nullable Double minP;
    private final @Nullable Double repetitionPenalty;
    private final @Nullable Long seed;
    private final @Nullable ToolChoice toolChoice;
    private final @Nullable ToolPromptPlacement toolPromptPlacement;
    private final @Nullable String outputSchema;

    private Llama3ChatOptions(@Nullable List<ToolCallback> toolCallbacks, @Nullable Map<String, Object> toolContext,
            @Nullable String model, @Nullable Double frequencyPenalty, @Nullable Integer maxTokens,
            @Nullable Double presencePenalty, @Nullable List<String> stopSequences, @Nullable Double temperature,
            @Nullable Integer topK, @Nullable Double topP, @Nullable Double minP, @Nullable Double repetitionPenalty,
            @Nullable Long seed, @Nullable ToolChoice toolChoice, @Nullable ToolPromptPlacement toolPromptPlacement,
            @Nullable String outputSchema) {
        super(toolCallbacks, toolContext, model, frequencyPenalty, maxTokens, presencePenalty, stopSequences,
                temperature, topK, topP);
        this.minP = minP;
        this.repetitionPenalty = repetitionPenalty;
        this.seed = seed;
        this.toolChoice = toolChoice;
        this.toolPromptPlacement = toolPromptPlacement;
        this.outputSchema = outputSchema;
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

    /** Whether the model must call a tool; unset means {@link ToolChoice#AUTO}. */
    public @Nullable ToolChoice getToolChoice() {
        return this.toolChoice;
    }

    /** Where the tool definitions go in the prompt; unset means {@link ToolPromptPlacement#USER_MESSAGE}. */
    public @Nullable ToolPromptPlacement getToolPromptPlacement() {
        return this.toolPromptPlacement;
    }

    /**
     * The JSON Schema the reply must match, as JSON text; the reply is then exactly one such JSON value (constrained
     * decoding). {@code ChatClient} sets it for {@code .entity(...)} with native structured output.
     */
    @Override
    public @Nullable String getOutputSchema() {
        return this.outputSchema;
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
                .seed(this.seed)
                .toolChoice(this.toolChoice)
                .toolPromptPlacement(this.toolPromptPlacement)
                .outputSchema(this.outputSchema);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (!super.equals(o)) {
            return false;
        }
        Llama3ChatOptions that = (Llama3ChatOptions) o;
        return Objects.equals(this.minP, that.minP) && Objects.equals(this.repetitionPenalty, that.repetitionPenalty)
                && Objects.equals(this.seed, that.seed) && this.toolChoice == that.toolChoice
                && this.toolPromptPlacement == that.toolPromptPlacement
                && Objects.equals(this.outputSchema, that.outputSchema);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), this.minP, this.repetitionPenalty, this.seed, this.toolChoice,
                this.toolPromptPlacement, this.outputSchema);
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
                + (context == null ? 0 : context.size()) + " entries, toolChoice=" + this.toolChoice
                + ", toolPromptPlacement=" + this.toolPromptPlacement + ", outputSchema="
                + (this.outputSchema == null ? "none" : this.outputSchema.length() + " chars") + "]";
    }

    /**
     * Builds {@link Llama3ChatOptions}. {@link #combineWith} copies every option the other builder has set, so
     * {@code defaults.mutate().combineWith(request)} gives "request wins where it says something".
     */
    public static final class Builder extends DefaultToolCallingChatOptions.Builder<Builder>
            implements StructuredOutputChatOptions.Builder<Builder> {
        private @Nullable Double minP;
        private @Nullable Double repetitionPenalty;
        private @Nullable Long seed;
        private @Nullable ToolChoice toolChoice;
        private @Nullable ToolPromptPlacement toolPromptPlacement;
        private @Nullable String outputSchema;

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

        public Builder toolChoice(@Nullable ToolChoice toolChoice) {
            this.toolChoice = toolChoice;
            return this;
        }

        public Builder toolPromptPlacement(@Nullable ToolPromptPlacement toolPromptPlacement) {
            this.toolPromptPlacement = toolPromptPlacement;
            return this;
        }

        @Override
        public Builder outputSchema(@Nullable String outputSchema) {
            this.outputSchema = outputSchema;
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
                if (that.toolChoice != null) {
                    this.toolChoice = that.toolChoice;
                }
                if (that.toolPromptPlacement != null) {
                    this.toolPromptPlacement = that.toolPromptPlacement;
                }
                if (that.outputSchema != null) {
                    this.outputSchema = that.outputSchema;
                }
            } else if (other instanceof StructuredOutputChatOptions.Builder<?> structured) {
                // Spring AI's own structured-output options carry the schema we constrain the reply to.
                String schema = structured.build() instanceof StructuredOutputChatOptions built
                        ? built.getOutputSchema() : null;
                if (schema != null) {
                    this.outputSchema = schema;
                }
            }
            return this;
        }

        @Override
        public Llama3ChatOptions build() {
            return new Llama3ChatOptions(this.toolCallbacks, this.toolContext, this.model, this.frequencyPenalty,
                    this.maxTokens, this.presencePenalty, this.stopSequences, this.temperature, this.topK, this.topP,
                    this.minP, this.repetitionPenalty, this.seed, this.toolChoice, this.toolPromptPlacement,
                    this.outputSchema);
        }
    }
}
