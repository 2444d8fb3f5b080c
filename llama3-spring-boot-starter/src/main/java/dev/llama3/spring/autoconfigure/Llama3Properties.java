package dev.llama3.spring.autoconfigure;

import dev.llama3.chat.ToolPromptPlacement;
import dev.llama3.model.KvCacheType;
import dev.llama3.spring.ai.Llama3ChatOptions.ToolChoice;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the in-process Llama 3 chat model, under {@code spring.ai.llama3}. Only {@code model.path} is
 * required; everything else has a default that works.
 */
@ConfigurationProperties(Llama3Properties.PREFIX)
public class Llama3Properties {

    public static final String PREFIX = "spring.ai.llama3";

    private final Model model = new Model();

    /** Where the forward pass runs: auto (the best available), cpu (Java Vector API) or tornadovm (GPU). */
    private Llama3Backend backend = Llama3Backend.AUTO;

    /** Compute threads of the forward pass. Unset means one per available processor. */
    private @Nullable Integer threads;

    /**
     * Positions per conversation (prompt plus reply). 0 means the model's trained context, capped at 8192 so that a
     * 128K model does not reserve memory it will rarely use.
     */
    private int contextLength = 0;

    /** Prompt tokens evaluated per forward pass during prompt processing. */
    private int batchSize = 64;

    /** Most concurrent conversations whose decode steps share one forward pass. */
    private int maxBatchSequences = 8;

    /**
     * How each conversation's KV cache stores keys and values: f32 (exact, 4 bytes per value) or f16 (half the
     * memory and faster attention at long contexts, at binary16 precision).
     */
    private KvCacheType kvCacheType = KvCacheType.F32;

    /**
     * Whether the CPU backend moves the weights from the mapped file onto transparent huge pages after the first
     * request (Linux, with --enable-native-access): faster decoding, but the pages are then this process's own, not
     * shared with other processes mapping the same file. Unset means on, unless -Dllama3.hugePages=false.
     */
    private @Nullable Boolean hugePages;

    private final Chat chat = new Chat();

    private final Cache cache = new Cache();

    public Model getModel() {
        return this.model;
    }

    public Llama3Backend getBackend() {
        return this.backend;
    }

    public void setBackend(Llama3Backend backend) {
        this.backend = backend;
    }

    public @Nullable Integer getThreads() {
        return this.threads;
    }

    public void setThreads(@Nullable Integer threads) {
        this.threads = threads;
    }

    public int getContextLength() {
        return this.contextLength;
    }

    public void setContextLength(int contextLength) {
        this.contextLength = contextLength;
    }

    public int getBatchSize() {
        return this.batchSize;
    }

    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    public int getMaxBatchSequences() {
        return this.maxBatchSequences;
    }

    public void setMaxBatchSequences(int maxBatchSequences) {
        this.maxBatchSequences = maxBatchSequences;
    }

    public KvCacheType getKvCacheType() {
        return this.kvCacheType;
    }

    public void setKvCacheType(KvCacheType kvCacheType) {
        this.kvCacheType = kvCacheType;
    }

    public @Nullable Boolean getHugePages() {
        return this.hugePages;
    }

    public void setHugePages(@Nullable Boolean hugePages) {
        this.hugePages = hugePages;
    }

    public Chat getChat() {
        return this.chat;
    }

    public Cache getCache() {
        return this.cache;
    }

    /** Caches of the engine's work. */
    public static class Cache {

        private final Prefix prefix = new Prefix();

        public Prefix getPrefix() {
            return this.prefix;
        }
    }

    /**
     * The prompt-prefix KV cache: after each reply the conversation's keys and values are kept, so the next turn
     * (or another conversation with the same system prompt and tools) evaluates only its new tokens.
     */
    public static class Prefix {

        /** Whether to keep and reuse evaluated prompts. */
        private boolean enabled = true;

        /** Most memory the kept prompts may hold (off the Java heap); least recently used go first. */
        private org.springframework.util.unit.DataSize maxBytes = org.springframework.util.unit.DataSize.ofMegabytes(512);

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public org.springframework.util.unit.DataSize getMaxBytes() {
            return this.maxBytes;
        }

        public void setMaxBytes(org.springframework.util.unit.DataSize maxBytes) {
            this.maxBytes = maxBytes;
        }
    }

    /** The model file. */
    public static class Model {

        /**
         * Path of the Llama 3 GGUF file, e.g. ~/models/Llama-3.2-1B-Instruct-Q8_0.gguf (a leading ~ is the user's
         * home directory).
         */
        private @Nullable String path;

        public @Nullable String getPath() {
            return this.path;
        }

        public void setPath(@Nullable String path) {
            this.path = path;
        }
    }

    /**
     * Default options of every chat request; a request's own options (ChatClient {@code .options(...)} or the
     * prompt's) override them one by one.
     */
    public static class Chat {

        /** Sampling temperature; 0 picks the most likely token every time (greedy, deterministic). */
        private double temperature = 0.8;

        /** Nucleus sampling: keep the most likely tokens whose probabilities add up to this; 1 disables. */
        private double topP = 0.95;

        /** Keep only this many most likely tokens; 0 disables. */
        private int topK = 40;

        /** Drop tokens less likely than this fraction of the most likely token's probability; 0 disables. */
        private double minP = 0.05;

        /** Most tokens to generate per reply. Unset means until the model ends its turn or the context is full. */
        private @Nullable Integer maxTokens;

        /** Penalty for recently generated tokens (positive logits divided by it, negative multiplied); 1 disables. */
        private double repetitionPenalty = 1.0;

        /** Subtracted from a token's logit once per recent occurrence; 0 disables. */
        private double frequencyPenalty = 0.0;

        /** Subtracted from a token's logit once if it occurred recently; 0 disables. */
        private double presencePenalty = 0.0;

        /** Seed of the sampler's random numbers, for repeatable replies. Unset means a new random seed per request. */
        private @Nullable Long seed;

        /** Text that ends a reply (not included in it), in addition to the model's end-of-turn tokens. */
        private List<String> stop = new ArrayList<>();

        /**
         * Whether the model may (auto), must (required: its first answer to a user message is a tool call) or must
         * not (none: tools are not shown to it) call one of the request's tools. Calls are constrained to the
         * declared tools and their JSON schemas.
         */
        private ToolChoice toolChoice = ToolChoice.AUTO;

        /**
         * Where the Llama 3.1 JSON tool prompt puts the tool definitions: user-message (in front of the first user
         * message, Meta's default) or system-message.
         */
        private ToolPromptPlacement toolPromptPlacement = ToolPromptPlacement.USER_MESSAGE;

        public double getTemperature() {
            return this.temperature;
        }

        public void setTemperature(double temperature) {
            this.temperature = temperature;
        }

        public double getTopP() {
            return this.topP;
        }

        public void setTopP(double topP) {
            this.topP = topP;
        }

        public int getTopK() {
            return this.topK;
        }

        public void setTopK(int topK) {
            this.topK = topK;
        }

        public double getMinP() {
            return this.minP;
        }

        public void setMinP(double minP) {
            this.minP = minP;
        }

        public @Nullable Integer getMaxTokens() {
            return this.maxTokens;
        }

        public void setMaxTokens(@Nullable Integer maxTokens) {
            this.maxTokens = maxTokens;
        }

        public double getRepetitionPenalty() {
            return this.repetitionPenalty;
        }

        public void setRepetitionPenalty(double repetitionPenalty) {
            this.repetitionPenalty = repetitionPenalty;
        }

        public double getFrequencyPenalty() {
            return this.frequencyPenalty;
        }

        public void setFrequencyPenalty(double frequencyPenalty) {
            this.frequencyPenalty = frequencyPenalty;
        }

        public double getPresencePenalty() {
            return this.presencePenalty;
        }

        public void setPresencePenalty(double presencePenalty) {
            this.presencePenalty = presencePenalty;
        }

        public @Nullable Long getSeed() {
            return this.seed;
        }

        public void setSeed(@Nullable Long seed) {
            this.seed = seed;
        }

        public List<String> getStop() {
            return this.stop;
        }

        public void setStop(List<String> stop) {
            this.stop = stop;
        }

        public ToolChoice getToolChoice() {
            return this.toolChoice;
        }

        public void setToolChoice(ToolChoice toolChoice) {
            this.toolChoice = toolChoice;
        }

        public ToolPromptPlacement getToolPromptPlacement() {
            return this.toolPromptPlacement;
        }

        public void setToolPromptPlacement(ToolPromptPlacement toolPromptPlacement) {
            this.toolPromptPlacement = toolPromptPlacement;
        }
    }
}
