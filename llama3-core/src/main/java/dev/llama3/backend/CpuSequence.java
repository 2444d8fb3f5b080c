package dev.llama3.backend;

import dev.llama3.model.KvCache;
import dev.llama3.model.KvCacheType;
import dev.llama3.model.LlamaConfig;

/** The CPU backend's sequence: a {@link KvCache} in main memory, off the Java heap. */
final class CpuSequence implements SequenceState {
    final KvCache cache;

    CpuSequence(LlamaConfig config, int capacity, KvCacheType type) {
        this.cache = new KvCache(config, capacity, type);
    }

    /** The cache of a sequence this backend created; anything else is a caller's mistake. */
    static KvCache cacheOf(SequenceState s) {
        if (s instanceof CpuSequence c) {
            return c.cache;
        }
        throw new IllegalArgumentException("the sequence " + s + " belongs to another backend than cpu");
    }

    @Override
    public int length() {
        return cache.length();
    }

    @Override
    public int capacity() {
        return cache.capacity();
    }

    @Override
    public void truncate(int newLength) {
        cache.truncate(newLength);
    }

    @Override
    public void copyFrom(SequenceState source, int positions) {
        cache.copyFrom(cacheOf(source), positions);
    }

    @Override
    public long bytes() {
        return cache.bytes();
    }

    @Override
    public void close() {
        cache.close();
    }

    @Override
    public String toString() {
        return cache.toString();
    }
}
