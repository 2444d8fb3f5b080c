package dev.llama3.sampling;

import java.util.concurrent.ThreadLocalRandom;

/**
 * How the next token is chosen from the logits; see {@link Sampler} for the order in which the
 * settings apply.
 *
 * @param temperature       divides the logits before the final softmax; {@code 0} means greedy (argmax)
 * @param topK              keep only the {@code topK} most likely tokens; {@code 0} disables
 * @param topP              nucleus sampling: keep the smallest set of most likely tokens whose probability
 *                          sums to at least {@code topP}; {@code 1} disables
 * @param minP              drop tokens whose probability is below {@code minP} times that of the most likely
 *                          token; {@code 0} disables
 * @param repetitionPenalty CTRL-style penalty for tokens seen in the last {@code penaltyLastN} tokens:
 *                          positive logits are divided by it, negative ones multiplied; {@code 1} disables
 * @param frequencyPenalty  subtracted from a logit once per occurrence in the window; {@code 0} disables
 * @param presencePenalty   subtracted from a logit once if the token occurs in the window; {@code 0} disables
 * @param penaltyLastN      how many of the most recent tokens the penalties look at; {@code 0} disables them
 * @param seed              seed of the random generator that draws the token
 */
public record SamplingOptions(
        float temperature,
        int topK,
        float topP,
        float minP,
        float repetitionPenalty,
        float frequencyPenalty,
        float presencePenalty,
        int penaltyLastN,
        long seed) {

    public static final float DEFAULT_TEMPERATURE = 0.8f;
    public static final int DEFAULT_TOP_K = 40;
    public static final float DEFAULT_TOP_P = 0.95f;
    public static final float DEFAULT_MIN_P = 0.05f;
    public static final float DEFAULT_REPETITION_PENALTY = 1.0f;
    public static final float DEFAULT_FREQUENCY_PENALTY = 0.0f;
    public static final float DEFAULT_PRESENCE_PENALTY = 0.0f;
    public static final int DEFAULT_PENALTY_LAST_N = 64;

    /** Validates every setting; the message names the offending one and its allowed range. */
    public SamplingOptions {
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException(
                    "temperature must be a finite number >= 0 (0 = greedy), got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0 (0 = disabled), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1] (1 = disabled), got " + topP);
        }
        if (!(minP >= 0 && minP <= 1)) {
            throw new IllegalArgumentException("minP must be in [0, 1] (0 = disabled), got " + minP);
        }
        if (!(repetitionPenalty > 0) || Float.isInfinite(repetitionPenalty)) {
            throw new IllegalArgumentException(
                    "repetitionPenalty must be a finite number > 0 (1 = disabled), got " + repetitionPenalty);
        }
        if (!Float.isFinite(frequencyPenalty)) {
            throw new IllegalArgumentException(
                    "frequencyPenalty must be a finite number (0 = disabled), got " + frequencyPenalty);
        }
        if (!Float.isFinite(presencePenalty)) {
            throw new IllegalArgumentException(
                    "presencePenalty must be a finite number (0 = disabled), got " + presencePenalty);
        }
        if (penaltyLastN < 0) {
            throw new IllegalArgumentException(
                    "penaltyLastN must be >= 0 (0 = penalties disabled), got " + penaltyLastN);
        }
    }

    /**
     * Deterministic argmax: temperature 0, no truncation, no penalties, seed 0 (unused: greedy
     * decoding draws no random numbers).
     */
    public static SamplingOptions greedy() {
        return new SamplingOptions(0f, 0, 1f, 0f, 1f, 0f, 0f, DEFAULT_PENALTY_LAST_N, 0L);
    }

    /**
     * A builder starting from the defaults: temperature 0.8, topK 40, topP 0.95, minP 0.05, no
     * penalties (repetition 1.0, frequency 0, presence 0) over the last 64 tokens, and a random seed
     * unless {@link Builder#seed(long)} is called.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options, seed included. */
    public Builder toBuilder() {
        return new Builder()
                .temperature(temperature)
                .topK(topK)
                .topP(topP)
                .minP(minP)
                .repetitionPenalty(repetitionPenalty)
                .frequencyPenalty(frequencyPenalty)
                .presencePenalty(presencePenalty)
                .penaltyLastN(penaltyLastN)
                .seed(seed);
    }

    /** True when temperature is 0: the sampler returns the argmax and draws no random numbers. */
    public boolean isGreedy() {
        return temperature == 0f;
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private float temperature = DEFAULT_TEMPERATURE;
        private int topK = DEFAULT_TOP_K;
        private float topP = DEFAULT_TOP_P;
        private float minP = DEFAULT_MIN_P;
        private float repetitionPenalty = DEFAULT_REPETITION_PENALTY;
        private float frequencyPenalty = DEFAULT_FREQUENCY_PENALTY;
        private float presencePenalty = DEFAULT_PRESENCE_PENALTY;
        private int penaltyLastN = DEFAULT_PENALTY_LAST_N;
        private long seed;
        private boolean seedSet;

        private Builder() {}

        public Builder temperature(float temperature) {
            this.temperature = temperature;
            return this;
        }

        public Builder topK(int topK) {
            this.topK = topK;
            return this;
        }

        public Builder topP(float topP) {
            this.topP = topP;
            return this;
        }

        public Builder minP(float minP) {
            this.minP = minP;
            return this;
        }

        public Builder repetitionPenalty(float repetitionPenalty) {
            this.repetitionPenalty = repetitionPenalty;
            return this;
        }

        public Builder frequencyPenalty(float frequencyPenalty) {
            this.frequencyPenalty = frequencyPenalty;
            return this;
        }

        public Builder presencePenalty(float presencePenalty) {
            this.presencePenalty = presencePenalty;
            return this;
        }

        public Builder penaltyLastN(int penaltyLastN) {
            this.penaltyLastN = penaltyLastN;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            this.seedSet = true;
            return this;
        }

        /** Validated options; a seed that was never set is drawn at random here. */
        public SamplingOptions build() {
            long s = seedSet ? seed : ThreadLocalRandom.current().nextLong();
            return new SamplingOptions(
                    temperature, topK, topP, minP, repetitionPenalty, frequencyPenalty, presencePenalty,
                    penaltyLastN, s);
        }
    }
}
