package dev.llama3.engine;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link PrefixCache} bounded by the bytes of the snapshots it holds, least recently used out first. Lookups
 * scan every entry (entries are large — megabytes each — so there are few of them).
 */
public final class BoundedPrefixCache implements PrefixCache, AutoCloseable {
    private final long maxBytes;
    private final LinkedHashMap<TokenKey, KvSnapshot> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    public BoundedPrefixCache(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    @Override
    public synchronized KvSnapshot longestPrefix(int[] tokens, int minLength) {
        KvSnapshot best = null;
        int bestLength = Math.max(1, minLength) - 1;
        for (KvSnapshot s : entries.values()) {
            int n = s.commonPrefix(tokens);
            if (n > bestLength) {
                best = s;
                bestLength = n;
            }
        }
        if (best != null) {
            entries.get(TokenKey.of(best)); // access order: recently used
        }
        return best;
    }

    @Override
    public synchronized void put(KvSnapshot snapshot) {
        if (snapshot.bytes() > maxBytes) {
            snapshot.close();
            return;
        }
        KvSnapshot old = entries.put(TokenKey.of(snapshot), snapshot);
        bytes += snapshot.bytes();
        if (old != null && old != snapshot) {
            bytes -= old.bytes();
            old.close();
        }
        Iterator<Map.Entry<TokenKey, KvSnapshot>> it = entries.entrySet().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            KvSnapshot eldest = it.next().getValue();
            if (eldest == snapshot) {
                continue;
            }
            it.remove();
            bytes -= eldest.bytes();
            eldest.close();
        }
    }

    /** Snapshots held. */
    public synchronized int size() {
        return entries.size();
    }

    /** Bytes held. */
    public synchronized long bytes() {
        return bytes;
    }

    @Override
    public synchronized void close() {
        entries.values().forEach(KvSnapshot::close);
        entries.clear();
        bytes = 0;
    }
}
