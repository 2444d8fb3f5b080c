package dev.llama3.engine;

import dev.llama3.backend.BackendSelector;
import dev.llama3.backend.CpuBackendProvider;
import dev.llama3.model.KvCacheType;
import dev.llama3.tensor.ComputePool;

/**
 * How a model is loaded and run.
 *
 * @param threads compute threads (default: available processors)
 * @param contextLength positions per session (0 = the model's trained context, capped at 8192)
 * @param batchSize tokens per forward pass during prompt processing
 * @param maxBatchSequences most concurrent sessions whose decode steps share one forward pass
 * @param kvCacheType how each session's KV cache stores keys and values (default {@link KvCacheType#defaultType()}:
 *     F32 unless {@code -Dllama3.kvCacheType=F16}; F16 halves the memory at binary16 precision)
 * @param backend where the forward pass runs: {@code auto} (default; a usable GPU backend, else the CPU), {@code cpu},
 *     or another {@link dev.llama3.backend.BackendProvider}'s name such as {@code tornadovm}; the default can be set
 *     with {@code -Dllama3.backend=...}
 * @param hugePages whether the CPU backend moves the weights onto transparent huge pages after the first forward pass
 *     (Linux with native access; faster decoding, but the pages are no longer shared with other processes mapping the
 *     file); default on unless {@code -Dllama3.hugePages=false}
 */
public record EngineOptions(int threads, int contextLength, int batchSize, int maxBatchSequences,
        KvCacheType kvCacheType, String backend, boolean hugePages) {

    /** Context used when none is requested: Llama 3.1 files advertise 128K, which would waste memory. */
    public static final int DEFAULT_MAX_CONTEXT = 8192;

    /** System property holding the default {@link #backend()}. */
    public static final String BACKEND_PROPERTY = "llama3.backend";

    /** As before backends existed: {@code auto}. */
    public EngineOptions(int threads, int contextLength, int batchSize, int maxBatchSequences, KvCacheType kvCacheType) {
        this(threads, contextLength, batchSize, maxBatchSequences, kvCacheType, BackendSelector.AUTO);
    }

    /** As before the huge-page option: {@link #defaultHugePages()}. */
    public EngineOptions(int threads, int contextLength, int batchSize, int maxBatchSequences, KvCacheType kvCacheType,
            String backend) {
        this(threads, contextLength, batchSize, maxBatchSequences, kvCacheType, backend, defaultHugePages());
    }

    public EngineOptions {
        if (threads <= 0) {
            throw new IllegalArgumentException("threads must be positive, got " + threads);
        }
        if (contextLength < 0) {
            throw new IllegalArgumentException("context length must be >= 0 (0 = model default), got " + contextLength);
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        if (maxBatchSequences <= 0) {
            throw new IllegalArgumentException("max batch sequences must be positive, got " + maxBatchSequences);
        }
        if (kvCacheType == null) {
            throw new IllegalArgumentException("KV cache type must not be null");
        }
        if (backend == null || backend.isBlank()) {
            throw new IllegalArgumentException("backend must be auto, cpu or a backend's name, got '" + backend + "'");
        }
        backend = backend.trim().toLowerCase(java.util.Locale.ROOT);
    }

    /** {@code -Dllama3.backend}, else {@code auto}. */
    public static String defaultBackend() {
        String configured = System.getProperty(BACKEND_PROPERTY, "").trim();
        return configured.isEmpty() ? BackendSelector.AUTO : configured;
    }

    /** {@code -Dllama3.hugePages} ({@link CpuBackendProvider#HUGE_PAGES_PROPERTY}): on unless {@code false}. */
    public static boolean defaultHugePages() {
        return CpuBackendProvider.hugePagesByDefault();
    }

    public static EngineOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int threads = ComputePool.defaultThreads();
        private int contextLength = 0;
        private int batchSize = 64;
        private int maxBatchSequences = 8;
        private KvCacheType kvCacheType = KvCacheType.defaultType();
        private String backend = defaultBackend();
        private boolean hugePages = defaultHugePages();

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder contextLength(int contextLength) {
            this.contextLength = contextLength;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder maxBatchSequences(int maxBatchSequences) {
            this.maxBatchSequences = maxBatchSequences;
            return this;
        }

        public Builder kvCacheType(KvCacheType kvCacheType) {
            this.kvCacheType = kvCacheType;
            return this;
        }

        /** {@code auto}, {@code cpu} or a backend provider's name. */
        public Builder backend(String backend) {
            this.backend = backend;
            return this;
        }

        /** Whether the CPU backend moves the weights onto huge pages after the first forward pass. */
        public Builder hugePages(boolean hugePages) {
            this.hugePages = hugePages;
            return this;
        }

        public EngineOptions build() {
            return new EngineOptions(threads, contextLength, batchSize, maxBatchSequences, kvCacheType, backend,
                    hugePages);
        }
    }
}
