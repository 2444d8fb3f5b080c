package dev.llama3.sampling;

import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Chooses the next token from a logits vector, once per generated token.
 *
 * <p>The steps follow llama.cpp's common sampler chain, in this order:
 * <ol>
 *   <li><b>penalties</b> on the last {@code penaltyLastN} tokens of the history, once per distinct
 *       token occurring {@code count} times: repetition ({@code logit > 0 ? logit / penalty :
 *       logit * penalty}), then frequency ({@code -= count * frequencyPenalty}) and presence
 *       ({@code -= presencePenalty});</li>
 *   <li>if {@code temperature == 0}: <b>greedy</b> — the argmax, ties to the lowest id; no random
 *       number is drawn. Otherwise:</li>
 *   <li><b>top-k</b>: keep the {@code topK} highest logits (ties to the lower id);</li>
 *   <li><b>top-p</b>: with probabilities = softmax of the remaining logits (temperature 1), keep the
 *       smallest best-first prefix whose probabilities sum to at least {@code topP} (at least one
 *       token);</li>
 *   <li><b>min-p</b>: drop tokens whose probability is below {@code minP} times the largest one;</li>
 *   <li><b>temperature</b>: divide the remaining logits by {@code temperature};</li>
 *   <li><b>softmax and draw</b>: one {@code nextDouble()} from the seeded generator picks a token by
 *       inverse CDF over the candidates, walked best first (in id order when no truncation is
 *       active).</li>
 * </ol>
 * Masked tokens ({@code -Infinity}) are never chosen. NaN or {@code +Infinity} logits are rejected
 * with an {@link IllegalArgumentException}, as is a vector with every token masked.
 *
 * <p>The generator is a {@link SplittableRandom} seeded from {@link SamplingOptions#seed()}: the same
 * seed and the same logits give the same tokens on every run and JVM. Each non-greedy call consumes
 * exactly one random number, so the stream position depends only on the number of calls.
 *
 * <p>{@link #sample} allocates nothing: every buffer is sized to the vocabulary in the constructor
 * (about 20 bytes per token). It never sorts the vocabulary (see {@link Truncation}). A sampler
 * belongs to one generation at a time; it is not thread-safe.
 */
public final class Sampler {
    private final SamplingOptions options;
    private final int vocabSize;
    private final Penalties penalties;
    private final Truncation truncation;
    private RandomGenerator random;

    public Sampler(SamplingOptions options, int vocabSize) {
        this.options = Objects.requireNonNull(options, "options");
        if (vocabSize <= 0) {
            throw new IllegalArgumentException("vocabSize must be > 0, got " + vocabSize);
        }
        this.vocabSize = vocabSize;
        this.penalties = new Penalties(vocabSize);
        this.truncation = options.isGreedy() ? null : new Truncation(vocabSize);
        this.random = new SplittableRandom(options.seed());
    }

    public SamplingOptions options() {
        return options;
    }

    public int vocabSize() {
        return vocabSize;
    }

    /**
     * Chooses the next token from {@code logits[0..vocabSize)}. The array is modified in place
     * (penalties are applied to it); entries past {@code vocabSize} are ignored.
     *
     * @param history every token so far (prompt and generated), read for the penalties
     * @throws IllegalArgumentException when {@code logits} is shorter than the vocabulary, holds NaN or
     *     +Infinity or only -Infinity, or when a penalised history entry is not a token id
     */
    public int sample(float[] logits, IntSequence history) {
        Objects.requireNonNull(logits, "logits");
        Objects.requireNonNull(history, "history");
        if (logits.length < vocabSize) {
            throw new IllegalArgumentException(
                    "logits has " + logits.length + " entries, the vocabulary " + vocabSize);
        }
        penalties.apply(logits, history, options);
        if (options.isGreedy()) {
            return Logits.argmax(logits, vocabSize);
        }
        truncation.apply(logits, options.topK(), options.topP(), options.minP());
        return draw(truncation);
    }

    /** Restarts the random stream from {@code seed}, as if the sampler had been created with it. */
    public void reset(long seed) {
        random = new SplittableRandom(seed);
    }

    /** Softmax at the configured temperature over the candidates, then one inverse-CDF draw. */
    private int draw(Truncation c) {
        int n = c.count;
        float[] weights = c.logits; // overwritten in place: the logits are not needed afterwards
        double max = c.maxLogit;
        double temperature = options.temperature();
        double total = 0;
        for (int i = 0; i < n; i++) {
            // max is a candidate, so its weight is exactly 1 and total >= 1
            float w = (float) Math.exp((weights[i] - max) / temperature);
            weights[i] = w;
            total += w;
        }
        double u = random.nextDouble() * total;
        double cumulative = 0;
        int last = 0;
        for (int i = 0; i < n; i++) {
            float w = weights[i];
            if (w > 0) {
                cumulative += w;
                last = i;
                if (cumulative > u) {
                    return c.ids[i];
                }
            }
        }
        return c.ids[last]; // u rounded up to total: the last token with any weight
    }
}
