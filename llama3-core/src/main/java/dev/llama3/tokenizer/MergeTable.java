package dev.llama3.tokenizer;

/**
 * The BPE merge rules as a primitive open-addressing hash map from a pair of symbol ids (packed into one
 * {@code long}) to the rule's rank (its line in {@code tokenizer.ggml.merges}; lower merges first) and the id of
 * the merged symbol. About 280K Llama 3 rules take 8 MiB and no per-entry objects. Immutable once built.
 */
final class MergeTable {

    private static final long EMPTY = -1L; // no pair packs to this: symbol ids are never negative

    private final long[] keys;
    private final int[] ranks;
    private final int[] results;
    private final int mask;
    private final int shift;
    private int size;

    /** A table with room for {@code expected} rules at a load factor of at most 1/2. */
    MergeTable(int expected) {
        int capacity = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
        keys = new long[capacity];
        ranks = new int[capacity];
        results = new int[capacity];
        mask = capacity - 1;
        shift = 64 - Integer.numberOfTrailingZeros(capacity);
        java.util.Arrays.fill(keys, EMPTY);
    }

    private static long pack(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private int slotOf(long key) {
        // Fibonacci hashing: the top bits of the product depend on every bit of both ids
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
    }

    /** Adds the rule unless the pair already has one: as in llama.cpp, the first occurrence of a pair wins. */
    boolean addIfAbsent(int left, int right, int rank, int result) {
        long key = pack(left, right);
        int slot = slotOf(key);
        while (keys[slot] != EMPTY) {
            if (keys[slot] == key) {
                return false;
            }
            slot = (slot + 1) & mask;
        }
        if (size + 1 > (mask + 1) / 2) {
            throw new IllegalStateException("merge table sized for fewer rules than were added");
        }
        keys[slot] = key;
        ranks[slot] = rank;
        results[slot] = result;
        size++;
        return true;
    }

    /** The slot of the rule for {@code (left, right)}, or -1 when there is none. */
    int find(int left, int right) {
        long key = pack(left, right);
        int slot = slotOf(key);
        long k;
        while ((k = keys[slot]) != EMPTY) {
            if (k == key) {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
        return -1;
    }

    int rankAt(int slot) {
        return ranks[slot];
    }

    int resultAt(int slot) {
        return results[slot];
    }

    int size() {
        return size;
    }
}
