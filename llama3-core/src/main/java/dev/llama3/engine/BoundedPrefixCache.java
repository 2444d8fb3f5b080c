package dev.llama3.engine;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link PrefixCache} bounded by the bytes of the snapshots it holds, least recently used out first. Lookups
 * scan every entry (entries are large — megabytes each — so there are few of them).
 */
public final class BoundedPrefixCache implements PrefixCache, AutoCloseable {
    private final long maxBytes;
    private final LinkedHashMap<Key, KvSnapshot> entries = new LinkedHashMap<>(16, 0.75f, true);
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
            entries.get(new Key(best.tokens())); // access order: recently used
        }
        return best;
    }

    @Override
    public synchronized void put(KvSnapshot snapshot) {
        if (snapshot.bytes() > maxBytes) {
            snapshot.close();
            return;
        }
        KvSnapshot old = entries.put(new Key(snapshot.tokens()), snapshot);
        bytes += snapshot.bytes();
        if (old != null && old != snapshot) {
            bytes -= old.bytes();
            old.close();
        }
        Iterator<Map.Entry<Key, KvSnapshot>> it = entries.entrySet().iterator();
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

    /** Token sequences compared by content. */
    private record Key(int[] tokens) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(tokens, k.tokens);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(tokens);
        }

        @Override
        public String toString() {
            return tokens.length + " tokens";
        }
    }
}
