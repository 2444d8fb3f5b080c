package dev.llama3.sampling;

/**
 * Repetition, frequency and presence penalties over the most recent tokens, applied to the logits in
 * place with llama.cpp's semantics.
 *
 * <p>For every distinct token {@code t} among the last {@code penaltyLastN} tokens of the history,
 * occurring {@code count} times there:
 * <pre>
 *   logit[t] = logit[t] &gt; 0 ? logit[t] / repetitionPenalty : logit[t] * repetitionPenalty
 *   logit[t] -= count * frequencyPenalty + presencePenalty
 * </pre>
 * Each token is penalised once, however often it occurs. Counting uses a per-vocabulary array that is
 * left all-zero between calls, so a call costs O(penaltyLastN) and allocates nothing.
 */
final class Penalties {
    private final int vocabSize;
    private final int[] counts;

    Penalties(int vocabSize) {
        this.vocabSize = vocabSize;
        this.counts = new int[vocabSize];
    }

    static boolean active(SamplingOptions o) {
        return o.penaltyLastN() > 0
                && (o.repetitionPenalty() != 1f || o.frequencyPenalty() != 0f || o.presencePenalty() != 0f);
    }

    /**
     * Applies the penalties of {@code o} to {@code logits} using the tail of {@code history}.
     *
     * @throws IllegalArgumentException when a token in the window is not in {@code [0, vocabSize)}; the
     *     logits are then left unchanged
     */
    void apply(float[] logits, IntSequence history, SamplingOptions o) {
        if (!active(o)) {
            return;
        }
        int end = history.size();
        int start = Math.max(0, end - o.penaltyLastN());
        for (int i = start; i < end; i++) {
            int t = history.get(i);
            if (t < 0 || t >= vocabSize) {
                clearCounts(history, start, i);
                throw new IllegalArgumentException("history[" + i + "] = " + t
                        + " is not a token id of this vocabulary [0, " + vocabSize + ")");
            }
            counts[t]++;
        }
        float repeat = o.repetitionPenalty();
        float frequency = o.frequencyPenalty();
        float presence = o.presencePenalty();
        for (int i = start; i < end; i++) {
            int t = history.get(i);
            int count = counts[t];
            if (count == 0) {
                continue; // already penalised at its first occurrence in the window
            }
            counts[t] = 0;
            float l = logits[t];
            l = l > 0 ? l / repeat : l * repeat;
            l -= count * frequency + presence;
            logits[t] = l;
        }
    }

    private void clearCounts(IntSequence history, int from, int to) {
        for (int i = from; i < to; i++) {
            counts[history.get(i)] = 0;
        }
    }
}
