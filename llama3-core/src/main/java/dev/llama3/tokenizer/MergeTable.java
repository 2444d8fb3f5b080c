package dev.llama3.tokenizer;

import java.util.Arrays;

/**
 * BPE merge ranks keyed by the pair of token ids, in an open-addressing table (280K merges for Llama 3, no
 * boxing). {@link #rank} is the merge's priority (lower merges first), {@link #result} the merged token id.
 */
final class MergeTable {
    private final long[] keys;
    private final int[] ranks;
    private final int[] results;
    private final int mask;

    MergeTable(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[capacity];
        Arrays.fill(keys, -1L);
        ranks = new int[capacity];
        results = new int[capacity];
        mask = capacity - 1;
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29)) & mask;
    }

    /** Adds a merge unless the pair is already present (the first, lowest rank wins). */
    void put(int left, int right, int rank, int result) {
        long k = key(left, right);
        int i = slot(k);
        while (keys[i] != -1L) {
            if (keys[i] == k) {
                return;
            }
            i = (i + 1) & mask;
        }
        keys[i] = k;
        ranks[i] = rank;
        results[i] = result;
    }

    /** Index of the pair in the table, or -1. */
    int find(int left, int right) {
        long k = key(left, right);
        int i = slot(k);
        while (keys[i] != -1L) {
            if (keys[i] == k) {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    int rank(int index) {
        return ranks[index];
    }

    int result(int index) {
        return results[index];
    }
}
