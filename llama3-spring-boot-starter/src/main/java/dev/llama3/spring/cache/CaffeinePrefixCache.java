package dev.llama3.spring.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.llama3.engine.KvSnapshot;
import dev.llama3.engine.PrefixCache;
import dev.llama3.engine.TokenKey;

/**
 * The prompt-prefix KV cache on Caffeine: snapshots of evaluated prompts keyed by their tokens, weighed by their
 * off-heap bytes and bounded by a total, evicted by Caffeine's policy; an evicted or replaced snapshot is closed
 * (its memory is freed once no session is copying from it). Lookups scan the entries for the longest common
 * prefix: entries are megabytes each, so there are few.
 */
public final class CaffeinePrefixCache implements PrefixCache, AutoCloseable {
    private final Cache<TokenKey, KvSnapshot> cache;

    public CaffeinePrefixCache(long maxBytes, boolean recordStats) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("max bytes must be positive, got " + maxBytes);
        }
        Caffeine<TokenKey, KvSnapshot> builder = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((TokenKey k, KvSnapshot s) -> (int) Math.min(Integer.MAX_VALUE, Math.max(1, s.bytes())))
                .removalListener((TokenKey k, KvSnapshot s, RemovalCause cause) -> {
                    if (s != null) {
                        s.close();
                    }
                });
        if (recordStats) {
            builder.recordStats();
        }
        this.cache = builder.build();
    }

    /** The Caffeine cache, e.g. for Micrometer's {@code CaffeineCacheMetrics}. */
    public Cache<?, ?> nativeCache() {
        return cache;
    }

    @Override
    public KvSnapshot longestPrefix(int[] tokens, int minLength) {
        KvSnapshot best = null;
        TokenKey bestKey = null;
        int bestLength = Math.max(1, minLength) - 1;
        for (var e : cache.asMap().entrySet()) {
            int n = e.getValue().commonPrefix(tokens);
            if (n > bestLength) {
                best = e.getValue();
                bestKey = e.getKey();
                bestLength = n;
            }
        }
        if (bestKey != null) {
            cache.getIfPresent(bestKey); // counts as a use (and a hit) for eviction and statistics
        }
        return best;
    }

    @Override
    public void put(KvSnapshot snapshot) {
        cache.put(TokenKey.of(snapshot), snapshot);
    }

    /** Snapshots held (after pending evictions). */
    public long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    @Override
    public void close() {
        cache.invalidateAll();
        cache.cleanUp();
    }
}
