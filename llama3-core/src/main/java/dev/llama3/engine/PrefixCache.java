package dev.llama3.engine;

/**
 * Where sessions find the keys and values of prompts evaluated before ({@link Session#reusePrefix}). The starter
 * backs it with a Caffeine cache weighed by bytes; {@link BoundedPrefixCache} is a dependency-free one.
 *
 * <p>Implementations own the snapshots put into them and close them when they evict them; they must be safe for
 * concurrent use.
 */
public interface PrefixCache {

    /**
     * The held snapshot that shares the longest prefix with {@code tokens}, or null when none shares at least
     * {@code minLength} tokens. The snapshot stays owned by the cache (it may be evicted and closed at any time;
     * restoring from a closed snapshot simply fails over to evaluating the prompt).
     */
    KvSnapshot longestPrefix(int[] tokens, int minLength);

    /** Adds a snapshot (the cache now owns it), replacing one with the same tokens. */
    void put(KvSnapshot snapshot);
}
