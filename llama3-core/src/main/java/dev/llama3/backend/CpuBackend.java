package dev.llama3.backend;

import dev.llama3.model.ForwardState;
import dev.llama3.model.KvCache;
import dev.llama3.model.KvCacheType;
import dev.llama3.model.LlamaModel;
import dev.llama3.tensor.ComputePool;
import dev.llama3.tensor.Kernels;

/**
 * The forward pass on the CPU: {@link LlamaModel} over the memory-mapped weights, the {@link ComputePool}'s threads,
 * and one {@link ForwardState} of scratch buffers reused by every call (the engine runs one forward pass at a time).
 */
final class CpuBackend implements Backend {
    private final LlamaModel model;
    private final KvCacheType kvCacheType;
    private final ComputePool pool;
    private final ForwardState state;
    private final KvCache[] batchCaches;
    /** Kernel compilation started at open; stopped by the first real forward pass (or close). */
    private volatile KernelWarmup warmup;
    /** Moves the weights onto huge pages after the first forward pass; null when turned off. */
    private final HugePageMover hugePages;

    CpuBackend(BackendRequest request, boolean warmUp) {
        this.model = request.model();
        this.kvCacheType = request.kvCacheType();
        this.pool = new ComputePool(request.threads());
        try {
            this.state = new ForwardState(model.config(), request.batchCapacity(), request.contextLength(),
                    pool.threads());
        } catch (RuntimeException | Error e) {
            pool.close();
            throw e;
        }
        this.batchCaches = new KvCache[request.batchCapacity()];
        this.hugePages = request.hugePages() ? new HugePageMover(request.gguf()) : null;
        // compiles the kernels on an idle core while the engine builds the tokenizer
        this.warmup = warmUp ? KernelWarmup.start(model) : null;
    }

    @Override
    public String name() {
        return CpuBackendProvider.NAME;
    }

    @Override
    public String description() {
        long moved = hugePages == null ? 0 : hugePages.moved();
        return "cpu, " + pool.threads() + " threads, kernels: " + Kernels.describe()
                + (moved > 0 ? ", weights on huge pages: " + (moved >> 20) + " MiB" : "");
    }

    @Override
    public int batchCapacity() {
        return state.batchCapacity();
    }

    @Override
    public SequenceState newSequence(int capacity) {
        return new CpuSequence(model.config(), capacity, kvCacheType);
    }

    @Override
    public long sequenceBytes(int capacity) {
        return KvCache.bytesFor(model.config(), capacity, kvCacheType);
    }

    @Override
    public void prefill(SequenceState sequence, int[] tokens, int from, int count, float[] logits, int logitsOffset,
            boolean allPositions) {
        stopWarmup();
        model.forward(pool, state, CpuSequence.cacheOf(sequence), tokens, from, count, logits, logitsOffset,
                allPositions);
        startMovingWeights();
    }

    @Override
    public void decode(SequenceState[] sequences, int[] tokens, int n, float[] logits) {
        stopWarmup();
        if (n > batchCaches.length) {
            throw new IllegalArgumentException("batch of " + n + " sequences; capacity is " + batchCaches.length);
        }
        try {
            for (int b = 0; b < n; b++) {
                batchCaches[b] = CpuSequence.cacheOf(sequences[b]);
            }
            model.forwardSequences(pool, state, batchCaches, tokens, n, logits);
        } finally {
            java.util.Arrays.fill(batchCaches, 0, n, null);
        }
        startMovingWeights();
    }

    /** After a forward pass, so that the copy does not delay the first token (see HugePageMover). */
    private void startMovingWeights() {
        if (hugePages != null) {
            hugePages.startOnce();
        }
    }

    @Override
    public boolean awaitBackgroundWork(java.time.Duration timeout) throws InterruptedException {
        return hugePages == null || hugePages.await(timeout);
    }

    /** Warm-up would compete with real work for the cores: the first forward pass ends it. */
    private void stopWarmup() {
        KernelWarmup w = warmup;
        if (w != null) {
            w.stop();
            warmup = null;
        }
    }

    @Override
    public void close() {
        stopWarmup();
        pool.close();
    }
}
