package dev.llama3.engine;

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
 */
public record EngineOptions(int threads, int contextLength, int batchSize, int maxBatchSequences,
        KvCacheType kvCacheType) {

    /** Context used when none is requested: Llama 3.1 files advertise 128K, which would waste memory. */
    public static final int DEFAULT_MAX_CONTEXT = 8192;

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

        public EngineOptions build() {
            return new EngineOptions(threads, contextLength, batchSize, maxBatchSequences, kvCacheType);
        }
    }
}
