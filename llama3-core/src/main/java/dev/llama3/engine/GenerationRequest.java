package dev.llama3.engine;

import dev.llama3.sampling.SamplingOptions;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One generation: how to sample, how much, and when to stop.
 *
 * @param sampling sampler settings (temperature 0 = greedy)
 * @param maxTokens most tokens to generate
 * @param stopStrings text that ends generation (not included in the output)
 * @param stopTokens token ids that end generation (not included in the text); empty = never stop on a token
 */
public record GenerationRequest(SamplingOptions sampling, int maxTokens, List<String> stopStrings, Set<Integer> stopTokens) {

    public GenerationRequest {
        Objects.requireNonNull(sampling, "sampling");
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("maxTokens must be positive, got " + maxTokens);
        }
        stopStrings = List.copyOf(stopStrings);
        stopTokens = Set.copyOf(stopTokens);
    }
}
