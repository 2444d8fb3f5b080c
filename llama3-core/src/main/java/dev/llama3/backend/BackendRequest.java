package dev.llama3.backend;

import dev.llama3.gguf.GgufFile;
import dev.llama3.model.KvCacheType;
import dev.llama3.model.LlamaModel;
import java.util.Objects;

/**
 * What a backend is asked to run: the model (configuration and weights bound to the memory-mapped file) and how the
 * engine will use it. Enough for a provider to estimate the memory it needs before it uploads anything.
 *
 * @param gguf the open model file (tensor types, offsets, the mapping)
 * @param model the configuration and the weights as CPU views over the mapping
 * @param contextLength positions of each sequence's KV cache
 * @param batchSize tokens per prompt chunk
 * @param maxSequences most sequences whose decode steps share one forward pass
 * @param threads CPU threads the engine may use
 * @param kvCacheType storage of keys and values the user asked for (a backend may refuse what it cannot store)
 * @param hugePages whether the CPU backend may move the weights onto huge pages after the first forward pass
 */
public record BackendRequest(GgufFile gguf, LlamaModel model, int contextLength, int batchSize, int maxSequences,
        int threads, KvCacheType kvCacheType, boolean hugePages) {

    /** With huge pages allowed. */
    public BackendRequest(GgufFile gguf, LlamaModel model, int contextLength, int batchSize, int maxSequences,
            int threads, KvCacheType kvCacheType) {
        this(gguf, model, contextLength, batchSize, maxSequences, threads, kvCacheType, true);
    }

    public BackendRequest {
        Objects.requireNonNull(gguf, "gguf");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(kvCacheType, "kvCacheType");
        if (contextLength <= 0 || batchSize <= 0 || maxSequences <= 0 || threads <= 0) {
            throw new IllegalArgumentException("context length, batch size, sequences and threads must be positive");
        }
    }

    /** Entries one forward pass must hold: a prompt chunk or one decode step per concurrent sequence. */
    public int batchCapacity() {
        return Math.max(batchSize, maxSequences);
    }
}
