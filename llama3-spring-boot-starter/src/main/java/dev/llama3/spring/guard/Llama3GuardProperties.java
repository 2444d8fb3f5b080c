package dev.llama3.spring.guard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The Llama Guard safety filter, under {@code spring.ai.llama3.guard}: a second, small model that classifies what
 * users send and what the chat model answers, and blocks what its policy forbids.
 */
@ConfigurationProperties(Llama3GuardProperties.PREFIX)
public class Llama3GuardProperties {

    public static final String PREFIX = "spring.ai.llama3.guard";

    /** Whether to load the guard model and filter every ChatClient's requests and replies. */
    private boolean enabled = false;

    private final Model model = new Model();

    /** Which messages to classify: input (what users send), output (what the model answers) or both. */
    private GuardChecks checks = GuardChecks.BOTH;

    /**
     * A message is blocked when the guard's probability of 'unsafe' is at least this: 0 blocks everything, 1 lets
     * everything through but certainties, 0.5 follows the model's own verdict.
     */
    private double threshold = 0.5;

    /** Which Llama Guard generation the model is (its prompt and categories); auto detects it from the file. */
    private GuardModelVersion version = GuardModelVersion.AUTO;

    private final Categories categories = new Categories();

    /** The reply a caller gets instead of blocked content (when on-block is reply). */
    private String blockedResponse = "Sorry, I can't help with that.";

    /** What a blocked request or reply does: reply (the blocked-response text) or exception (Llama3GuardBlockedException). */
    private OnBlock onBlock = OnBlock.REPLY;

    /** Let messages through when the guard fails or times out (fail open); by default they are blocked (fail closed). */
    private boolean failOpen = false;

    /** Longest a classification may take before it counts as a failure. */
    private Duration timeout = Duration.ofSeconds(30);

    /** Positions of the guard model's context (its prompt holds the policy and the whole conversation). */
    private int contextLength = 4096;

    /** Compute threads of the guard model. Unset means one per available processor. */
    private @Nullable Integer threads;

    private final Cache cache = new Cache();

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Model getModel() {
        return this.model;
    }

    public GuardChecks getChecks() {
        return this.checks;
    }

    public void setChecks(GuardChecks checks) {
        this.checks = checks;
    }

    public double getThreshold() {
        return this.threshold;
    }

    public void setThreshold(double threshold) {
        this.threshold = threshold;
    }

    public GuardModelVersion getVersion() {
        return this.version;
    }

    public void setVersion(GuardModelVersion version) {
        this.version = version;
    }

    public Categories getCategories() {
        return this.categories;
    }

    public String getBlockedResponse() {
        return this.blockedResponse;
    }

    public void setBlockedResponse(String blockedResponse) {
        this.blockedResponse = blockedResponse;
    }

    public OnBlock getOnBlock() {
        return this.onBlock;
    }

    public void setOnBlock(OnBlock onBlock) {
        this.onBlock = onBlock;
    }

    public boolean isFailOpen() {
        return this.failOpen;
    }

    public void setFailOpen(boolean failOpen) {
        this.failOpen = failOpen;
    }

    public Duration getTimeout() {
        return this.timeout;
    }

    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    public int getContextLength() {
        return this.contextLength;
    }

    public void setContextLength(int contextLength) {
        this.contextLength = contextLength;
    }

    public @Nullable Integer getThreads() {
        return this.threads;
    }

    public void setThreads(@Nullable Integer threads) {
        this.threads = threads;
    }

    public Cache getCache() {
        return this.cache;
    }

    /** Which messages are classified. */
    public enum GuardChecks {
        INPUT, OUTPUT, BOTH;

        /** Whether what users send is classified. */
        public boolean input() {
            return this != OUTPUT;
        }

        /** Whether what the model answers is classified. */
        public boolean output() {
            return this != INPUT;
        }
    }

    /** The guard model's generation. */
    public enum GuardModelVersion {
        /** Llama Guard 2 if the file's name says so; Llama Guard 3 1B for a 16-block model; else Llama Guard 3. */
        AUTO,
        LLAMA_GUARD_2,
        LLAMA_GUARD_3,
        LLAMA_GUARD_3_1B
    }

    /** What happens to blocked content. */
    public enum OnBlock {
        /** The caller receives the blocked-response text, with finish reason BLOCKED and the categories in the metadata. */
        REPLY,
        /** The call fails with Llama3GuardBlockedException (e.g. for an HTTP 422). */
        EXCEPTION
    }

    /** The guard model file. */
    public static class Model {

        /** Path of the Llama Guard GGUF file, e.g. ~/models/Llama-Guard-3-1B-Q8_0.gguf. */
        private @Nullable String path;

        public @Nullable String getPath() {
            return this.path;
        }

        public void setPath(@Nullable String path) {
            this.path = path;
        }
    }

    /** Changes to the model's default hazard categories. */
    public static class Categories {

        /** Codes of default categories not to check, e.g. S6 (specialized advice). */
        private List<String> exclude = new ArrayList<>();

        /** New names for default categories by code, e.g. S13: Election Misinformation. */
        private Map<String, String> rename = new LinkedHashMap<>();

        /** Additional categories; each gets the next free code (S15 after Llama Guard 3's S1-S14). */
        private List<Custom> custom = new ArrayList<>();

        public List<String> getExclude() {
            return this.exclude;
        }

        public void setExclude(List<String> exclude) {
            this.exclude = exclude;
        }

        public Map<String, String> getRename() {
            return this.rename;
        }

        public void setRename(Map<String, String> rename) {
            this.rename = rename;
        }

        public List<Custom> getCustom() {
            return this.custom;
        }

        public void setCustom(List<Custom> custom) {
            this.custom = custom;
        }
    }

    /** A custom hazard category. */
    public static class Custom {

        /** Short name listed in the prompt, e.g. "Competitor Promotion.". */
        private String name = "";

        /** What the category forbids, listed under the name. */
        private String description = "";

        public String getName() {
            return this.name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getDescription() {
            return this.description;
        }

        public void setDescription(String description) {
            this.description = description;
        }
    }

    /** The verdict cache: identical conversations under the same policy are classified once. */
    public static class Cache {

        /** Most verdicts kept; 0 disables the cache. */
        private long maxEntries = 10_000;

        /** How long a verdict is reused. */
        private Duration expireAfterWrite = Duration.ofMinutes(10);

        public long getMaxEntries() {
            return this.maxEntries;
        }

        public void setMaxEntries(long maxEntries) {
            this.maxEntries = maxEntries;
        }

        public Duration getExpireAfterWrite() {
            return this.expireAfterWrite;
        }

        public void setExpireAfterWrite(Duration expireAfterWrite) {
            this.expireAfterWrite = expireAfterWrite;
        }
    }
}
